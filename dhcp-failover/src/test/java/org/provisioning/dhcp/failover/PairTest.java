package org.provisioning.dhcp.failover;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.provisioning.dhcp.testing.RelayedDhcpClient.in;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FailoverLink;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dhcp.engine.ServingMode;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.testing.RelayedDhcpClient;

/**
 * Two servers of a pair in one JVM on loopback (127.0.0.1 primary, 127.0.0.3 secondary), real
 * sockets, real journals: replication, takeover by the secondary, and the primary's return.
 */
class PairTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  /** The relay agent of the pair's subnet (giaddr). */
  private static final Ipv4Address RELAY = Ipv4Address.parse("127.0.0.2");

  /** Clocks two hours ahead: the pair's second server, and the primary coming back that late. */
  private static final java.time.Clock TWO_HOURS_ON =
      java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofHours(2));

  @TempDir Path dir;
  private FailoverNode primary;
  private FailoverNode secondary;

  @AfterEach
  void stop() {
    if (primary != null) {
      primary.close();
    }
    if (secondary != null) {
      secondary.close();
    }
  }

  /** A pair member's config: pool 127.16.0.10-200 behind relay 127.0.0.2, 50 ms heartbeats. */
  static String document(
      int id, String address, int dhcpPort, String role, String peer, int failoverPort, int lease) {
    return document(id, address, dhcpPort, role, peer, failoverPort, lease, "127.16.0.200");
  }

  private static String document(
      int id,
      String address,
      int dhcpPort,
      String role,
      String peer,
      int failoverPort,
      int lease,
      String poolEnd) {
    return String.format(
        Locale.ROOT,
        """
        server: {name: node%d, id: %d}
        management: {listen: %s, port: %d}
        dhcp:
          enabled: true
          listen: %s
          port: %d
          serverIdentifier: %s
          leaseTime: %d
          subnets:
            - subnet: 127.16.0.0/16
              relays: [127.0.0.2]
              pools: [{range: 127.16.0.10-%s}]
        failover:
          role: %s
          listen: %s
          %s
          port: %d
          heartbeatMillis: 50
          deadAfterMillis: 600
        """,
        id,
        id,
        address,
        8000 + id,
        address,
        dhcpPort,
        address,
        lease,
        poolEnd,
        role,
        address,
        peer == null ? "" : "peer: " + peer,
        failoverPort);
  }

  private String primaryDoc;
  private String secondaryDoc;

  /**
   * The documents of a pair whose primary reaches the secondary through a {@link FailoverLink}
   * (pool 127.16.0.10 to {@code poolEnd}); returns the failover port.
   */
  private int linkedPair(String poolEnd) throws java.io.IOException {
    int failoverPort = FreePorts.failover();
    primaryDoc =
        document(
            1,
            "127.0.0.1",
            FreePorts.udp("127.0.0.1"),
            "primary",
            FailoverLink.FRONT,
            failoverPort,
            3600,
            poolEnd);
    secondaryDoc =
        document(
            2,
            "127.0.0.3",
            FreePorts.udp("127.0.0.3"),
            "secondary",
            null,
            failoverPort,
            3600,
            poolEnd);
    return failoverPort;
  }

  /** {@code total} leases bound from 127.16.0.10 up, to clients 10,000 on, by the primary. */
  private static List<LeaseRecord> boundFromTheBottom(int total) {
    int first = Ipv4Address.parse("127.16.0.10").value();
    List<LeaseRecord> many = new java.util.ArrayList<>();
    for (int i = 0; i < total; i++) {
      many.add(
          lease(new Ipv4Address(first + i).toString(), 10_000 + i, LeaseState.BOUND, 1_000, 1));
    }
    return many;
  }

  private FailoverNode startPrimary() throws Exception {
    return new FailoverNode(dir.resolve("primary"), primaryDoc, SECRET);
  }

  @Test
  void replicatesTakesOverAndRecovers() throws Exception {
    int failoverPort = FreePorts.failover();
    primaryDoc =
        document(
            1, "127.0.0.1", FreePorts.udp("127.0.0.1"), "primary", "127.0.0.3", failoverPort, 3600);
    int secondaryDhcp = FreePorts.udp("127.0.0.3");
    secondaryDoc = document(2, "127.0.0.3", secondaryDhcp, "secondary", null, failoverPort, 3600);

    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    primary = startPrimary();
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    assertEquals(ServingMode.STANDBY, secondary.engine.mode());

    // A lease made on the primary is on the secondary by the time the client has its ACK.
    Map<Integer, Ipv4Address> made;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      made = relay.bindRange(0, 5, 1, in(20_000));
    }
    assertEquals(5, made.size());
    for (Map.Entry<Integer, Ipv4Address> e : made.entrySet()) {
      LeaseRecord onSecondary = secondary.leases.byAddress(e.getValue()).orElse(null);
      assertNotNull(onSecondary, "replicated before the ACK: " + e.getValue());
      assertArrayEquals(RelayedDhcpClient.mac(e.getKey()), onSecondary.hardwareAddress());
      assertEquals(LeaseState.BOUND, onSecondary.state());
      assertEquals(1, onSecondary.allocatedBy());
    }

    // The primary dies: no more heartbeats. The secondary takes over and serves top-down.
    primary.close();
    primary = null;
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.PARTNER_DOWN);
    await().atMost(5, SECONDS).until(() -> secondary.engine.mode() == ServingMode.TOP_DOWN);
    Ipv4Address servedBySecondary;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, secondary.dhcpAddress())) {
      servedBySecondary = relay.bind(100, in(5_000));
    }
    assertEquals(Ipv4Address.parse("127.16.0.200"), servedBySecondary, "top-down");
    // ... and the operator changes the config on the secondary meanwhile.
    secondary
        .config
        .applyDocument(secondaryDoc.replace("leaseTime: 3600", "leaseTime: 7200"), "api", null)
        .get(5, SECONDS);

    // The primary returns: it learns what happened while it was away, then takes its role back.
    primary = startPrimary();
    await().atMost(15, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    LeaseRecord learned = primary.leases.byAddress(servedBySecondary).orElseThrow();
    assertArrayEquals(RelayedDhcpClient.mac(100), learned.hardwareAddress());
    assertEquals(2, learned.allocatedBy());
    await()
        .atMost(5, SECONDS)
        .until(() -> primary.config.current().orElseThrow().config().dhcp().leaseTime() == 7200);
    assertEquals(
        "127.0.0.1",
        primary.config.current().orElseThrow().config().dhcp().listen().toString(),
        "the primary keeps its own DHCP address");
    await().atMost(5, SECONDS).until(() -> primary.engine.mode() == ServingMode.BOTTOM_UP);
    await().atMost(5, SECONDS).until(() -> secondary.engine.mode() == ServingMode.STANDBY);
    // Served now, so the engine ran what the transition to NORMAL queued before the mode.
    assertEquals(0, primary.engine.heldForPartner(), "synced: nothing held for the partner");

    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      Ipv4Address again = relay.bind(200, in(5_000));
      assertNotNull(again);
      assertTrue(secondary.leases.byAddress(again).isPresent(), "replicated again after recovery");
    }
  }

  @Test
  void mergesAPartitionInWhichBothServedTheSameAddress() throws Exception {
    String onlyAddress = "127.16.0.10";
    startNormalPair(600, onlyAddress, java.time.Clock.systemUTC());

    // A partition: each side serves alone, and both give the pool's one address away.
    secondary.isolate();
    secondary.dhcp.execute(() -> secondary.engine.setMode(ServingMode.TOP_DOWN));
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    Ipv4Address first;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, secondary.dhcpAddress())) {
      first = relay.bind(1, in(5_000));
    }
    Ipv4Address second;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      second = relay.bind(2, in(5_000));
    }
    assertEquals(Ipv4Address.parse(onlyAddress), first);
    assertEquals(first, second, "both servers leased the one address");

    // The partition heals: both keep the earlier grant, client 1's; both count the conflict.
    secondary.reconnect();
    await().atMost(15, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    await()
        .atMost(5, SECONDS)
        .untilAsserted(
            () -> {
              assertArrayEquals(
                  RelayedDhcpClient.mac(1),
                  primary.leases.byAddress(first).orElseThrow().hardwareAddress());
              assertArrayEquals(
                  RelayedDhcpClient.mac(1),
                  secondary.leases.byAddress(first).orElseThrow().hardwareAddress());
            });
    assertTrue(primary.stats.counter("failover.conflicts").get() >= 1);
    assertTrue(secondary.stats.counter("failover.conflicts").get() >= 1);
    assertTrue(settled(primary, "FAILOVER_LEASE_CONFLICT"));

    // The losing client is refused when it comes back for the address.
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      assertEquals(
          org.provisioning.dhcp.message.DhcpMessageType.NAK, relay.reboot(2, first, in(5_000)));
    }
  }

  /** Starts a NORMAL pair; the dead-partner timeout is given so tests can outrun it. */
  private void startNormalPair(int deadAfterMillis) throws Exception {
    startNormalPair(deadAfterMillis, "127.16.0.200", java.time.Clock.systemUTC());
  }

  /**
   * Starts a NORMAL pair whose pool is 127.16.0.10 to {@code poolEnd}, the secondary on its own
   * clock (set apart to test skew).
   */
  private void startNormalPair(int deadAfterMillis, String poolEnd, java.time.Clock secondaryClock)
      throws Exception {
    int failoverPort = FreePorts.failover();
    primaryDoc =
        document(
                1,
                "127.0.0.1",
                FreePorts.udp("127.0.0.1"),
                "primary",
                "127.0.0.3",
                failoverPort,
                3600,
                poolEnd)
            .replace("deadAfterMillis: 600", "deadAfterMillis: " + deadAfterMillis);
    secondaryDoc =
        document(
                2,
                "127.0.0.3",
                FreePorts.udp("127.0.0.3"),
                "secondary",
                null,
                failoverPort,
                3600,
                poolEnd)
            .replace("deadAfterMillis: 600", "deadAfterMillis: " + deadAfterMillis);
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET, secondaryClock);
    primary = startPrimary();
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
  }

  /**
   * A client given another address on its network gives its old lease back, journaled with the ACK
   * and so replicated: one client, one lease, on both servers.
   */
  @Test
  void aClientMovedToAnotherAddressReleasesItsOldLeaseOnBothServers() throws Exception {
    startNormalPair(600);
    Ipv4Address moved = Ipv4Address.parse("127.16.0.50");
    Ipv4Address first;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      first = relay.bind(3, in(5_000));
      assertEquals(DhcpMessageType.ACK, relay.reboot(3, moved, in(5_000)));
    }
    for (FailoverNode node : List.of(primary, secondary)) {
      await()
          .atMost(5, SECONDS)
          .until(
              () ->
                  node.leases.byAddress(moved).map(LeaseRecord::state).orElse(null)
                      == LeaseState.BOUND);
      assertEquals(LeaseState.RELEASED, node.leases.byAddress(first).orElseThrow().state());
    }
  }

  /**
   * The partner's config version reaches the services on the config's own thread, not on the DHCP
   * engine's, which applies the partner's records: a zone rebuild, a TFTP rebind or a ToD clock
   * check (up to 10 s) held every DHCP exchange of the serving primary while it ran.
   */
  @Test
  void thePartnersConfigReachesTheServicesOffTheDhcpEngine() throws Exception {
    startNormalPair(600);
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    primary.config.addListener(version -> threads.add(Thread.currentThread().getName()));
    secondary
        .config
        .applyDocument(secondaryDoc.replace("leaseTime: 3600", "leaseTime: 1800"), "api", null)
        .get(5, SECONDS);
    await().atMost(5, SECONDS).until(() -> !threads.isEmpty());
    assertEquals(List.of("config-apply"), threads);
    assertEquals(1800, primary.config.current().orElseThrow().config().dhcp().leaseTime());
  }

  /**
   * A record too large for a datagram (a config document with thousands of reservations, a user, an
   * audit entry) reaches the partner in a sync session's tail over TCP, from either server, and the
   * records after it follow. Before, the secondary's stream stopped at it for good (only the
   * primary opens syncs), and the primary fell back to a whole snapshot, its ACKs leaving
   * unreplicated meanwhile.
   */
  @Test
  void aRecordTooLargeForADatagramReachesThePartnerFromEitherServer() throws Exception {
    startNormalPair(600);
    long snapshotsBefore = counter(primary, "failover.syncs.snapshot");
    String big = "x".repeat(UpdateBacklog.MAX_STREAMED_RECORD + 1_000);
    long t0 = System.currentTimeMillis();

    secondary.console.saveUser(user("ada", t0, big)).get(5, SECONDS);
    secondary.ownLease(lease("127.16.0.150", 7, LeaseState.BOUND, 0, 2));
    await()
        .atMost(10, SECONDS)
        .until(() -> primary.console.user("ada").map(u -> u.value().equals(big)).orElse(false));
    await()
        .atMost(5, SECONDS)
        .until(() -> primary.leases.byAddress(Ipv4Address.parse("127.16.0.150")).isPresent());

    primary.console.saveUser(user("bob", t0, big)).get(5, SECONDS);
    Ipv4Address after;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      after = relay.bind(9, in(5_000));
    }
    await()
        .atMost(10, SECONDS)
        .until(() -> secondary.console.user("bob").map(u -> u.value().equals(big)).orElse(false));
    await().atMost(5, SECONDS).until(() -> secondary.leases.byAddress(after).isPresent());

    assertEquals(snapshotsBefore, counter(primary, "failover.syncs.snapshot"), "no snapshot");
    assertTrue(
        counter(primary, "failover.syncs.tail") >= 1
            && counter(secondary, "failover.syncs.tail") >= 1,
        "each server's big record went in a tail");
    assertNoTakeover();
  }

  /**
   * A primary restored from an older copy of its data folder numbers its records again from where
   * that copy ends, in a range whose records the secondary has applied already: it took the new
   * ones for duplicates and dropped them, and acked them, so leases granted after the restore were
   * on the primary alone and lost at the next takeover. They now continue above what the secondary
   * holds.
   */
  @Test
  void aPrimaryRestoredFromAnOlderCopyStillReplicatesItsNewLeases() throws Exception {
    startNormalPair(600);
    int client = bindAndCheckReplicated(300);
    primary.close();
    Path older = dir.resolve("primary-older");
    copyTree(dir.resolve("primary"), older);
    primary = startPrimary();
    await().atMost(15, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    for (int i = 0; i < 5; i++) {
      client = bindAndCheckReplicated(client); // records the older copy lacks
    }
    primary.close();
    deleteTree(dir.resolve("primary"));
    copyTree(older, dir.resolve("primary")); // the restore
    primary = startPrimary();
    await().atMost(15, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    for (int i = 0; i < 3; i++) {
      client = bindAndCheckReplicated(client); // failed here: never on the secondary
    }
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var paths = java.nio.file.Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (java.nio.file.Files.isDirectory(path)) {
          java.nio.file.Files.createDirectories(target);
        } else {
          java.nio.file.Files.copy(path, target);
        }
      }
    }
  }

  private static void deleteTree(Path tree) throws java.io.IOException {
    try (var paths = java.nio.file.Files.walk(tree)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(path);
      }
    }
  }

  /**
   * A primary whose disk hangs acknowledges nothing, yet its heartbeats, on their own thread, went
   * on: the secondary never took over. Now the primary withholds them once a journal write has
   * lasted two seconds, the secondary takes over, and when the disk comes back the pair returns to
   * normal by itself.
   */
  @Test
  void aPrimaryWhoseDiskHangsIsTakenOverAndReturnsWhenItRecovers() throws Exception {
    startNormalPair(600);
    primary.disk.hang();
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      assertEquals(null, relay.bind(20, in(1_000)), "no ACK: its lease cannot be written");
    }
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.PARTNER_DOWN);
    assertTrue(alerted(primary, "FAILOVER_HEARTBEATS_WITHHELD"));
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, secondary.dhcpAddress())) {
      assertNotNull(relay.bind(21, in(5_000)), "the secondary serves");
    }

    primary.disk.recover();
    await().atMost(20, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    assertFalse(alerted(primary, "FAILOVER_HEARTBEATS_WITHHELD"), "cleared");
  }

  /**
   * The same hang while the secondary has a record of its own for the primary (an audit entry: an
   * operator logging in to see why is enough). The primary, which could not make it durable,
   * acknowledged each retransmission of it at once as a duplicate, and the secondary, counting
   * every authentic frame as life, never took over. A primary that withholds its heartbeats now
   * withholds its acknowledgements too.
   */
  @Test
  void aPrimaryWhoseDiskHangsIsTakenOverThoughTheSecondaryStreamsToIt() throws Exception {
    startNormalPair(600);
    primary.disk.hang();
    secondary.console.audit("an operator logs in to see why").get(5, SECONDS);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.PARTNER_DOWN);
    primary.disk.recover();
    await().atMost(20, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
  }

  /**
   * A sync connection from a host other than the partner is closed unanswered, and the pair stays
   * as it was. Any host used to get a fresh signed HELLO at once (which it could hand to a
   * secondary not yet paired by heartbeats, and so become its peer), and could hold the one sync
   * thread.
   */
  @Test
  void aSyncConnectionFromAStrangerIsClosedUnanswered() throws Exception {
    startNormalPair(600);
    int syncPort = secondary.config.current().orElseThrow().config().failover().port();
    try (java.net.Socket stranger = new java.net.Socket()) {
      stranger.bind(new java.net.InetSocketAddress("127.0.0.9", 0));
      stranger.connect(new java.net.InetSocketAddress("127.0.0.3", syncPort), 2_000);
      stranger.setSoTimeout(5_000);
      assertEquals(-1, stranger.getInputStream().read(), "closed, no HELLO");
    }
    assertEquals(1, secondary.stats.counter("failover.dropped.sync_stranger").get());
    assertEquals(FailoverState.NORMAL, secondary.state());
  }

  @Test
  void thePrimaryAnswersAloneWhenTheSecondaryStopsAcking() throws Exception {
    startNormalPair(10_000);
    secondary.isolate(); // no acks, and (for 10 s) not yet declared dead
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      long started = System.nanoTime();
      assertNotNull(relay.bind(7, in(5_000)), "the ACK still goes out");
      assertTrue(System.nanoTime() - started < SECONDS.toNanos(3));
    }
    assertEquals(FailoverState.NORMAL, primary.state());
    assertTrue(primary.stats.counter("failover.replication_lagging").get() >= 1);
    await().atMost(5, SECONDS).until(() -> primary.failover.status().lagMillis() >= 100);
    assertTrue(primary.failover.status().lagRecords() >= 1);
    assertTrue(alerted(primary, "FAILOVER_REPLICATION_LAGGING"));
  }

  @Test
  void aConfigChangeOnThePrimaryReachesTheSecondaryWhichKeepsItsIdentity() throws Exception {
    startNormalPair(600);
    primary
        .config
        .applyDocument(primaryDoc.replace("leaseTime: 3600", "leaseTime: 1800"), "api", null)
        .get(5, SECONDS);
    await()
        .atMost(5, SECONDS)
        .until(() -> secondary.config.current().orElseThrow().config().dhcp().leaseTime() == 1800);
    var onSecondary = secondary.config.current().orElseThrow().config();
    assertEquals(2, onSecondary.server().id());
    assertEquals("node2", onSecondary.server().name());
    assertEquals("secondary", onSecondary.failover().role().label());
    assertEquals(null, onSecondary.failover().peer());
    assertEquals("127.0.0.3", onSecondary.dhcp().listen().toString());
    assertEquals("127.0.0.3", onSecondary.dhcp().serverIdentifier().toString());

    // A restart of the secondary, its own file unchanged, keeps the change: it used to take its
    // file for an edited one (the version carried the primary's file's digest), apply it as a
    // new version and send that to the primary, and the pair ran the secondary's file.
    long version = primary.config.current().orElseThrow().number();
    secondary.close();
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    awaitNormal(0);
    assertEquals(1800, secondary.config.current().orElseThrow().config().dhcp().leaseTime());
    assertEquals(version, secondary.config.current().orElseThrow().number());
    Thread.sleep(500); // a version the restart made would reach the primary by now
    assertEquals(1800, primary.config.current().orElseThrow().config().dhcp().leaseTime());
    assertEquals(version, primary.config.current().orElseThrow().number());
  }

  @Test
  void forgedAndReplayedDatagramsOnTheWireAreDroppedAndCounted() throws Exception {
    startNormalPair(600);
    int heartbeatPort = primary.config.current().orElseThrow().config().failover().port() + 2;
    FrameAuthenticator forger =
        new FrameAuthenticator(
            FrameAuthenticator.deriveKey("not the pairing secret"),
            1,
            java.time.Clock.systemUTC(),
            new org.provisioning.common.stats.StatisticsRegistry());
    FrameAuthenticator replayer =
        new FrameAuthenticator(
            FrameAuthenticator.deriveKey(SECRET),
            1,
            java.time.Clock.systemUTC(),
            new org.provisioning.common.stats.StatisticsRegistry());
    byte[] body =
        FailoverCodec.encode(
            new FailoverMessage.Heartbeat(
                org.provisioning.common.config.FailoverRole.PRIMARY,
                FailoverState.NORMAL,
                0,
                0,
                0));
    byte[] forged = forger.seal(FrameKind.HEARTBEAT, body);
    byte[] stale = replayer.seal(FrameKind.HEARTBEAT, body, 1L); // an old counter
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      InetSocketAddress to = new InetSocketAddress("127.0.0.3", heartbeatPort);
      socket.send(new java.net.DatagramPacket(forged, forged.length, to));
      socket.send(new java.net.DatagramPacket(stale, stale.length, to));
    }
    await()
        .atMost(5, SECONDS)
        .until(
            () ->
                secondary.stats.counter("failover.dropped.bad_hmac").get() >= 1
                    && secondary.stats.counter("failover.dropped.replay").get() >= 1);
    assertEquals(FailoverState.NORMAL, secondary.state());
    // ... and the operator hears of it, without a takeover.
    await()
        .atMost(5, SECONDS)
        .until(
            () ->
                secondary.alerts.active().stream()
                    .anyMatch(a -> a.type() == FailoverAlerts.AUTH_FAILED));
    assertEquals(FailoverState.NORMAL, secondary.state());
  }

  @Test
  void aShortOutageIsRepairedFromTheBacklogWithoutASnapshot() throws Exception {
    startNormalPair(600);
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      assertNotNull(relay.bind(1, in(5_000)));
    }
    secondary.isolate();
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    Ipv4Address whileApart;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      whileApart = relay.bind(2, in(5_000));
    }
    long snapshots = primary.stats.counter("failover.syncs.snapshot").get();
    secondary.reconnect();
    await().atMost(15, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    await().atMost(5, SECONDS).until(() -> secondary.leases.byAddress(whileApart).isPresent());
    assertArrayEquals(
        RelayedDhcpClient.mac(2),
        secondary.leases.byAddress(whileApart).orElseThrow().hardwareAddress());
    // From the backlog: by the sync's tail, or by the stream if it got there first; either way
    // no snapshot.
    assertEquals(snapshots, primary.stats.counter("failover.syncs.snapshot").get());
  }

  @Test
  void twoPrimariesRefuseToPairAndSayWhy() throws Exception {
    int failoverPort = FreePorts.failover();
    primaryDoc =
        document(
            1, "127.0.0.1", FreePorts.udp("127.0.0.1"), "primary", "127.0.0.3", failoverPort, 3600);
    String otherPrimary =
        document(
            2, "127.0.0.3", FreePorts.udp("127.0.0.3"), "primary", "127.0.0.1", failoverPort, 3600);
    secondary = new FailoverNode(dir.resolve("other"), otherPrimary, SECRET);
    primary = startPrimary();
    await().atMost(10, SECONDS).until(() -> alerted(primary, "FAILOVER_ROLE_CLASH"));
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    assertFalse(primary.failover.machine().partnerInContact());
  }

  /**
   * The primary's config reaches the secondary, which keeps its own addresses for every socket it
   * binds (TFTP, ToD, DNS, the SNMP agent; DHCP and failover already) and its own SNMP engine ID,
   * and both keep them through a change made on either side.
   */
  @Test
  void eachServerKeepsItsOwnAddressesForEveryService() throws Exception {
    int failoverPort = FreePorts.failover();
    primaryDoc =
        withServices(
            document(
                1,
                "127.0.0.1",
                FreePorts.udp("127.0.0.1"),
                "primary",
                "127.0.0.3",
                failoverPort,
                3600),
            "127.0.0.1",
            1000,
            "800000000101");
    secondaryDoc =
        withServices(
            document(
                2, "127.0.0.3", FreePorts.udp("127.0.0.3"), "secondary", null, failoverPort, 3600),
            "127.0.0.3",
            2000,
            "800000000202");
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    primary = startPrimary();
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    primary
        .config
        .applyDocument(primaryDoc.replace("leaseTime: 3600", "leaseTime: 900"), "api", "ada", null)
        .get(5, SECONDS);
    await()
        .atMost(5, SECONDS)
        .until(() -> secondary.config.current().orElseThrow().config().dhcp().leaseTime() == 900);

    ProvisioningConfig onSecondary = secondary.config.current().orElseThrow().config();
    assertEquals("127.0.0.3", onSecondary.tftp().listen().toString());
    assertEquals(2001, onSecondary.tftp().port());
    assertEquals("127.0.0.3", onSecondary.tod().listen().toString());
    assertEquals(2002, onSecondary.tod().port());
    assertEquals("127.0.0.3", onSecondary.dns().listen().toString());
    assertEquals(2003, onSecondary.dns().port());
    assertEquals("127.0.0.3", onSecondary.alerts().snmp().agent().listen().toString());
    assertEquals(2004, onSecondary.alerts().snmp().agent().port());
    assertEquals("800000000202", onSecondary.alerts().snmp().engineId());
    ProvisioningConfig onPrimary = primary.config.current().orElseThrow().config();
    assertEquals("127.0.0.1", onPrimary.tftp().listen().toString());
    assertEquals("800000000101", onPrimary.alerts().snmp().engineId());
  }

  /** Appends TFTP, ToD, DNS and SNMP sections listening at {@code address}, ports from base+1. */
  private static String withServices(String document, String address, int base, String engineId) {
    return document
        + String.format(
            Locale.ROOT,
            """
            tftp: {enabled: false, listen: %s, port: %d}
            tod: {enabled: false, listen: %s, port: %d}
            dns: {enabled: false, listen: %s, port: %d}
            alerts:
              snmp:
                engineId: "%s"
                agent: {enabled: false, listen: %s, port: %d}
            """,
            address,
            base + 1,
            address,
            base + 2,
            address,
            base + 3,
            engineId,
            address,
            base + 4);
  }

  /**
   * Two servers given the same server.id (a config copied from one to the other): the secondary
   * drops the primary's frames and says why, rather than calling them forged (it sends nothing to a
   * primary it never heard, so the primary only finds its partner out of contact); once the
   * secondary has an id of its own the pair forms.
   */
  @Test
  void twoServersWithOneIdRefuseToPairAndSayWhy() throws Exception {
    int failoverPort = FreePorts.failover();
    primaryDoc =
        document(
            1, "127.0.0.1", FreePorts.udp("127.0.0.1"), "primary", "127.0.0.3", failoverPort, 3600);
    int secondaryDhcp = FreePorts.udp("127.0.0.3");
    String sameId = document(1, "127.0.0.3", secondaryDhcp, "secondary", null, failoverPort, 3600);
    secondary = new FailoverNode(dir.resolve("secondary"), sameId, SECRET);
    primary = startPrimary();
    await().atMost(10, SECONDS).until(() -> alerted(secondary, "FAILOVER_ID_CLASH"));
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    assertEquals(FailoverState.STARTUP, secondary.state(), "it never pairs, never serves");
    for (FailoverNode node : List.of(primary, secondary)) {
      assertTrue(
          !alerted(node, "FAILOVER_AUTH_FAILED"),
          "the key is right: no authentication failure alerted");
    }

    secondary.close();
    secondaryDoc = document(2, "127.0.0.3", secondaryDhcp, "secondary", null, failoverPort, 3600);
    secondary = new FailoverNode(dir.resolve("secondary-2"), secondaryDoc, SECRET);
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
  }

  /**
   * Restarts in every order (the secondary, the primary, both with the primary first, both with the
   * secondary first): each time the pair reaches NORMAL by itself, with no operator action, and a
   * lease made after it is on both servers.
   */
  @Test
  void restartsInEveryOrderReturnToNormalByThemselves() throws Exception {
    startNormalPair(600);
    int client = 100;
    client = bindAndCheckReplicated(client);

    secondary.close();
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    client = bindAndCheckReplicated(awaitNormal(client));

    primary.close();
    primary = startPrimary();
    client = bindAndCheckReplicated(awaitNormal(client));

    primary.close();
    secondary.close();
    primary = startPrimary();
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    client = bindAndCheckReplicated(awaitNormal(client));

    primary.close();
    secondary.close();
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    primary = startPrimary();
    bindAndCheckReplicated(awaitNormal(client));
  }

  /**
   * The primary is away while the secondary serves and renews a client's lease; the secondary dies
   * in turn, and the primary starts alone two hours after it left. By its copy the client's lease
   * has run out, by the client's it holds: the address goes to that client only, not to the next
   * new one (which it did before), until a sync brings the partner's leases.
   */
  @Test
  void aPrimaryStartedAloneKeepsForItsClientAnAddressThePartnerMayHaveRenewed() throws Exception {
    startNormalPair(600, "127.16.0.200", TWO_HOURS_ON);
    Ipv4Address address = renewedOnTheSecondaryWhileThePrimaryIsAway();
    secondary.close();
    secondary = null;

    primary = new FailoverNode(dir.resolve("primary"), primaryDoc, SECRET, TWO_HOURS_ON);
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    await().atMost(5, SECONDS).until(() -> primary.engine.mode() == ServingMode.BOTTOM_UP);
    assertEquals(1L, primary.stats.snapshot().get("dhcp.held_for_partner"));
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      Ipv4Address next = relay.bind(2, in(5_000));
      assertNotNull(next);
      assertFalse(address.equals(next), "a new client is not given " + address);
      assertEquals(DhcpMessageType.ACK, relay.reboot(1, address, in(5_000)), "its client is");
    }

    // The secondary returns: the sync brings its leases, and the holds end.
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET, TWO_HOURS_ON);
    awaitNormal(3);
    await().atMost(5, SECONDS).until(() -> primary.engine.heldForPartner() == 0);
  }

  /**
   * The same, but the secondary comes back without its data (a disk replaced): the renewal it made
   * is gone with it, so the sync ends no hold; the address stays its client's until the holds run
   * out. Before, every hold ended at the first NORMAL.
   */
  @Test
  void aPartnerBackWithoutItsDataLeavesTheHoldsInPlace() throws Exception {
    startNormalPair(600, "127.16.0.200", TWO_HOURS_ON);
    renewedOnTheSecondaryWhileThePrimaryIsAway();
    secondary.close();
    secondary = null;
    primary = new FailoverNode(dir.resolve("primary"), primaryDoc, SECRET, TWO_HOURS_ON);
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    await().atMost(5, SECONDS).until(() -> primary.engine.heldForPartner() == 1);

    deleteTree(dir.resolve("secondary"));
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET, TWO_HOURS_ON);
    awaitNormal(0);
    Thread.sleep(500); // an end of the holds would have reached the engine by now
    assertEquals(1, primary.engine.heldForPartner());
  }

  /**
   * The same, but the returning primary hears its secondary first, which dies before their sync
   * completes: the primary serves from RECOVERING without having learnt what the secondary renewed.
   * Holds began only on leaving STARTUP to serve, so here there were none.
   */
  @Test
  void aPrimaryWhosePartnerDiesBeforeTheirSyncKeepsWhatThePartnerMayHaveRenewed() throws Exception {
    int failoverPort = linkedPair("127.16.0.200");
    try (FailoverLink link = new FailoverLink("127.0.0.1", "127.0.0.3", failoverPort)) {
      secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET, TWO_HOURS_ON);
      primary = startPrimary();
      await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
      Ipv4Address address = renewedOnTheSecondaryWhileThePrimaryIsAway();

      link.cutSyncAfter(0); // no sync session gets through
      primary = new FailoverNode(dir.resolve("primary"), primaryDoc, SECRET, TWO_HOURS_ON);
      await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.RECOVERING);
      secondary.close();
      secondary = null;
      await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
      await().atMost(5, SECONDS).until(() -> primary.engine.heldForPartner() == 1);
      try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
        Ipv4Address next = relay.bind(2, in(5_000));
        assertNotNull(next);
        assertFalse(address.equals(next), "a new client is not given " + address);
      }
    }
  }

  /**
   * After a partition the secondary serves in RECOVERING before it has what the primary granted
   * meanwhile: an address the primary allocated stays out of order for other clients until the pair
   * is level, as while apart. The guard used to end with the partition, and a client whose lease
   * had run out got its old address back though the primary had given it to another.
   */
  @Test
  void aSecondaryRecoveringFromAPartitionKeepsThePartnersAddressesUntilLevel() throws Exception {
    int failoverPort = linkedPair("127.16.0.200");
    try (FailoverLink link = new FailoverLink("127.0.0.1", "127.0.0.3", failoverPort)) {
      secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
      primary = startPrimary();
      awaitNormal(0);
      Ipv4Address lowest = Ipv4Address.parse("127.16.0.10");
      primary.ownLease(lease(lowest.toString(), 500, LeaseState.EXPIRED, 7_200_000, 1));
      await().atMost(5, SECONDS).until(() -> secondary.leases.byAddress(lowest).isPresent());

      link.cut();
      await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
      await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.PARTNER_DOWN);
      // The primary's grant meanwhile waits behind a record only a sync carries, and no sync
      // gets through: the secondary does not learn it.
      String big = "x".repeat(UpdateBacklog.MAX_STREAMED_RECORD + 1_000);
      primary.console.saveUser(user("ada", System.currentTimeMillis(), big)).get(5, SECONDS);
      try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
        assertEquals(lowest, relay.bind(600, in(5_000)), "the primary gives it to a new client");
      }
      link.cutSyncAfter(0);
      link.heal();
      await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.RECOVERING);

      try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, secondary.dhcpAddress())) {
        Ipv4Address again = relay.bind(500, in(5_000));
        assertNotNull(again);
        assertFalse(lowest.equals(again), "not the address the primary gave away meanwhile");
      }
      assertEquals(FailoverState.RECOVERING, secondary.state(), "still not level");
    }
  }

  /**
   * Client 1 binds through the primary, which then goes away; the secondary, serving alone, renews
   * the client's lease. Returns its address.
   */
  private Ipv4Address renewedOnTheSecondaryWhileThePrimaryIsAway() throws Exception {
    Ipv4Address address;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      address = relay.bind(1, in(5_000));
    }
    await().atMost(5, SECONDS).until(() -> secondary.leases.byAddress(address).isPresent());

    primary.close();
    primary = null;
    await().atMost(10, SECONDS).until(() -> secondary.engine.mode() == ServingMode.TOP_DOWN);
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, secondary.dhcpAddress())) {
      assertEquals(DhcpMessageType.ACK, relay.reboot(1, address, in(5_000)), "renewed there");
    }
    return address;
  }

  private int awaitNormal(int client) {
    await().atMost(15, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(15, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    assertEquals(ServingMode.STANDBY, secondary.engine.mode());
    return client;
  }

  /** Binds one client through the primary; its lease must be on the secondary too. */
  private int bindAndCheckReplicated(int client) throws Exception {
    Ipv4Address address;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      address = relay.bind(client, in(5_000));
    }
    assertNotNull(address, "client " + client + " bound through the primary");
    await().atMost(5, SECONDS).until(() -> secondary.leases.byAddress(address).isPresent());
    assertArrayEquals(
        RelayedDhcpClient.mac(client),
        secondary.leases.byAddress(address).orElseThrow().hardwareAddress());
    return client + 1;
  }

  @Test
  void clockSkewIsShownAndAlertedButNeverStopsThePair() throws Exception {
    startNormalPair(
        600,
        "127.16.0.200",
        java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(90)));

    long skew = primary.failover.status().clockSkewMillis();
    assertTrue(skew > 89_000 && skew < 91_000, "the secondary's clock is 90 s ahead: " + skew);
    assertTrue(secondary.failover.status().clockSkewMillis() < -89_000);
    assertTrue(alerted(primary, "FAILOVER_CLOCK_SKEW"));
    bindAndCheckReplicated(200); // and the pair keeps working
    assertEquals(FailoverState.NORMAL, primary.state());
  }

  /**
   * A standby whose clock runs ahead (here by all but 2 s of the hour's lease) ends no lease: it
   * used to mark it EXPIRED by its own clock and stream that to the primary, which took it (same
   * client, same grant) and freed an address its client still held.
   */
  @Test
  void aStandbyWithAClockAheadEndsNoLeaseOfThePrimarys() throws Exception {
    startNormalPair(
        600,
        "127.16.0.200",
        java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(3598)));
    Ipv4Address address;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      address = relay.bind(9, in(5_000));
    }
    await().atMost(5, SECONDS).until(() -> secondary.leases.byAddress(address).isPresent());
    Thread.sleep(4_000); // past the lease's end by the secondary's clock, and a reclaim round
    assertEquals(LeaseState.BOUND, primary.leases.byAddress(address).orElseThrow().state());
    assertEquals(LeaseState.BOUND, secondary.leases.byAddress(address).orElseThrow().state());
  }

  /**
   * The secondary's clock runs ahead by all but 2 s of the hour's lease, and the primary dies: the
   * secondary, serving now, does not end the primary's lease by its own clock. It used to, 2 s
   * after taking over, free for another client an address its client held for an hour more, and
   * stream that end back to the primary.
   */
  @Test
  void aServerWhoseClockRunsAheadDoesNotEndThePartnersLeasesEarlyOnceItServes() throws Exception {
    startNormalPair(
        600,
        "127.16.0.200",
        java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(3598)));
    Ipv4Address address;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      address = relay.bind(9, in(5_000));
    }
    await().atMost(5, SECONDS).until(() -> secondary.leases.byAddress(address).isPresent());
    primary.close();
    primary = null;
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.PARTNER_DOWN);
    Thread.sleep(4_000); // past the lease's end by the secondary's clock, and a reclaim round
    assertEquals(LeaseState.BOUND, secondary.leases.byAddress(address).orElseThrow().state());
  }

  /**
   * A partition with the pool filled to 60 %: the two servers allocate from opposite ends, so after
   * the heal no address is bound to two clients, no conflict is counted, and every lease is on both
   * servers.
   */
  @Test
  void aPartitionAtSixtyPercentLeavesNoAddressBoundTwice() throws Exception {
    startNormalPair(600, "127.16.0.19", java.time.Clock.systemUTC());

    secondary.isolate();
    secondary.dhcp.execute(() -> secondary.engine.setMode(ServingMode.TOP_DOWN));
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    Map<Integer, Ipv4Address> bySecondary;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, secondary.dhcpAddress())) {
      bySecondary = relay.bindRange(300, 303, 1, in(20_000));
    }
    Map<Integer, Ipv4Address> byPrimary;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      byPrimary = relay.bindRange(400, 403, 1, in(20_000));
    }
    assertEquals(3, bySecondary.size());
    assertEquals(3, byPrimary.size());

    secondary.reconnect();
    await().atMost(15, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    Map<Integer, Ipv4Address> all = new java.util.HashMap<>(bySecondary);
    all.putAll(byPrimary);
    assertEquals(6, new java.util.HashSet<>(all.values()).size(), "six clients, six addresses");
    await()
        .atMost(5, SECONDS)
        .untilAsserted(
            () -> {
              for (Map.Entry<Integer, Ipv4Address> e : all.entrySet()) {
                for (FailoverNode node : java.util.List.of(primary, secondary)) {
                  LeaseRecord lease = node.leases.byAddress(e.getValue()).orElseThrow();
                  assertArrayEquals(RelayedDhcpClient.mac(e.getKey()), lease.hardwareAddress());
                  assertEquals(LeaseState.BOUND, lease.state());
                }
              }
            });
    assertEquals(0, primary.stats.counter("failover.conflicts").get());
    assertEquals(0, secondary.stats.counter("failover.conflicts").get());
  }

  /**
   * A client whose lease the secondary granted (top-down, at the pool's end) and which ran out
   * comes back to the primary during a partition: it gets an address from the primary's end, not
   * its previous one, which the secondary serving top-down gives to a new client at the same time.
   * Before, the primary gave the returning client its previous address and the heal found it bound
   * twice.
   */
  @Test
  void aReturningClientGetsNoAddressFromThePartnersEndDuringAPartition() throws Exception {
    startNormalPair(600, "127.16.0.19", java.time.Clock.systemUTC());
    Ipv4Address top = Ipv4Address.parse("127.16.0.19");
    long now = System.currentTimeMillis();
    secondary.ownLease(
        new LeaseRecord(
            top,
            1,
            RelayedDhcpClient.mac(500),
            null,
            LeaseState.EXPIRED,
            now - 7_200_000,
            now - 3_600_000,
            2,
            null,
            null,
            null,
            null));
    await().atMost(5, SECONDS).until(() -> primary.leases.byAddress(top).isPresent());

    secondary.isolate();
    secondary.dhcp.execute(
        () -> {
          secondary.engine.setPartnerMayServe(true);
          secondary.engine.setMode(ServingMode.TOP_DOWN);
        });
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    Ipv4Address returning;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      returning = relay.bindRange(500, 501, 1, in(20_000)).get(500);
    }
    Ipv4Address fresh;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, secondary.dhcpAddress())) {
      fresh = relay.bindRange(600, 601, 1, in(20_000)).get(600);
    }
    assertEquals(Ipv4Address.parse("127.16.0.10"), returning, "the primary's end");
    assertEquals(top, fresh, "the secondary's end");

    secondary.reconnect();
    await().atMost(15, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    assertEquals(0, counter(primary, "failover.conflicts"));
    assertEquals(0, counter(secondary, "failover.conflicts"));
  }

  /**
   * While the primary is away, the secondary sees a client release its lease and gives the address
   * to another; the primary comes back to a secondary whose backlog is gone, so a snapshot brings
   * it level. The snapshot holds the new lease only, not the release: the primary's copy of the
   * released lease, from before the two were last level, gives way. Before, it met the new lease as
   * a rival grant and, being earlier, won on both servers: the new client lost its lease and a
   * false conflict was counted.
   */
  @Test
  void aSnapshotReplacesALeaseReleasedAndGrantedAgainWhileApart() throws Exception {
    startNormalPair(600, "127.16.0.19", java.time.Clock.systemUTC());
    Ipv4Address top = Ipv4Address.parse("127.16.0.19");
    LeaseRecord released = lease("127.16.0.19", 700, LeaseState.BOUND, 1_800_000, 1);
    primary.ownLease(released);
    await().atMost(5, SECONDS).until(() -> secondary.leases.byAddress(top).isPresent());

    secondaryServesAlone();
    secondary.ownLease(released.withState(LeaseState.RELEASED, System.currentTimeMillis()));
    Ipv4Address regranted;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, secondary.dhcpAddress())) {
      regranted = relay.bindRange(701, 702, 1, in(10_000)).get(701);
    }
    assertEquals(top, regranted, "the secondary, top-down, gives the released address again");

    long snapshots = counter(secondary, "failover.syncs.snapshot");
    primaryReturnsToASecondaryWithAnEmptyBacklog();
    assertTrue(counter(secondary, "failover.syncs.snapshot") > snapshots, "a snapshot was sent");
    await()
        .atMost(5, SECONDS)
        .untilAsserted(
            () -> {
              for (FailoverNode node : java.util.List.of(primary, secondary)) {
                LeaseRecord lease = node.leases.byAddress(top).orElseThrow();
                assertArrayEquals(RelayedDhcpClient.mac(701), lease.hardwareAddress());
                assertEquals(LeaseState.BOUND, lease.state());
              }
            });
    assertEquals(0, counter(primary, "failover.conflicts"));
    assertEquals(0, counter(secondary, "failover.conflicts"));
  }

  /** A lease bound now, granted {@code agoMillis} ago by {@code server}, held for an hour more. */
  private static LeaseRecord lease(
      String address, int client, LeaseState state, long agoMillis, int server) {
    long now = System.currentTimeMillis();
    return new LeaseRecord(
        Ipv4Address.parse(address),
        1,
        RelayedDhcpClient.mac(client),
        null,
        state,
        now - agoMillis,
        now + 3_600_000,
        server,
        null,
        null,
        null,
        null);
  }

  private static long counter(FailoverNode node, String name) {
    return node.stats.counter(name).get();
  }

  /** Neither server ever went to PARTNER_DOWN, and each serves as NORMAL says. */
  private void assertNoTakeover() {
    assertEquals(FailoverState.NORMAL, primary.state());
    assertEquals(FailoverState.NORMAL, secondary.state());
    assertEquals(0, counter(primary, "failover.entered.partner_down"), "no false takeover");
    assertEquals(0, counter(secondary, "failover.entered.partner_down"), "no false takeover");
    assertEquals(ServingMode.BOTTOM_UP, primary.engine.mode());
    assertEquals(ServingMode.STANDBY, secondary.engine.mode());
  }

  /**
   * The secondary holds an address for another client when the primary's lease record for it
   * arrives: it refuses the record, by the conflict rule (the earlier grant keeps the address). The
   * refusal is counted on both servers, both end with the winner, the losing client is NAKed at its
   * next renewal, and the pair never leaves NORMAL: a partner that answers but refuses a record is
   * not a dead partner.
   */
  @Test
  void aPartnerThatRefusesALeaseRecordByTheConflictRuleIsNotADeadPartner() throws Exception {
    startNormalPair(600);
    Ipv4Address contested = Ipv4Address.parse("127.16.0.10");
    LeaseRecord holder = lease("127.16.0.10", 900, LeaseState.BOUND, 60_000, 2);
    // Only the secondary knows this lease (the primary never heard of it).
    secondary.dhcp.execute(() -> secondary.engine.apply(holder));
    await().atMost(5, SECONDS).until(() -> secondary.leases.byAddress(contested).isPresent());
    List<byte[]> journaledThere = new java.util.concurrent.CopyOnWriteArrayList<>();
    secondary.bus.addListener(
        record -> {
          if (record.type().equals(RecordType.LEASE)) {
            LeaseRecord lease = LeaseRecord.decode(record.payload());
            if (lease.address().equals(contested)) {
              journaledThere.add(lease.hardwareAddress());
            }
          }
        });

    Ipv4Address granted;
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      granted = relay.bind(1, in(5_000));
    }
    assertEquals(
        contested, granted, "the primary, bottom-up, grants the lowest address it sees free");

    await()
        .atMost(5, SECONDS)
        .untilAsserted(
            () -> {
              for (FailoverNode node : java.util.List.of(primary, secondary)) {
                LeaseRecord kept = node.leases.byAddress(contested).orElseThrow();
                assertArrayEquals(
                    RelayedDhcpClient.mac(900), kept.hardwareAddress(), "the earlier grant");
                assertEquals(1, counter(node, "failover.conflicts"));
                assertEquals(1, node.failover.status().conflicts());
              }
            });
    assertTrue(settled(secondary, "FAILOVER_LEASE_CONFLICT"));
    await().atMost(5, SECONDS).until(() -> primary.failover.status().recordsPending() == 0);
    assertNoTakeover();
    // Every record journaled for it holds the winner: a crash between two of their fsyncs
    // replays no losing lease (the refused record used to be journaled as it came).
    assertFalse(journaledThere.isEmpty());
    for (byte[] mac : journaledThere) {
      assertArrayEquals(RelayedDhcpClient.mac(900), mac);
    }

    // The losing client is NAKed when it comes back for the address, and gets another one.
    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
      assertEquals(
          org.provisioning.dhcp.message.DhcpMessageType.NAK, relay.reboot(1, contested, in(5_000)));
    }
    bindAndCheckReplicated(1);
    assertNoTakeover();

    // The refusal outlives a restart: the secondary's journal replay ends with the kept lease.
    secondary.close();
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    assertArrayEquals(
        RelayedDhcpClient.mac(900),
        secondary.leases.byAddress(contested).orElseThrow().hardwareAddress());
    awaitNormal(0);
  }

  /**
   * The primary sends a lease record the secondary cannot read (a lease format this build does not
   * know, as in a rolling upgrade): the secondary refuses it, counts it, journals it as it came and
   * acks past it, so the stream goes on; no takeover.
   */
  @Test
  void aRecordThePartnerCannotReadIsRefusedCountedAndPassed() throws Exception {
    startNormalPair(600);
    byte[] unreadable = lease("127.16.0.99", 901, LeaseState.BOUND, 0, 1).encode();
    unreadable[0] = 99; // a lease record format from the future
    primary.bus.publish(org.provisioning.common.bus.RecordType.LEASE, unreadable).get(5, SECONDS);

    bindAndCheckReplicated(2); // the stream is not stuck behind the refused record
    await().atMost(5, SECONDS).until(() -> primary.failover.status().recordsPending() == 0);
    assertEquals(1, counter(secondary, "failover.records.refused"));
    assertTrue(alerted(secondary, "FAILOVER_RECORD_REFUSED"));
    assertNoTakeover();
  }

  /**
   * A stale record (the partner says another client released an address the secondary holds) is
   * refused without a conflict; the refusal outlives a restart of the secondary, whose journal
   * replay must not bring the refused record back over the lease it kept.
   */
  @Test
  void aRefusedStaleRecordStaysRefusedAfterARestart() throws Exception {
    startNormalPair(600);
    Ipv4Address address = Ipv4Address.parse("127.16.0.50");
    LeaseRecord held = lease("127.16.0.50", 902, LeaseState.BOUND, 60_000, 2);
    // The secondary's own lease, journaled and replicated: both servers hold it.
    secondary.ownLease(held);
    await().atMost(5, SECONDS).until(() -> primary.leases.byAddress(address).isPresent());

    // A record that crossed it: the primary's word that another client released the address.
    LeaseRecord stale =
        lease("127.16.0.50", 903, LeaseState.BOUND, 120_000, 1)
            .withState(LeaseState.RELEASED, System.currentTimeMillis() - 60_000);
    primary
        .bus
        .publish(org.provisioning.common.bus.RecordType.LEASE, stale.encode())
        .get(5, SECONDS);
    await().atMost(5, SECONDS).until(() -> primary.failover.status().recordsPending() == 0);
    assertArrayEquals(
        RelayedDhcpClient.mac(902),
        secondary.leases.byAddress(address).orElseThrow().hardwareAddress());

    secondary.close();
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    LeaseRecord afterRestart = secondary.leases.byAddress(address).orElseThrow();
    assertArrayEquals(
        RelayedDhcpClient.mac(902), afterRestart.hardwareAddress(), "still the kept lease");
    assertEquals(LeaseState.BOUND, afterRestart.state());
    awaitNormal(0);
    assertArrayEquals(
        RelayedDhcpClient.mac(902),
        primary.leases.byAddress(address).orElseThrow().hardwareAddress());
  }

  /**
   * A snapshot sync broken halfway is taken up where it stopped, not from the beginning: once after
   * the secondary restarted meanwhile (its resume point is in its data directory), once by the same
   * running pair. Progress shows in both servers' status while the sync is under way or
   * interrupted, and the primary serves DHCP meanwhile.
   */
  @Test
  void aSyncBrokenHalfwayResumesWhereItStoppedWhileDhcpIsServed() throws Exception {
    int total = 20_000;
    int failoverPort = linkedPair("127.16.79.255"); // 20,470 addresses
    try (FailoverLink link = new FailoverLink("127.0.0.1", "127.0.0.3", failoverPort)) {
      // The primary serves alone, and holds 20,000 leases when the secondary arrives empty.
      primary = startPrimary();
      await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
      primary.ownLeases(boundFromTheBottom(total));

      // The first session breaks after about 300 KB of its 760.
      link.cutSyncAfter(300_000);
      secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
      await().atMost(15, SECONDS).until(link::syncCut);
      await()
          .atMost(5, SECONDS)
          .until(() -> progress(secondary.failover.status().syncReceiving(), "interrupted"));
      long firstStop = secondary.failover.status().syncReceiving().done();
      assertTrue(firstStop > 0 && firstStop < total / 2, "stopped partway: " + firstStop);
      assertEquals(firstStop, secondary.leases.size(), "every lease counted is applied");
      assertEquals(total, secondary.failover.status().syncReceiving().total());
      await()
          .atMost(5, SECONDS)
          .until(() -> progress(primary.failover.status().syncSending(), "interrupted"));
      assertEquals(total, primary.failover.status().syncSending().total());

      // DHCP is served meanwhile.
      Ipv4Address duringSync;
      try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
        duringSync = relay.bind(1, in(5_000));
      }
      assertNotNull(duringSync, "the primary answers while the sync is interrupted");

      // The secondary restarts: its resume point survives, and the next session (which breaks
      // in turn) takes up after it.
      secondary.close();
      secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
      assertEquals(firstStop, secondary.failover.status().syncReceiving().done());
      link.cutSyncAfter(200_000);
      link.healSync();
      await().atMost(15, SECONDS).until(link::syncCut);
      await()
          .atMost(5, SECONDS)
          .until(() -> progress(secondary.failover.status().syncReceiving(), "interrupted"));
      var second = secondary.failover.status().syncReceiving();
      assertEquals(firstStop, second.resumedFrom(), "resumed where the first session stopped");
      assertTrue(second.done() > firstStop && second.done() < total, "stopped again: " + second);
      assertEquals(
          second.done() - firstStop,
          counter(secondary, "failover.sync.leases_received"),
          "the second session carried only what the first had not");

      // The same pair, no restart: the third session ends it.
      link.healSync();
      awaitNormal(0);
      var last = secondary.failover.status().syncReceiving();
      assertEquals(second.done(), last.resumedFrom(), "resumed where the second session stopped");
      assertEquals(total, last.done());
      assertEquals("done", last.state());
      assertEquals(1, counter(primary, "failover.syncs.snapshot"), "one snapshot, never retaken");
      assertEquals(2, counter(primary, "failover.syncs.resumed"));
      assertEquals(
          total - firstStop,
          counter(secondary, "failover.sync.leases_received"),
          "the last session carried only the rest");
      await()
          .atMost(5, SECONDS)
          .untilAsserted(
              () ->
                  primary.leases.forEach(
                      lease ->
                          assertArrayEquals(
                              lease.hardwareAddress(),
                              secondary
                                  .leases
                                  .byAddress(lease.address())
                                  .orElseThrow(() -> new AssertionError("missing " + lease))
                                  .hardwareAddress())));
      assertEquals(total + 1, secondary.leases.size(), "the snapshot and the lease made meanwhile");
    }
  }

  /**
   * A secondary whose journal went away after a broken sync (moved aside after damage, as the
   * README advises, or replaced by a restore) gets the whole snapshot again: the resume point in
   * its data directory describes the journal that is gone. Taken up, the session skipped the leases
   * of the pages it counted, and the secondary never held them.
   */
  @Test
  void aSecondaryWhoseJournalWentAwayAfterABrokenSyncGetsEveryLease() throws Exception {
    int total = 5_000;
    int failoverPort = linkedPair("127.16.19.255");
    try (FailoverLink link = new FailoverLink("127.0.0.1", "127.0.0.3", failoverPort)) {
      primary = startPrimary();
      await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
      primary.ownLeases(boundFromTheBottom(total));

      link.cutSyncAfter(100_000);
      secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
      await().atMost(15, SECONDS).until(link::syncCut);
      await()
          .atMost(5, SECONDS)
          .until(() -> progress(secondary.failover.status().syncReceiving(), "interrupted"));
      assertTrue(secondary.leases.size() > 0, "some pages applied and counted");

      secondary.close();
      java.nio.file.Path journal = dir.resolve("secondary").resolve("journal");
      java.nio.file.Files.move(journal, dir.resolve("journal.damaged"));
      link.healSync();
      secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
      awaitNormal(0);
      await().atMost(10, SECONDS).until(() -> secondary.leases.size() == total);
      primary.leases.forEach(
          lease -> assertTrue(secondary.leases.byAddress(lease.address()).isPresent(), "" + lease));
    }
  }

  /**
   * A secondary that takes the primary's snapshot journals each lease as its own record, and its
   * stream sends them back: echoes, which the primary keeps what it holds against. A resumed
   * snapshot's pages come from the copy taken before a client released its address and the primary
   * gave it to another: applied as leases, the echo of the old grant won over the new one by the
   * conflict rule (the earlier grant), and the new client's ACKed lease was gone.
   */
  @Test
  void anEchoOfThePrimarysSnapshotDoesNotUndoAGrantMadeSince() throws Exception {
    int total = 20_000;
    int failoverPort = linkedPair("127.16.79.255"); // 20,470 addresses
    try (FailoverLink link = new FailoverLink("127.0.0.1", "127.0.0.3", failoverPort)) {
      secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
      primary = startPrimary();
      awaitNormal(0);
      // Apart, the primary grants 20,000 leases, then restarts: its stream's backlog is gone, so
      // the secondary, back on its own journal, gets them by snapshot.
      secondary.close();
      await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
      primary.ownLeases(boundFromTheBottom(total));
      primary.close();
      primary = startPrimary();
      await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);

      link.cutSyncAfter(300_000);
      secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
      await().atMost(15, SECONDS).until(link::syncCut);

      // A client of a page not yet sent releases its address, which goes to a new client.
      int late = total - 500;
      Ipv4Address moved = new Ipv4Address(Ipv4Address.parse("127.16.0.10").value() + late);
      try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, primary.dhcpAddress())) {
        relay.release(10_000 + late, moved);
        await()
            .atMost(5, SECONDS)
            .until(
                () ->
                    primary.leases.byAddress(moved).map(LeaseRecord::state).orElse(null)
                        == LeaseState.RELEASED);
        relay.reboot(50_000, moved, in(5_000)); // INIT-REBOOT for it: granted, the lease free
      }
      assertArrayEquals(
          RelayedDhcpClient.mac(50_000),
          primary.leases.byAddress(moved).orElseThrow().hardwareAddress());

      link.healSync();
      awaitNormal(0);
      await().atMost(10, SECONDS).until(() -> secondary.leases.size() >= total);
      Thread.sleep(500); // the echoes of the last pages reach the primary
      for (FailoverNode node : List.of(primary, secondary)) {
        await()
            .atMost(5, SECONDS)
            .untilAsserted(
                () ->
                    assertArrayEquals(
                        RelayedDhcpClient.mac(50_000),
                        node.leases.byAddress(moved).orElseThrow().hardwareAddress()));
      }
      assertEquals(0, counter(primary, "failover.conflicts"), "no conflict: an echo is no rival");
    }
  }

  /**
   * A fresh secondary that took the primary's snapshot sends none of those leases back in its own
   * part of the session: the primary has them (a whole second snapshot used to go back).
   */
  @Test
  void aFreshSecondarySendsNoneOfThePrimarysLeasesBack() throws Exception {
    int failoverPort = FreePorts.failover();
    primaryDoc =
        document(
            1, "127.0.0.1", FreePorts.udp("127.0.0.1"), "primary", "127.0.0.3", failoverPort, 3600);
    secondaryDoc =
        document(2, "127.0.0.3", FreePorts.udp("127.0.0.3"), "secondary", null, failoverPort, 3600);
    primary = startPrimary();
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    java.util.List<LeaseRecord> many = new java.util.ArrayList<>();
    for (int i = 0; i < 150; i++) {
      many.add(lease("127.16.0." + (10 + i), 20_000 + i, LeaseState.BOUND, 1_000, 1));
    }
    primary.ownLeases(many);
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    awaitNormal(0);
    assertEquals(150, counter(secondary, "failover.sync.leases_received"));
    assertEquals(150, secondary.leases.size());
    assertEquals(0, counter(secondary, "failover.sync.leases_sent"), "nothing echoed back");
    assertEquals(0, counter(primary, "failover.sync.leases_received"));
  }

  private static final org.provisioning.common.alert.AlertType POOL_FULL =
      new org.provisioning.common.alert.AlertType(
          "DHCP_POOL_FULL",
          org.provisioning.common.alert.AlertSeverity.CRITICAL,
          "dhcp",
          "Full.",
          "Add addresses.");

  /** Whether an alert of this event is active on the node. */
  private static boolean alerted(FailoverNode node, String event) {
    return node.alerts.active().stream().anyMatch(a -> a.event().equals(event));
  }

  /** Raised and cleared at once: in the history, no longer active. */
  private static boolean settled(FailoverNode node, String event) {
    return node.alerts.history().stream().anyMatch(a -> a.event().equals(event))
        && !alerted(node, event);
  }

  private static void raisePoolFull(FailoverNode node) {
    node.alerts.raise(POOL_FULL, "dhcp.subnets[0].pools[0]", "100 % used");
  }

  private static org.provisioning.common.alert.Alert poolFull(FailoverNode node) {
    return node.alerts.active().stream()
        .filter(a -> a.event().equals(POOL_FULL.event()))
        .findFirst()
        .orElseThrow();
  }

  private static ConsoleLikeState.User user(String name, long changedAt, String value) {
    return new ConsoleLikeState.User(name, changedAt, value);
  }

  /**
   * Users, audit entries and alert acknowledgements made on the primary before the pair formed are
   * not in any stream: the initial sync's snapshot carries them, the secondary merges them, keeps
   * them across a restart, and sends none of them back.
   */
  @Test
  void aSecondaryPairedLateGetsTheUsersAuditAndAlertAcknowledgementsMadeBefore() throws Exception {
    int failoverPort = FreePorts.failover();
    primaryDoc =
        document(
            1, "127.0.0.1", FreePorts.udp("127.0.0.1"), "primary", "127.0.0.3", failoverPort, 3600);
    secondaryDoc =
        document(2, "127.0.0.3", FreePorts.udp("127.0.0.3"), "secondary", null, failoverPort, 3600);
    primary = new FailoverNode(dir.resolve("primary"), primaryDoc, SECRET);
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.PARTNER_DOWN);
    long t0 = System.currentTimeMillis();
    primary.console.saveUser(user("ada", t0, "admin")).get(5, SECONDS);
    primary.console.audit("ada added by the token").get(5, SECONDS);
    raisePoolFull(primary);
    primary.alerts.acknowledge(poolFull(primary).id(), "noc-alice");

    // The same condition on the secondary, raised before it pairs.
    secondary =
        new FailoverNode(
            dir.resolve("secondary"),
            secondaryDoc,
            SECRET,
            java.time.Clock.systemUTC(),
            PairTest::raisePoolFull);
    awaitNormal(0);
    assertEquals("admin", secondary.console.user("ada").orElseThrow().value());
    assertEquals(java.util.List.of("ada added by the token"), secondary.console.audit());
    assertEquals("noc-alice", poolFull(secondary).acknowledgedBy());
    assertEquals(3, counter(primary, "failover.sync.state_sent"));
    assertEquals(3, counter(secondary, "failover.sync.state_received"));
    assertEquals(3, counter(secondary, "failover.sync.state_merged"));
    assertEquals(0, counter(secondary, "failover.sync.state_sent"), "nothing echoed back");
    assertEquals(java.util.List.of("ada added by the token"), primary.console.audit());

    // Journaled on the secondary as its own records: a restart keeps them.
    secondary.close();
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    awaitNormal(0);
    assertEquals("admin", secondary.console.user("ada").orElseThrow().value());
    assertEquals(java.util.List.of("ada added by the token"), secondary.console.audit());
  }

  /**
   * A primary away while the secondary served: users and audit entries made on the secondary
   * meanwhile reach it even when the secondary's backlog no longer holds them (its failover
   * restarted, so the secondary sends a snapshot). An audit entry the primary held already comes
   * back in that snapshot and is not added twice; of two changes to one user made apart, the later
   * stands on both; what was merged survives the primary's restart.
   */
  @Test
  void aReturningPrimaryLearnsTheUsersAndAuditMadeOnTheSecondaryFromItsSnapshot() throws Exception {
    startNormalPair(600);
    long t0 = System.currentTimeMillis();
    primary.console.saveUser(user("ada", t0, "admin")).get(5, SECONDS);
    primary.console.audit("ada added").get(5, SECONDS);
    await().atMost(5, SECONDS).until(() -> secondary.console.audit().size() == 1);
    await().atMost(5, SECONDS).until(() -> secondary.console.user("ada").isPresent());

    long snapshots = counter(secondary, "failover.syncs.snapshot");
    secondaryServesAlone();
    secondary.console.saveUser(user("ada", t0 + 1_000, "viewer")).get(5, SECONDS);
    secondary.console.saveUser(user("bob", t0 + 1_000, "operator")).get(5, SECONDS);
    secondary.console.audit("bob added on the secondary").get(5, SECONDS);
    primaryReturnsToASecondaryWithAnEmptyBacklog();
    assertTrue(counter(secondary, "failover.syncs.snapshot") > snapshots, "a snapshot was sent");
    assertEquals(4, counter(primary, "failover.sync.state_received"));
    assertEquals(3, counter(primary, "failover.sync.state_merged"), "all but 'ada added'");
    for (FailoverNode node : new FailoverNode[] {primary, secondary}) {
      assertEquals("viewer", node.console.user("ada").orElseThrow().value());
      assertEquals("operator", node.console.user("bob").orElseThrow().value());
      assertEquals(
          java.util.List.of("ada added", "bob added on the secondary"), node.console.audit());
    }

    // Both change ada while apart: the later change stands on both, whichever server made it.
    secondaryServesAlone();
    secondary.console.saveUser(user("ada", t0 + 2_000, "admin")).get(5, SECONDS);
    primary.console.saveUser(user("ada", t0 + 3_000, "operator")).get(5, SECONDS);
    secondary.console.saveUser(user("bob", t0 + 4_000, "viewer")).get(5, SECONDS);
    primaryReturnsToASecondaryWithAnEmptyBacklog();
    for (FailoverNode node : new FailoverNode[] {primary, secondary}) {
      await()
          .atMost(5, SECONDS)
          .until(() -> node.console.user("bob").orElseThrow().value(), "viewer"::equals);
      assertEquals("operator", node.console.user("ada").orElseThrow().value(), "the later change");
    }

    primary.close();
    primary = startPrimary();
    awaitNormal(0);
    assertEquals("viewer", primary.console.user("bob").orElseThrow().value());
    assertEquals(
        java.util.List.of("ada added", "bob added on the secondary"), primary.console.audit());
  }

  /** The primary's failover stops; the secondary takes over. */
  private void secondaryServesAlone() {
    primary.isolate();
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.PARTNER_DOWN);
  }

  /**
   * The secondary's failover starts again (its backlog empty: what it made alone can reach the
   * primary only in a snapshot), then the primary's; waits for NORMAL.
   */
  private void primaryReturnsToASecondaryWithAnEmptyBacklog() throws Exception {
    secondary.isolate();
    secondary.reconnect();
    primary.reconnect();
    awaitNormal(0);
  }

  private static boolean progress(
      org.provisioning.common.control.FailoverStatus.SyncProgress p, String state) {
    return p != null && p.state().equals(state);
  }
}
