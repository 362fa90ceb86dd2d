package org.provisioning.common.alert;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.provisioning.common.bus.BusListener;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an operator's acknowledgement reach the failover partner: an alert acknowledged here is
 * published as an {@link RecordType#ALERT_ACK} record (event, object, who), which the failover
 * stream carries like every record; a durable ALERT_ACK, ours or the partner's, acknowledges the
 * alert of the same event and object in this server's {@link AlertCenter}, where the same condition
 * has its own alert and id. Applying our own record again changes nothing.
 */
public final class AlertAcknowledgements implements BusListener {
  private static final Logger log = LoggerFactory.getLogger(AlertAcknowledgements.class);

  private final AlertCenter alerts;

  /** Wires the center to the bus both ways. */
  public AlertAcknowledgements(AlertCenter alerts, BusPublisher bus) {
    this.alerts = alerts;
    alerts.onOperatorAcknowledgement(
        alert ->
            bus.publish(RecordType.ALERT_ACK, encode(alert))
                .exceptionally(
                    e -> {
                      log.warn(
                          "ALERT_ACK_NOT_REPLICATED id={} event={}: {}",
                          alert.id(),
                          alert.event(),
                          e.toString());
                      return null;
                    }));
  }

  @Override
  public void onDurable(BusRecord record) {
    if (!RecordType.ALERT_ACK.equals(record.type())) {
      return;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record.payload()))) {
      String event = in.readUTF();
      String object = in.readUTF();
      String by = in.readUTF();
      alerts.acknowledge(event, object, by);
    } catch (IOException e) {
      log.warn("ALERT_ACK_UNREADABLE record={}: {}", record, e.toString());
    }
  }

  static byte[] encode(Alert alert) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(alert.event());
      out.writeUTF(alert.object());
      out.writeUTF(alert.acknowledgedBy());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
