package org.provisioning.console.snmp;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertListener;
import org.provisioning.common.config.SnmpTrapReceiverConfig;
import org.provisioning.common.config.SnmpVersion;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.console.alert.AlertSender;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * Sends alerts to one SNMP manager as psAlertRaised and psAlertCleared notifications of
 * PROVISIONING-SUITE-MIB (RFC 3416 §4.2.6 and §4.2.7: sysUpTime.0, snmpTrapOID.0, then the alert's
 * objects). A trap is fire and forget: it fails only if it cannot leave this host. An inform
 * succeeds when the manager acknowledges it, so a dead or refusing manager makes it fail and its
 * {@link org.provisioning.console.alert.AlertChannel} retry it with backoff and count it.
 *
 * <p>Each receiver has a session (socket and USM) of its own, so two managers may know users of the
 * same name with different keys. SNMPv3 informs discover the manager's engine (RFC 3414 §4); v3
 * traps are sent under this server's engine ID, which the manager must know the user under.
 */
public final class SnmpTrapSender implements AlertSender, AutoCloseable {
  private final SnmpTrapReceiverConfig receiver;
  private final Snmp snmp;
  private final Target<UdpAddress> target;
  private final String name;
  private final boolean announceStart;

  /** The batch whose first {@link #deliveredOfLast} notifications already went out. */
  private List<Delivery> lastBatch = List.of();

  private int deliveredOfLast;

  /**
   * @param announceStart send coldStart before any alert: this process has just started, and alerts
   *     a manager still shows active from before may be gone
   */
  public SnmpTrapSender(SnmpTrapReceiverConfig receiver, SnmpEngine engine, boolean announceStart)
      throws IOException {
    this.receiver = receiver;
    this.announceStart = announceStart;
    this.name = channelName(receiver);
    UdpAddress address = new UdpAddress(receiver.address().toInetAddress(), receiver.port());
    DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping();
    MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
    if (receiver.version() == SnmpVersion.V2C) {
      dispatcher.addMessageProcessingModel(new MPv2c());
      CommunityTarget<UdpAddress> community =
          new CommunityTarget<>(address, new OctetString(receiver.community()));
      community.setVersion(SnmpConstants.version2c);
      target = community;
    } else {
      SecurityProtocols protocols = UsmUsers.protocols();
      CounterSupport counters = new CounterSupport();
      OctetString engineId = new OctetString(engine.id());
      USM usm = new USM(protocols, engineId, engine.boots(), counters);
      UsmUser user = UsmUsers.user(receiver.user());
      // An inform's authority is the manager (its engine is discovered and the keys localized to
      // it); a trap's is this server, whose engine ID the manager knows the user under.
      usm.addUser(user, receiver.inform() ? null : engineId);
      dispatcher.addMessageProcessingModel(
          new MPv3(
              engine.id(),
              null,
              protocols,
              SecurityModels.getCollection(new SecurityModel[] {usm}),
              counters));
      UserTarget<UdpAddress> userTarget =
          new UserTarget<>(address, new OctetString(receiver.user().name()), new byte[0]);
      userTarget.setSecurityLevel(SecurityLevel.AUTH_PRIV);
      userTarget.setVersion(SnmpConstants.version3);
      target = userTarget;
    }
    // One attempt per send: the channel retries with backoff and counts every failure.
    target.setRetries(0);
    target.setTimeout(receiver.timeoutMillis());
    snmp = new Snmp(dispatcher, transport);
    snmp.listen();
  }

  /**
   * The channel of a receiver, as one statistics label segment: {@code snmp-192_0_2_10-162}, so its
   * counters read {@code alerts.channel.snmp-192_0_2_10-162.sent}.
   */
  public static String channelName(SnmpTrapReceiverConfig receiver) {
    return "snmp-"
        + StatisticDefinition.labelValue(String.valueOf(receiver.address()))
        + "-"
        + receiver.port();
  }

  public String name() {
    return name;
  }

  /**
   * Sends each alert of the batch as one notification. If one fails, the notifications before it
   * are not sent again when the channel retries the same batch: a manager sees each alert once.
   */
  @Override
  public synchronized void send(List<Delivery> batch) throws Exception {
    int from = batch.equals(lastBatch) ? deliveredOfLast : 0;
    lastBatch = batch;
    deliveredOfLast = from;
    for (int i = from; i < batch.size(); i++) {
      Delivery delivery = batch.get(i);
      if (delivery.change() != AlertListener.Change.ACKNOWLEDGED) {
        send(notification(delivery.alert(), delivery.change()));
      }
      deliveredOfLast = i + 1;
    }
  }

