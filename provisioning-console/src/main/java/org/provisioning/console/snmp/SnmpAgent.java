package org.provisioning.console.snmp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.provisioning.common.config.SnmpAgentConfig;
import org.provisioning.common.config.SnmpUserConfig;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcher;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.mp.StateReference;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * A read-only SNMP agent: GET, GETNEXT and GETBULK (RFC 3416) over a {@link MibView}, for SNMPv2c
 * with one read-only community and SNMPv3 with USM users at authPriv.
 *
 * <p>What it does not answer: a wrong community (counted in snmpInBadCommunityNames), an SNMPv1 or
 * unknown version (snmpInBadVersions), a malformed message (snmpInASNParseErrs, snmpInvalidMsgs),
 * and v3 messages with an unknown user, a wrong digest, a stale time window, undecryptable data or
 * less than authPriv (usmStats). RFC 3412 §7.2 would send reports for most of these; this agent
 * sends only the two that engine discovery needs (RFC 3414 §4): usmStatsUnknownEngineIDs to a probe
 * for the engine ID, and usmStatsNotInTimeWindows to an authenticated probe with zero boots and
 * time. A replayed message (non-zero, stale time) gets silence. A SET is answered noAccess.
 */
public final class SnmpAgent implements AutoCloseable {
  /** The most variables one GETBULK response holds. */
  static final int MAX_BULK_VARIABLES = 100;

  /** The largest v2c response: a 1,500-octet frame less the IP and UDP headers. */
  static final int V2C_BULK_RESPONSE_OCTETS = 1472;

  private static final Logger log = LoggerFactory.getLogger(SnmpAgent.class);

  /** Values read for one request serve the requests of the next moment too: a walk stays cheap. */
  private static final Duration SNAPSHOT_LIFETIME = Duration.ofMillis(250);

  private final SnmpAgentConfig config;
  private final MibView view;
  private final AgentCounters counters;
  private final Snmp snmp;
  private final USM usm;
  private final DefaultUdpTransportMapping transport;
  private final byte[] community;
  private final Counter get;
  private final Counter getNext;
  private final Counter getBulk;
  private final Counter set;
  private MibSnapshot snapshot;
  private long snapshotAt;

  /** Binds the agent's socket and starts answering. */
  public static SnmpAgent start(
      SnmpAgentConfig config, SnmpEngine engine, MibSources sources, StatisticsRegistry stats)
      throws IOException {
    return new SnmpAgent(config, engine, sources, stats, Clock.systemUTC());
  }

  private SnmpAgent(
      SnmpAgentConfig config,
      SnmpEngine engine,
      MibSources sources,
      StatisticsRegistry stats,
      Clock clock)
      throws IOException {
    this.config = config;
    this.counters = new AgentCounters(stats);
    this.community =
        config.community() == null
            ? null
            : config.community().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    this.get = stats.counter(AgentCounters.requestStatistic("get"));
    this.getNext = stats.counter(AgentCounters.requestStatistic("getnext"));
    this.getBulk = stats.counter(AgentCounters.requestStatistic("getbulk"));
    this.set = stats.counter(AgentCounters.requestStatistic("set"));

    SecurityProtocols protocols = UsmUsers.protocols();
    CounterSupport counterSupport = new CounterSupport();
    counterSupport.addCounterListener(counters);
    OctetString engineId = new OctetString(engine.id());
    usm = new AgentUsm(protocols, engineId, engine.boots(), counterSupport);
    for (SnmpUserConfig user : config.users()) {
      usm.addUser(UsmUsers.user(user), engineId);
    }
    MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
    dispatcher.addCounterListener(counters);
    dispatcher.addMessageProcessingModel(new MPv2c());
    dispatcher.addMessageProcessingModel(
        new DiscoveryOnlyMPv3(
            engine.id(),
            protocols,
            SecurityModels.getCollection(new SecurityModel[] {usm}),
            counterSupport));
    transport =
        new DefaultUdpTransportMapping(
            new UdpAddress(config.listen().toInetAddress(), config.port()), false);
    this.view =
        new MibView(
            sources,
            new MibView.Engine(
                engine.id(),
                engine.boots(),
                usm::getEngineTime,
                transport.getMaxInboundMessageSize()),
            counters,
            clock);
    snmp = new Snmp(dispatcher, transport);
    snmp.addCommandResponder(new Responder());
    snmp.listen();
    log.info(
        "SNMP_AGENT_STARTED address={} v2c={} v3Users={} engineId={} boots={}",
        localAddress(),
        community != null,
        config.users().size(),
        engine.idHex(),
        engine.boots());
  }

  /** The address the agent answers on (its port may have been 0 in the config). */
  public InetSocketAddress localAddress() {
    UdpAddress bound = transport.getListenAddress();
    return bound == null
        ? new InetSocketAddress(config.listen().toInetAddress(), config.port())
        : new InetSocketAddress(bound.getInetAddress(), bound.getPort());
  }

  @Override
  public void close() {
    try {
      snmp.close();
    } catch (IOException e) {
      log.warn("SNMP_AGENT_CLOSE_FAILED {}", e.toString());
    }
  }

