package org.provisioning.console.snmp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;
import org.provisioning.common.config.SnmpAgentConfig;
import org.provisioning.common.config.SnmpConfig;
import org.provisioning.common.config.SnmpTrapReceiverConfig;
import org.provisioning.common.config.SnmpUserConfig;
import org.provisioning.common.config.SnmpVersion;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * SnmpService's notifications, received by a manager made of SNMP4J's command responder: a v2c trap
 * and a v3 inform (SHA-256, AES-128) on raise and clear, the alert's objects in the MIB's order,
 * and an unanswered inform counted, retried and given up by the channel.
 */
class SnmpTrapSenderTest {
  private static final AlertType CRITICAL =
      new AlertType(
          "DHCP_POOL_HIGH_WATER_CRITICAL",
          AlertSeverity.CRITICAL,
          "dhcp",
          "A pool reached its critical mark.",
          "Add addresses.");

  @TempDir Path dir;
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AlertCenter alerts = new AlertCenter("alpha", Clock.systemUTC(), 100);
  private final BlockingQueue<CommandResponderEvent<?>> received = new LinkedBlockingQueue<>();
  private final List<Snmp> managers = new java.util.ArrayList<>();
  private SnmpService service;

  @AfterEach
  void stop() throws IOException {
    if (service != null) {
      service.stop();
    }
    for (Snmp manager : managers) {
      manager.close();
    }
  }

  /** A manager on loopback that takes v2c community "nms" and v3 user "nms", acking informs. */
  private int startManager() throws IOException {
    return startManager(new java.util.concurrent.atomic.AtomicBoolean(true));
  }

  /** The same, deaf (no notification taken, no inform acknowledged) while {@code up} is false. */
  private int startManager(java.util.concurrent.atomic.AtomicBoolean up) throws IOException {
    SecurityProtocols protocols =
        new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.defaultSecurity);
    USM usm = new USM(protocols, new OctetString(MPv3.createLocalEngineID()), 1);
    usm.addUser(
        new UsmUser(
            new OctetString("nms"),
            org.snmp4j.security.AuthHMAC192SHA256.ID,
            new OctetString("nms-auth-pass"),
            org.snmp4j.security.PrivAES128.ID,
            new OctetString("nms-priv-pass")));
    MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
    dispatcher.addMessageProcessingModel(new MPv2c());
    dispatcher.addMessageProcessingModel(
        new MPv3(
            usm.getLocalEngineID().getValue(),
            null,
            protocols,
            SecurityModels.getCollection(new SecurityModel[] {usm}),
            new CounterSupport()));
    DefaultUdpTransportMapping transport =
        new DefaultUdpTransportMapping(new UdpAddress(InetAddress.getLoopbackAddress(), 0), false);
    Snmp manager = new Snmp(dispatcher, transport);
    managers.add(manager);
    manager.addCommandResponder(
        new CommandResponder() {
          @Override
          public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
            if (!up.get()) {
              return;
            }
            received.add(event);
            PDU pdu = event.getPDU();
            if (pdu.getType() == PDU.INFORM) {
              PDU response = (PDU) pdu.clone();
              response.setType(PDU.RESPONSE);
              response.setErrorStatus(0);
              response.setErrorIndex(0);
              try {
                event
                    .getMessageDispatcher()
                    .returnResponsePdu(
                        event.getMessageProcessingModel(),
                        event.getSecurityModel(),
                        event.getSecurityName(),
                        event.getSecurityLevel(),
                        response,
                        event.getMaxSizeResponsePDU(),
                        event.getStateReference(),
                        new StatusInformation());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          }
        });
    manager.listen();
    return transport.getListenAddress().getPort();
  }

  private SnmpTrapReceiverConfig v2cTrap(int port) {
    return new SnmpTrapReceiverConfig(
        Ipv4Address.parse("127.0.0.1"),
        port,
        SnmpVersion.V2C,
        false,
        "nms",
        null,
        null,
        null,
        null,
        null);
  }

  private SnmpTrapReceiverConfig v3Inform(int port, int retries, int timeoutMillis) {
    return new SnmpTrapReceiverConfig(
        Ipv4Address.parse("127.0.0.1"),
        port,
        SnmpVersion.V3,
        true,
        null,
        new SnmpUserConfig("nms", null, "nms-auth-pass", null, "nms-priv-pass"),
        null,
        null,
        timeoutMillis,
        retries);
  }

