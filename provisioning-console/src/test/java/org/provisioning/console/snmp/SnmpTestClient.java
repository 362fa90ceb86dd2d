package org.provisioning.console.snmp;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.snmp4j.CommunityTarget;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmTimeEntry;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/** A manager made of SNMP4J's own command generator, one request at a time, short timeouts. */
final class SnmpTestClient implements AutoCloseable {
  private final Snmp snmp;
  private final USM usm;
  private final MPv3 mpv3;
  private final UdpAddress agent;

  SnmpTestClient(InetSocketAddress agent) throws IOException {
    this.agent = new UdpAddress(agent.getAddress(), agent.getPort());
    SecurityProtocols protocols =
        new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.defaultSecurity);
    usm = new USM(protocols, new OctetString(MPv3.createLocalEngineID()), 0);
    mpv3 =
        new MPv3(
            usm.getLocalEngineID().getValue(),
            null,
            protocols,
            SecurityModels.getCollection(new org.snmp4j.security.SecurityModel[] {usm}),
            org.snmp4j.mp.CounterSupport.getInstance());
    org.snmp4j.MessageDispatcherImpl dispatcher = new org.snmp4j.MessageDispatcherImpl();
    dispatcher.addMessageProcessingModel(new org.snmp4j.mp.MPv1());
    dispatcher.addMessageProcessingModel(new org.snmp4j.mp.MPv2c());
    dispatcher.addMessageProcessingModel(mpv3);
    snmp = new Snmp(dispatcher, new DefaultUdpTransportMapping());
    snmp.listen();
  }

  Target<UdpAddress> v2c(String community) {
    CommunityTarget<UdpAddress> target = new CommunityTarget<>(agent, new OctetString(community));
    target.setVersion(SnmpConstants.version2c);
    return shortTimeout(target);
  }

  Target<UdpAddress> v1(String community) {
    CommunityTarget<UdpAddress> target = new CommunityTarget<>(agent, new OctetString(community));
    target.setVersion(SnmpConstants.version1);
    return shortTimeout(target);
  }

  /** A v3 user at authPriv, SHA-256 and AES-128 with these passphrases. */
  Target<UdpAddress> v3(String user, String authKey, String privKey, int level) {
    usm.removeAllUsers(new OctetString(user));
    usm.addUser(
        new UsmUser(
            new OctetString(user),
            org.snmp4j.security.AuthHMAC192SHA256.ID,
            new OctetString(authKey),
            org.snmp4j.security.PrivAES128.ID,
            new OctetString(privKey)));
    UserTarget<UdpAddress> target = new UserTarget<>(agent, new OctetString(user), new byte[0]);
    target.setSecurityLevel(level);
    target.setVersion(SnmpConstants.version3);
    return shortTimeout(target);
  }

  /** Makes this client believe the agent's engine has another boot count: a stale time window. */
  void forgeEngineBoots(byte[] engineId, int boots) {
    mpv3.addEngineID(agent, new OctetString(engineId));
    usm.getTimeTable().addEntry(new UsmTimeEntry(new OctetString(engineId), boots, 10));
  }

  private static Target<UdpAddress> shortTimeout(Target<UdpAddress> target) {
    target.setRetries(0);
    target.setTimeout(700);
    return target;
  }

  /** The response, or null when none came. */
  PDU request(Target<UdpAddress> target, int type, OID... oids) throws IOException {
    return send(target, type, 50, oids);
  }

  /** A GETBULK with no non-repeaters and {@code maxRepetitions}. */
  PDU bulk(Target<UdpAddress> target, int maxRepetitions, OID... oids) throws IOException {
    return send(target, PDU.GETBULK, maxRepetitions, oids);
  }

  private PDU send(Target<UdpAddress> target, int type, int maxRepetitions, OID... oids)
      throws IOException {
    PDU pdu = target.getVersion() == SnmpConstants.version3 ? new ScopedPDU() : new PDU();
    pdu.setType(type);
    for (OID oid : oids) {
      pdu.add(new VariableBinding(oid));
    }
    if (type == PDU.GETBULK) {
      pdu.setNonRepeaters(0);
      pdu.setMaxRepetitions(maxRepetitions);
    }
    ResponseEvent<UdpAddress> event = snmp.send(pdu, target);
    return event == null ? null : event.getResponse();
  }

  Snmp snmp() {
    return snmp;
  }

  @Override
  public void close() throws IOException {
    snmp.close();
  }
}