  private synchronized MibSnapshot snapshot() {
    long now = System.nanoTime();
    if (snapshot == null || now - snapshotAt > SNAPSHOT_LIFETIME.toNanos()) {
      snapshot = view.snapshot();
      snapshotAt = now;
    }
    return snapshot;
  }

  /**
   * USM that counts the decryption errors SNMP4J finds (it returns them without counting): a scoped
   * PDU that decrypts to anything but a SEQUENCE was encrypted with another key (RFC 3414 §3.2 step
   * 8b, usmStatsDecryptionErrors).
   */
  private static final class AgentUsm extends USM {
    AgentUsm(
        SecurityProtocols protocols, OctetString engineId, int boots, CounterSupport counters) {
      super(protocols, engineId, boots, counters);
    }

    @Override
    public int processIncomingMsg(
        int snmpVersion,
        int maxMessageSize,
        org.snmp4j.security.SecurityParameters securityParameters,
        SecurityModel securityModel,
        int securityLevel,
        org.snmp4j.asn1.BERInputStream wholeMsg,
        org.snmp4j.TransportStateReference tmStateReference,
        OctetString securityEngineID,
        OctetString securityName,
        org.snmp4j.asn1.BEROutputStream scopedPDU,
        org.snmp4j.smi.Integer32 maxSizeResponseScopedPDU,
        org.snmp4j.security.SecurityStateReference securityStateReference,
        StatusInformation statusInfo)
        throws IOException {
      int status =
          super.processIncomingMsg(
              snmpVersion,
              maxMessageSize,
              securityParameters,
              securityModel,
              securityLevel,
              wholeMsg,
              tmStateReference,
              securityEngineID,
              securityName,
              scopedPDU,
              maxSizeResponseScopedPDU,
              securityStateReference,
              statusInfo);
      boolean garbled =
          status == SnmpConstants.SNMPv3_USM_OK
              && securityLevel == SecurityLevel.AUTH_PRIV
              && (scopedPDU.getBuffer() == null
                  || scopedPDU.getBuffer().limit() == 0
                  || scopedPDU.getBuffer().get(0) != 0x30);
      if (garbled || status == SnmpConstants.SNMPv3_USM_DECRYPTION_ERROR) {
        fireIncrementCounter(
            new org.snmp4j.event.CounterEvent(this, SnmpConstants.usmStatsDecryptionErrors));
        return SnmpConstants.SNMPv3_USM_DECRYPTION_ERROR;
      }
      return status;
    }
  }

  /**
   * MPv3 that sends only the reports a manager needs to learn and relearn this engine (RFC 3414 §4,
   * §3.2 step 7): usmStatsUnknownEngineIDs to a probe for the engine ID, and
   * usmStatsNotInTimeWindows to an authenticated message outside the time window, whether a
   * manager's probe (zero boots) or one that knew the engine before it restarted: withheld, as it
   * once was, a manager that stays running timed out at every request after each restart, with
   * nothing to tell it to learn the new boots. The report says only what discovery says, and USM
   * sends it only for a message that authenticated. A wrong key or an unknown user gets silence.
   */
  private static final class DiscoveryOnlyMPv3 extends MPv3 {
    DiscoveryOnlyMPv3(
        byte[] engineId,
        SecurityProtocols protocols,
        SecurityModels models,
        CounterSupport counterSupport) {
      super(engineId, null, protocols, models, counterSupport);
    }

    @Override
    public int sendReport(
        MessageDispatcher messageDispatcher,
        ScopedPDU pdu,
        int securityLevel,
        int securityModel,
        OctetString securityName,
        int maxSizeResponseScopedPDU,
        StateReference<?> stateReference,
        VariableBinding payload) {
      OID report = payload == null ? null : payload.getOid();
      boolean discovery =
          SnmpConstants.usmStatsUnknownEngineIDs.equals(report)
              || SnmpConstants.usmStatsNotInTimeWindows.equals(report);
      if (!discovery) {
        return SnmpConstants.SNMP_MP_OK; // dropped; the cause is counted by whoever found it
      }
      return super.sendReport(
          messageDispatcher,
          pdu,
          securityLevel,
          securityModel,
          securityName,
          maxSizeResponseScopedPDU,
          stateReference,
          payload);
    }
  }

