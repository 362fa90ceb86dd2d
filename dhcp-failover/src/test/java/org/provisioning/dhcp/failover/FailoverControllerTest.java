package org.provisioning.dhcp.failover;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.FailoverRole;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.time.Ticker;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.engine.ServingMode;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.server.DhcpServer;
import org.provisioning.dhcp.server.LeaseJournal;

/** Pairing, leaving and start failures, as the console drives them (no partner needed). */
class FailoverControllerTest {
  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AlertCenter alerts = new AlertCenter(clock, 100);
  private final ConfigService config = new ConfigService(new ConfigCodec(), clock);
  private StateBus bus;
  private DhcpEngine engine;
  private FailoverController controller;

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.stop();
    }
    if (bus != null) {
      bus.close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void start(String role, int failoverPort) throws Exception {
    start(role, failoverPort, List.of());
  }

  private void start(String role, int failoverPort, List<LeaseRecord> stored) throws Exception {
    String document =
        """
        server: {name: solo, id: 1}
        dhcp:
          enabled: true
          listen: 127.0.0.1
          port: 6767
          subnets:
            - subnet: 127.16.0.0/16
              relays: [127.0.0.2]
              pools: [{range: 127.16.0.10-127.16.0.20}]
        failover: {role: %s, listen: 127.0.0.1, port: %d}
        """
            .formatted(role, failoverPort);
    MemoryLeaseStore leases = new MemoryLeaseStore();
    stored.forEach(leases::put);
    bus =
        StateBus.open(
            dir.resolve("journal"), 1, clock, stats, List.of(config, new LeaseJournal(leases)));
    config.attach(bus);
    ProvisioningConfig running = config.seedFromFile(document).config();
    engine =
        new DhcpEngine(
            running.dhcp(), 1, leases, clock, Ticker.system(), new DhcpStatistics(stats), alerts);
    DhcpServer dhcp = new DhcpServer(running.dhcp(), engine, bus, stats); // not started
    controller =
        new FailoverController(dir, bus, config, dhcp, engine, leases, alerts, stats, clock);
    controller.start();
  }

  @Test
  void aSecondaryCreatesAnOwnerOnlySecretAndStandsBy() throws Exception {
    start("secondary", freePort());
    String secret = controller.secret().orElseThrow();
    assertEquals(64, secret.length());
    Path file = dir.resolve(PairingSecret.FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(ServingMode.STANDBY, engine.mode());
    assertEquals("STARTUP", controller.status().state());
    assertThrows(IllegalStateException.class, () -> controller.init("127.0.0.3", secret));
  }

  @Test
  void initPairsAStandaloneServerAsPrimaryAndLeaveUndoesIt() throws Exception {
    start("standalone", freePort());
    assertTrue(controller.secret().isEmpty());
    assertEquals("STANDALONE", controller.status().state());

    controller.init("127.0.0.3", "0123456789abcdef0123456789abcdef");
    var failover = config.current().orElseThrow().config().failover();
    assertEquals(FailoverRole.PRIMARY, failover.role());
    assertEquals("127.0.0.3", failover.peer().toString());
    assertEquals(
        "0123456789abcdef0123456789abcdef",
        PairingSecret.load(dir).orElseThrow(),
        "the secret is kept in the data directory");
    await().atMost(5, SECONDS).until(() -> controller.service().isPresent());
    assertEquals("primary", controller.status().role());

    controller.leave("test");
    await().atMost(5, SECONDS).until(() -> controller.service().isEmpty());
    assertEquals(
        FailoverRole.STANDALONE, config.current().orElseThrow().config().failover().role());
    assertEquals(ServingMode.BOTTOM_UP, engine.mode());
  }

  @Test
  void aPrimaryWhoseSocketsAreTakenServesAloneAndRetries() throws Exception {
    PairingSecret.store(dir, "0123456789abcdef0123456789abcdef");
    int port = freePort();
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", port + 2))) {
      start("primary", port);
      assertTrue(controller.service().isEmpty());
      assertEquals(ServingMode.BOTTOM_UP, engine.mode());
      assertTrue(alerts.active().stream().anyMatch(a -> a.event().equals("FAILOVER_START_FAILED")));
    }
    await().atMost(15, SECONDS).until(() -> controller.service().isPresent());
    assertTrue(alerts.active().stream().noneMatch(a -> a.event().equals("FAILOVER_START_FAILED")));
  }

  /**
   * A primary that serves because its failover sockets could not open has not heard its secondary,
   * which may have served and renewed leases meanwhile: it holds their addresses for their clients
   * as after a lone start (it served its stale copy before).
   */
  @Test
  void aPrimaryServingWithoutItsSocketsHoldsWhatTheSecondaryMayHaveRenewed() throws Exception {
    PairingSecret.store(dir, "0123456789abcdef0123456789abcdef");
    long now = clock.millis();
    Files.writeString(dir.resolve(LevelMark.FILE), (now - 7_200_000) + "\n");
    LeaseRecord renewedElsewhere =
        new LeaseRecord(
            org.provisioning.common.net.Ipv4Address.parse("127.16.0.10"),
            1,
            new byte[] {2, 0, 0, 0, 0, 1},
            null,
            LeaseState.BOUND,
            now - 7_000_000,
            now - 3_400_000, // run out by this copy, renewed by the secondary maybe
            1,
            "",
            "",
            null,
            null);
    int port = freePort();
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", port + 2))) {
      start("primary", port, List.of(renewedElsewhere));
      assertTrue(controller.service().isEmpty());
      await().atMost(5, SECONDS).until(() -> engine.heldForPartner() == 1);
      assertEquals(ServingMode.BOTTOM_UP, engine.mode());

      // Once: the retries every 5 s do not hold again (that would restart the holds' time).
      engine.endPartnerHolds("the test");
      Thread.sleep(6_000);
      assertTrue(controller.service().isEmpty(), "the retry failed too");
      assertEquals(0, engine.heldForPartner());
    }
  }
}