  /**
   * coldStart (RFC 3418 snmpMIB 5.1) when the process has just started: a manager that shows alerts
   * by id learns that those it holds active from before may have ended with the process (ids never
   * repeat, so no later clear of the same alert will come for them).
   */
  @Override
  public void opened() throws IOException {
    if (announceStart) {
      PDU pdu = receiver.version() == SnmpVersion.V3 ? new ScopedPDU() : new PDU();
      pdu.setType(receiver.inform() ? PDU.INFORM : PDU.TRAP);
      pdu.add(new VariableBinding(SuiteMib.SYS_UP_TIME, MibView.upTime()));
      pdu.add(new VariableBinding(SuiteMib.SNMP_TRAP_OID, SnmpConstants.coldStart));
      send(pdu);
    }
  }

  private void send(PDU pdu) throws IOException {
    ResponseEvent<UdpAddress> answer = snmp.send(pdu, target);
    if (!receiver.inform()) {
      return;
    }
    if (answer == null || answer.getResponse() == null) {
      Exception error = answer == null ? null : answer.getError();
      throw new IOException(
          "no acknowledgement from "
              + target.getAddress()
              + " within "
              + receiver.timeoutMillis()
              + " ms"
              + (error == null ? "" : ": " + error));
    }
    PDU response = answer.getResponse();
    if (response.getType() == PDU.REPORT) {
      throw new IOException(
          "the manager at "
              + target.getAddress()
              + " refused the inform: "
              + (response.size() > 0 ? response.get(0).getOid() : "report"));
    }
    if (response.getErrorStatus() != PDU.noError) {
      throw new IOException(
          "the manager at " + target.getAddress() + " answered " + response.getErrorStatusText());
    }
  }

  /** psAlertRaised or psAlertCleared with the alert's objects, as a trap or an inform. */
  PDU notification(Alert alert, AlertListener.Change change) {
    PDU pdu = receiver.version() == SnmpVersion.V3 ? new ScopedPDU() : new PDU();
    pdu.setType(receiver.inform() ? PDU.INFORM : PDU.TRAP);
    pdu.add(new VariableBinding(SuiteMib.SYS_UP_TIME, MibView.upTime()));
    pdu.add(
        new VariableBinding(
            SuiteMib.SNMP_TRAP_OID,
            change == AlertListener.Change.CLEARED
                ? SuiteMib.ALERT_CLEARED
                : SuiteMib.ALERT_RAISED));
    for (VariableBinding vb : alertObjects(alert)) {
      pdu.add(vb);
    }
    return pdu;
  }

  /** The NOTIFICATION-TYPE's OBJECTS, in its order. */
  static List<VariableBinding> alertObjects(Alert alert) {
    return List.of(
        new VariableBinding(
            SuiteMib.scalar(SuiteMib.ALERT_EVENT), new OctetString(cut(alert.event(), 64))),
        new VariableBinding(
            SuiteMib.scalar(SuiteMib.ALERT_SEVERITY),
            new Integer32(alert.severity().ordinal() + 1)),
        new VariableBinding(
            SuiteMib.scalar(SuiteMib.ALERT_SERVER), new OctetString(cut(alert.server(), 63))),
        new VariableBinding(
            SuiteMib.scalar(SuiteMib.ALERT_SERVICE),
            new OctetString(cut(alert.service().toLowerCase(Locale.ROOT), 32))),
        new VariableBinding(SuiteMib.scalar(SuiteMib.ALERT_OBJECT), MibView.text(alert.object())),
        new VariableBinding(SuiteMib.scalar(SuiteMib.ALERT_MESSAGE), MibView.text(alert.message())),
        new VariableBinding(
            SuiteMib.scalar(SuiteMib.ALERT_ID), new UnsignedInteger32(alert.id() & 0xffff_ffffL)));
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }

  @Override
  public void close() {
    try {
      snmp.close();
    } catch (IOException e) {
      // closing a UDP socket: nothing to do about it
    }
  }

  @Override
  public String toString() {
    return "SnmpTrapSender["
        + name
        + ", "
        + receiver.version().label()
        + (receiver.inform() ? " inform" : " trap")
        + "]";
  }
}