  private SnmpTrapReceiverConfig v2cInform(int port, int timeoutMillis) {
    return new SnmpTrapReceiverConfig(
        Ipv4Address.parse("127.0.0.1"),
        port,
        SnmpVersion.V2C,
        true,
        "nms",
        null,
        null,
        null,
        timeoutMillis,
        5);
  }

  private void startService(SnmpTrapReceiverConfig... receivers) throws IOException {
    service =
        new SnmpService(
            new SnmpConfig(null, "warning", null, List.of(receivers), SnmpAgentConfig.defaults()),
            "alpha",
            dir.resolve("snmp-engine-boots"),
            alerts,
            new MibSources(stats, List::of, java.util.Optional::empty, () -> "alpha", "t"),
            stats);
    service.start();
  }

  private CommandResponderEvent<?> next() throws InterruptedException {
    CommandResponderEvent<?> event = received.poll(10, TimeUnit.SECONDS);
    assertTrue(event != null, "a notification arrived");
    return event;
  }

  @Test
  void sendsAV2cTrapAndAV3InformOnRaiseAndClear() throws Exception {
    int trapPort = startManager();
    int informPort = startManager();
    startService(v2cTrap(trapPort), v3Inform(informPort, 2, 2000));
    String channelV2c = SnmpTrapSender.channelName(v2cTrap(trapPort));
    String channelV3 = SnmpTrapSender.channelName(v3Inform(informPort, 2, 2000));
    // The process has just started: each manager hears coldStart before any alert.
    for (CommandResponderEvent<?> event : List.of(next(), next())) {
      assertEquals(SuiteMib.SNMP_TRAP_OID, event.getPDU().get(1).getOid());
      assertEquals(
          org.snmp4j.mp.SnmpConstants.coldStart, event.getPDU().get(1).getVariable(), "coldStart");
      assertEquals(SuiteMib.SYS_UP_TIME, event.getPDU().get(0).getOid());
    }

    alerts.raise(CRITICAL, "cm-north", "pool cm-north reached its critical mark of 95 %");
    List<CommandResponderEvent<?>> raised = List.of(next(), next());
    for (CommandResponderEvent<?> event : raised) {
      PDU pdu = event.getPDU();
      boolean v3 = event.getMessageProcessingModel() == MPv3.ID;
      assertEquals(v3 ? PDU.INFORM : PDU.TRAP, pdu.getType());
      if (v3) {
        assertEquals("nms", new String(event.getSecurityName()));
        assertEquals(org.snmp4j.security.SecurityLevel.AUTH_PRIV, event.getSecurityLevel());
      } else {
        assertEquals("nms", new String(event.getSecurityName()), "the community");
      }
      List<? extends VariableBinding> vbs = pdu.getVariableBindings();
      assertEquals(SuiteMib.SYS_UP_TIME, vbs.get(0).getOid());
      assertEquals(SuiteMib.SNMP_TRAP_OID, vbs.get(1).getOid());
      assertEquals(SuiteMib.ALERT_RAISED, vbs.get(1).getVariable());
      assertEquals(
          List.of(
              new VariableBinding(
                  SuiteMib.scalar(SuiteMib.ALERT_EVENT),
                  new OctetString("DHCP_POOL_HIGH_WATER_CRITICAL")),
              new VariableBinding(SuiteMib.scalar(SuiteMib.ALERT_SEVERITY), new Integer32(3)),
              new VariableBinding(SuiteMib.scalar(SuiteMib.ALERT_SERVER), new OctetString("alpha")),
              new VariableBinding(SuiteMib.scalar(SuiteMib.ALERT_SERVICE), new OctetString("dhcp")),
              new VariableBinding(
                  SuiteMib.scalar(SuiteMib.ALERT_OBJECT), new OctetString("cm-north")),
              new VariableBinding(
                  SuiteMib.scalar(SuiteMib.ALERT_MESSAGE),
                  new OctetString("pool cm-north reached its critical mark of 95 %")),
              new VariableBinding(SuiteMib.scalar(SuiteMib.ALERT_ID), new UnsignedInteger32(1))),
          vbs.subList(2, vbs.size()));
    }

    alerts.clear(CRITICAL, "cm-north", "back under its critical mark");
    for (CommandResponderEvent<?> event : List.of(next(), next())) {
      assertEquals(SuiteMib.ALERT_CLEARED, event.getPDU().get(1).getVariable());
    }
    alerts.acknowledge(1, "operator");
    assertEquals(null, received.poll(300, TimeUnit.MILLISECONDS), "no notification for an ack");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                stats.snapshot().get("alerts.channel." + channelV2c + ".sent") == 2
                    && stats.snapshot().get("alerts.channel." + channelV3 + ".sent") == 2);
    assertEquals(0, stats.snapshot().get("alerts.channel." + channelV3 + ".failed"));
  }

  @Test
  void anUnansweredInformIsCountedRetriedAndGivenUp() throws Exception {
    int silent;
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      silent = socket.getLocalPort(); // bound, never answering: informs time out
      startService(v3Inform(silent, 1, 300));
      String prefix =
          "alerts.channel." + SnmpTrapSender.channelName(v3Inform(silent, 1, 300)) + ".";
      alerts.raise(CRITICAL, "cm-north", "critical");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stats.snapshot().get(prefix + "dropped") == 1);
      assertEquals(2, stats.snapshot().get(prefix + "failed"));
      assertEquals(1, stats.snapshot().get(prefix + "retried"));
      assertEquals(0, stats.snapshot().get(prefix + "sent"));
    }
  }

  /** The notifications the manager takes within 10 s, as "RAISED object", up to {@code count}. */
  private List<String> notifications(int count) throws InterruptedException {
    List<String> seen = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.size() < count) {
      CommandResponderEvent<?> event =
          received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (event == null) {
        break;
      }
      PDU pdu = event.getPDU();
      seen.add(
          (SuiteMib.ALERT_CLEARED.equals(pdu.get(1).getVariable()) ? "CLEARED " : "RAISED ")
              + pdu.get(6).getVariable());
    }
    return seen;
  }

  private long stat(SnmpTrapReceiverConfig receiver, String name) {
    return stats
        .snapshot()
        .get("alerts.channel." + SnmpTrapSender.channelName(receiver) + "." + name);
  }

  /**
   * A change that leaves a receiver alone (here the agent's community) keeps its channel: the
   * inform in its retry backoff, the alerts queued behind it and those raised after reach the
   * manager once it answers. Every change rebuilt every channel: the old one stopped listening,
   * waited 3 s and dropped what it held, the clear among it.
   */
  @Test
  void aChangeThatLeavesAReceiverAloneKeepsItsChannelAndQueue() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
    SnmpTrapReceiverConfig inform = v2cInform(startManager(up), 300);
    startService();
    SnmpAgentConfig agent =
        new SnmpAgentConfig(true, Ipv4Address.parse("127.0.0.1"), 0, "ro-community", null);
    service.apply(new SnmpConfig(null, "warning", null, List.of(inform), agent), "alpha");
    alerts.raise(CRITICAL, "cm-north", "critical"); // unacknowledged: retried with backoff
    alerts.raise(CRITICAL, "cm-south", "critical");
    alerts.clear(CRITICAL, "cm-north", "cleared");

    SnmpAgentConfig otherCommunity =
        new SnmpAgentConfig(true, Ipv4Address.parse("127.0.0.1"), 0, "other-community", null);
    service.apply(new SnmpConfig(null, "warning", null, List.of(inform), otherCommunity), "alpha");
    alerts.raise(CRITICAL, "cm-east", "critical");
    up.set(true);

    assertEquals(
        List.of("RAISED cm-north", "RAISED cm-south", "CLEARED cm-north", "RAISED cm-east"),
        notifications(4));
    assertEquals(0, stat(inform, "dropped"));
    assertTrue(stat(inform, "retried") >= 1, "the inform was in its backoff");
  }

  /**
   * A changed receiver's new channel gets what the old one queued and the alerts raised while the
   * old one lets its inform's retries finish, and sends them after that inform: the clear never
   * reaches the manager ahead of its raise. Those alerts were dropped or never reached a channel.
   */
  @Test
  void aChangedReceiverGetsTheQueueAndWhatIsRaisedWhileTheOldChannelCloses() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
    int port = startManager(up);
    startService();
    service.apply(
        new SnmpConfig(null, "warning", null, List.of(v2cInform(port, 300)), null), "alpha");
    alerts.raise(CRITICAL, "cm-north", "critical");
    alerts.raise(CRITICAL, "cm-south", "critical");
    alerts.clear(CRITICAL, "cm-north", "cleared");
    Thread.sleep(500); // the raise of cm-north timed out: in its backoff, retried in about 1 s
    up.set(true);

    Thread changing =
        new Thread(
            () -> {
              try {
                service.apply(
                    new SnmpConfig(null, "warning", null, List.of(v2cInform(port, 400)), null),
                    "alpha");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    changing.start();
    Thread.sleep(200);
    alerts.raise(CRITICAL, "cm-east", "raised while the old channel closes");
    changing.join();

    assertEquals(
        List.of("RAISED cm-north", "RAISED cm-south", "CLEARED cm-north", "RAISED cm-east"),
        notifications(4));
    assertEquals(0, stat(v2cInform(port, 400), "dropped"));
  }

  @Test
  void appliesAConfigChangeLiveWithTheEngineBootCountOneHigher() throws Exception {
    int port = startManager();
    startService();
    assertEquals(org.provisioning.common.service.ServiceState.DISABLED, service.state());
    assertTrue(service.engine().isEmpty(), "no SNMP configured, no engine booted");

    SnmpAgentConfig agent =
        new SnmpAgentConfig(true, Ipv4Address.parse("127.0.0.1"), 0, "ro-community", null);
    service.apply(new SnmpConfig(null, "warning", null, List.of(v2cTrap(port)), agent), "alpha");
    assertEquals(org.provisioning.common.service.ServiceState.RUNNING, service.state());
    assertEquals(1, service.engine().orElseThrow().boots());
    assertTrue(service.agentAddress().isPresent(), "the agent answers now");
    alerts.raise(CRITICAL, "cm-north", "critical");
    assertEquals(
        SuiteMib.ALERT_RAISED,
        next().getPDU().get(1).getVariable(),
        "a receiver added by a config change hears no coldStart: the process did not restart");

    String channel = "alerts.channel." + SnmpTrapSender.channelName(v2cTrap(port)) + ".sent";
    service.apply(new SnmpConfig(null, "warning", null, List.of(), agent), "alpha");
    assertEquals(2, service.engine().orElseThrow().boots(), "a new engine clock, one boot more");
    assertTrue(!stats.snapshot().containsKey(channel), "a removed receiver's counters go too");
    alerts.clear(CRITICAL, "cm-north", "cleared");
    assertEquals(null, received.poll(500, TimeUnit.MILLISECONDS), "nothing to a removed receiver");
  }

  /**
   * An agent that cannot bind its new port fails the change, which the process alerts
   * (SERVICE_RECONFIGURE_FAILED), and leaves the service FAILED; the same config applied again once
   * the port is free takes. It was logged alone: the agent was gone, the status said running, and
   * the same config was never tried again.
   */
  @Test
  void anAgentThatCannotBindFailsTheChangeAndTheSameConfigIsTriedAgain() throws Exception {
    startService();
    SnmpConfig onHeldPort;
    try (java.net.DatagramSocket holder =
        new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
      SnmpAgentConfig agent =
          new SnmpAgentConfig(
              true, Ipv4Address.parse("127.0.0.1"), holder.getLocalPort(), "ro-community", null);
      onHeldPort = new SnmpConfig(null, "warning", null, List.of(), agent);
      assertThrows(IOException.class, () -> service.apply(onHeldPort, "alpha"));
      assertEquals(org.provisioning.common.service.ServiceState.FAILED, service.state());
      assertTrue(service.agentAddress().isEmpty());
    }
    service.apply(onHeldPort, "alpha");
    assertEquals(org.provisioning.common.service.ServiceState.RUNNING, service.state());
    assertTrue(service.agentAddress().isPresent(), "the agent answers now");
  }

  @Test
  void theEngineBootCountGrowsAtEveryStart() throws IOException {
    byte[] id = SnmpEngine.engineId(null, "headend-1");
    assertEquals("80007ed90468656164656e642d31", SnmpEngine.engineIdHex(id));
    Path file = dir.resolve("boots");
    assertEquals(1, SnmpEngine.boot(id, file).boots());
    assertEquals(2, SnmpEngine.boot(id, file).boots());
    assertEquals(
        "80007ed904" + "6162".repeat(13) + "61",
        SnmpEngine.engineIdHex(SnmpEngine.engineId(null, "ab".repeat(30))),
        "cut at 32 octets");
    assertThrows(IllegalArgumentException.class, () -> SnmpEngine.engineId("zz", "x"));
  }

  @Test
  void aDamagedBootCountNeverGoesBack() throws IOException {
    byte[] id = SnmpEngine.engineId(null, "headend-1");
    Path file = dir.resolve("boots");
    SnmpEngine.boot(id, file);
    java.nio.file.Files.writeString(file, "\0\0garbage");
    // Above any count a server booting at most once a minute since 2000 can have reached.
    assertTrue(SnmpEngine.boot(id, file).boots() > 13_000_000);
    assertEquals(List.of("boots"), fileNames(), "no temporary file left");
  }

  private List<String> fileNames() throws IOException {
    try (var files = java.nio.file.Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