  private final class Responder implements CommandResponder {
    @Override
    public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
      try {
        handle(event);
      } catch (RuntimeException e) {
        // A request this agent cannot serve is its own bug: log it, answer nothing, keep serving.
        log.warn("SNMP_AGENT_REQUEST_FAILED peer={}", event.getPeerAddress(), e);
      }
    }
  }

  private <A extends Address> void handle(CommandResponderEvent<A> event) {
    PDU request = event.getPDU();
    if (request == null) {
      return;
    }
    int type = request.getType();
    if (type != PDU.GET && type != PDU.GETNEXT && type != PDU.GETBULK && type != PDU.SET) {
      return; // notifications, responses and reports are not for an agent
    }
    event.setProcessed(true);
    if (event.getMessageProcessingModel() == MPv3.ID) {
      if (event.getSecurityLevel() < SecurityLevel.AUTH_PRIV) {
        // Every user is authPriv: a request below that is refused unanswered (RFC 3414 usmStats).
        counters.incrementCounter(
            new org.snmp4j.event.CounterEvent(this, SnmpConstants.usmStatsUnsupportedSecLevels));
        return;
      }
    } else if (community == null || !MessageDigest.isEqual(community, event.getSecurityName())) {
      counters.badCommunityName();
      return;
    }
    PDU response = request instanceof ScopedPDU scoped ? new ScopedPDU(scoped) : new PDU(request);
    response.setVariableBindings(new ArrayList<>());
    response.setType(PDU.RESPONSE);
    response.setErrorStatus(PDU.noError);
    response.setErrorIndex(0);
    List<? extends VariableBinding> asked = request.getVariableBindings();
    int maxSize = event.getMaxSizeResponsePDU();
    switch (type) {
      case PDU.GET -> {
        get.increment();
        MibSnapshot now = snapshot();
        asked.forEach(vb -> response.add(now.get(vb.getOid())));
      }
      case PDU.GETNEXT -> {
        getNext.increment();
        MibSnapshot now = snapshot();
        asked.forEach(vb -> response.add(now.next(vb.getOid())));
      }
      case PDU.GETBULK -> {
        getBulk.increment();
        // Unauthenticated (v2c) answers fit one Ethernet frame: a 50-octet request with a
        // spoofed source must not be turned into 64 KB towards its victim.
        bulk(
            request,
            response,
            event.getMessageProcessingModel() == MPv3.ID
                ? maxSize
                : Math.min(maxSize, V2C_BULK_RESPONSE_OCTETS));
      }
      default -> {
        set.increment();
        if (event.getMessageProcessingModel() != MPv3.ID) {
          counters.badCommunityUse();
        }
        response.setErrorStatus(PDU.noAccess);
        response.setErrorIndex(asked.isEmpty() ? 0 : 1);
        asked.forEach(vb -> response.add(new VariableBinding(vb.getOid(), vb.getVariable())));
      }
    }
    // Unauthenticated (v2c) answers of every kind fit one frame: a GET naming 45 help texts in
    // 1.4 KB drew 45 KB towards whatever source address the request claimed.
    int limit =
        event.getMessageProcessingModel() == MPv3.ID
            ? maxSize
            : Math.min(maxSize, V2C_BULK_RESPONSE_OCTETS);
    if (response.getBERLength() > limit) {
      // RFC 3416 §4.2.1: tooBig with an empty variable-bindings field.
      response.setVariableBindings(new ArrayList<>());
      response.setErrorStatus(PDU.tooBig);
      response.setErrorIndex(0);
      if (response.getBERLength() > maxSize) {
        counters.silentDrop();
        return;
      }
    }
    try {
      event
          .getMessageDispatcher()
          .returnResponsePdu(
              event.getMessageProcessingModel(),
              event.getSecurityModel(),
              event.getSecurityName(),
              event.getSecurityLevel(),
              response,
              maxSize,
              event.getStateReference(),
              new StatusInformation());
    } catch (org.snmp4j.MessageException e) {
      log.warn("SNMP_AGENT_RESPONSE_FAILED peer={} error={}", event.getPeerAddress(), e.toString());
    }
  }

  /**
   * GETBULK (RFC 3416 §4.2.3): the first N variables as GETNEXT, then up to M rounds of GETNEXT on
   * the rest, stopping early when every repeater has left the view, the response would outgrow what
   * the manager accepts or {@code maxSize}, or it holds {@value #MAX_BULK_VARIABLES} variables (as
   * net-snmp's agent answers at most 100 by default).
   */
  private void bulk(PDU request, PDU response, int maxSize) {
    int budget = MAX_BULK_VARIABLES;
    MibSnapshot now = snapshot();
    List<? extends VariableBinding> asked = request.getVariableBindings();
    int nonRepeaters = Math.max(0, Math.min(request.getNonRepeaters(), asked.size()));
    int maxRepetitions = Math.max(0, request.getMaxRepetitions());
    for (int i = 0; i < nonRepeaters && budget > 0; i++, budget--) {
      response.add(now.next(asked.get(i).getOid()));
    }
    List<VariableBinding> cursors = new ArrayList<>();
    for (int i = nonRepeaters; i < asked.size(); i++) {
      cursors.add(asked.get(i));
    }
    int baseLength = response.getBERLength();
    int length = baseLength;
    for (int round = 0; round < maxRepetitions && !cursors.isEmpty(); round++) {
      boolean anyInView = false;
      for (int i = 0; i < cursors.size(); i++) {
        VariableBinding next = now.next(cursors.get(i).getOid());
        length += next.getBERLength();
        if (length > maxSize - 32 || budget-- <= 0) { // room for the PDU's own header growing
          return;
        }
        response.add(next);
        cursors.set(i, next);
        anyInView |= !Null.isExceptionSyntax(next.getVariable().getSyntax());
      }
      if (!anyInView) {
        return;
      }
    }
  }
}
