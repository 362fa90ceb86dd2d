package org.provisioning.common.alert;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.provisioning.common.bus.BusListener;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.ReplicatedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an operator's acknowledgement reach the failover partner: an alert acknowledged here is
 * published as an {@link RecordType#ALERT_ACK} record (event, object, who), which the failover
 * stream carries like every record; a durable ALERT_ACK, ours or the partner's, acknowledges the
 * alert of the same event and object in this server's {@link AlertCenter}, where the same condition
 * has its own alert and id. Applying our own record again changes nothing. When the failover syncs
 * by snapshot, the acknowledgements of the alerts active here go whole to the partner ({@link
 * ReplicatedState}), so that an alert acknowledged before the pair formed, or while it was apart,
 * is acknowledged on both.
 */
public final class AlertAcknowledgements implements BusListener, ReplicatedState {
  private static final Logger log = LoggerFactory.getLogger(AlertAcknowledgements.class);

  /**
   * How much later than the acknowledgement (on the partner's clock) an alert here may have been
   * raised and still be the occurrence the operator saw: the two servers notice a condition at
   * slightly different moments, and their clocks differ (failover alerts past 10 s of skew).
   */
  static final Duration SKEW_MARGIN = Duration.ofSeconds(60);

  private final AlertCenter alerts;

  /** Wires the center to the bus both ways. */
  public AlertAcknowledgements(AlertCenter alerts, BusPublisher bus) {
    this.alerts = alerts;
    alerts.onOperatorAcknowledgement(
        alert -> {
          if (!alert.active()) {
            // A cleared alert, acknowledged from the history (the id in an older mail): applied
            // by event and object here and on the partner, it would acknowledge the alert active
            // for that condition now, which nobody has seen.
            return;
          }
          bus.publish(RecordType.ALERT_ACK, encode(alert))
              .exceptionally(
                  e -> {
                    log.warn(
                        "ALERT_ACK_NOT_REPLICATED id={} event={}: {}",
                        alert.id(),
                        alert.event(),
                        e.toString());
                    return null;
                  });
        });
  }

  @Override
  public void onDurable(BusRecord record) {
    if (!RecordType.ALERT_ACK.equals(record.type())) {
      return;
    }
    try {
      acknowledge(record.payload());
    } catch (IOException e) {
      log.warn("ALERT_ACK_UNREADABLE record={}: {}", record, e.toString());
    }
  }

  /**
   * Acknowledges the active alert of the payload's event and object, if it was raised before the
   * acknowledgement was made (give or take {@link #SKEW_MARGIN}); whether one was unacked. An alert
   * raised later is another occurrence of the condition, which nobody has seen yet: the partner's
   * acknowledgement, arriving when the pair meets again, acknowledged it.
   */
  private boolean acknowledge(byte[] payload) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      String event = in.readUTF();
      String object = in.readUTF();
      String by = in.readUTF();
      if (in.available() < Long.BYTES) {
        return alerts.acknowledge(event, object, by).isPresent(); // a record of an older build
      }
      // Acknowledged here as of the partner's moment: the same payload again, so a snapshot's
      // entry merged here is known for the partner's and not sent back.
      Instant at = Instant.ofEpochMilli(in.readLong());
      return alerts.acknowledge(event, object, by, at, at.plus(SKEW_MARGIN)).isPresent();
    }
  }

  @Override
  public Set<RecordType> types() {
    return Set.of(RecordType.ALERT_ACK);
  }

  /** The acknowledgements of the alerts active here: those are what the partner may lack. */
  @Override
  public List<Entry> entries() {
    List<Entry> acks = new ArrayList<>();
    for (Alert alert : alerts.active()) {
      if (alert.acknowledged()) {
        acks.add(new Entry(RecordType.ALERT_ACK, encode(alert)));
      }
    }
    return acks;
  }

  /** Acknowledges the alert of the same event and object here, if one is active and unacked. */
  @Override
  public boolean merge(Entry entry) {
    if (!RecordType.ALERT_ACK.equals(entry.type())) {
      return false;
    }
    try {
      return acknowledge(entry.payload());
    } catch (IOException e) {
      log.warn("ALERT_ACK_UNREADABLE from the partner's state: {}", e.toString());
      return false;
    }
  }

  static byte[] encode(Alert alert) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(alert.event());
      out.writeUTF(alert.object());
      out.writeUTF(alert.acknowledgedBy());
      out.writeLong(alert.acknowledgedAt().toEpochMilli());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
