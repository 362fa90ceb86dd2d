package org.provisioning.dhcp.failover;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.config.ConfigHistoryEntry;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.testing.FreePorts;

/**
 * The config history of a pair: a secondary that pairs after the primary made its changes gets the
 * primary's history from the sync snapshot, with its own identity in every version, so it can roll
 * back to any of them; a change made afterwards reaches it through the stream.
 */
class ConfigHistoryPairTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

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

  private static long leaseTime(ConfigService config, long version) {
    return config.version(version).orElseThrow().config().dhcp().leaseTime();
  }

  @Test
  void aSecondaryPairedLateGetsThePrimarysHistoryAndCanRollBackToIt() throws Exception {
    int failoverPort = FreePorts.failover();
    String primaryDoc =
        PairTest.document(
            1, "127.0.0.1", FreePorts.udp("127.0.0.1"), "primary", "127.0.0.3", failoverPort, 3600);
    String secondaryDoc =
        PairTest.document(
            2, "127.0.0.3", FreePorts.udp("127.0.0.3"), "secondary", null, failoverPort, 3600);

    // The primary alone: two changes by two operators, then a restart, so that its stream's
    // backlog holds none of them and the secondary must sync from a snapshot.
    primary = new FailoverNode(dir.resolve("primary"), primaryDoc, SECRET);
    primary
        .config
        .applyDocument(primaryDoc.replace("leaseTime: 3600", "leaseTime: 600"), "api", "ada", null)
        .get(5, SECONDS);
    primary
        .config
        .applyDocument(primaryDoc.replace("leaseTime: 3600", "leaseTime: 900"), "api", "bob", null)
        .get(5, SECONDS);
    primary.close();
    primary = new FailoverNode(dir.resolve("primary"), primaryDoc, SECRET);
    assertEquals(3, primary.config.current().orElseThrow().number());

    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    await().atMost(10, SECONDS).until(() -> primary.state() == FailoverState.NORMAL);
    await().atMost(10, SECONDS).until(() -> secondary.state() == FailoverState.NORMAL);
    await()
        .atMost(5, SECONDS)
        .until(() -> secondary.config.current().orElseThrow().config().dhcp().leaseTime() == 900);

    assertTrue(primary.stats.counter("failover.syncs.snapshot").get() >= 1, "synced by snapshot");
    ConfigService onSecondary = secondary.config;
    assertEquals(
        3, onSecondary.current().orElseThrow().number(), "numbered as the primary numbered it");
    List<ConfigHistoryEntry> history = onSecondary.history();
    assertEquals(List.of(3L, 2L, 1L), history.stream().map(ConfigHistoryEntry::number).toList());
    assertEquals("peer-sync", history.get(0).source());
    assertEquals("bob", history.get(0).author(), "who made the version it took");
    assertEquals("ada", history.get(1).author());
    assertEquals("node1", history.get(1).server(), "made on the primary");
    assertEquals(600, leaseTime(onSecondary, 2));
    assertEquals(
        2,
        onSecondary.version(2).orElseThrow().config().server().id(),
        "the secondary's own identity in every version it adopted");

    // The secondary rolls back to a version it adopted: same checks, its identity kept.
    onSecondary.rollback(2, "carol", 3L).get(5, SECONDS);
    assertEquals(600, onSecondary.current().orElseThrow().config().dhcp().leaseTime());
    assertEquals(
        "127.0.0.3", onSecondary.current().orElseThrow().config().dhcp().listen().toString());

    // ... which reaches the primary through the stream, history entry and all.
    await()
        .atMost(5, SECONDS)
        .until(() -> primary.config.current().orElseThrow().config().dhcp().leaseTime() == 600);
    ConfigHistoryEntry back = primary.config.history().get(0);
    assertEquals(4, back.number());
    assertEquals("rollback", back.source());
    assertEquals("carol", back.author());
    assertEquals(2L, back.restores());
    assertTrue(primary.config.history().size() >= 4, primary.config.history().toString());

    // The adopted history is durable on the secondary: a restart replays it from the journal.
    secondary.close();
    secondary = new FailoverNode(dir.resolve("secondary"), secondaryDoc, SECRET);
    assertEquals(
        List.of(4L, 3L, 2L, 1L),
        secondary.config.history().stream().map(ConfigHistoryEntry::number).toList());
    assertEquals(900, leaseTime(secondary.config, 3));
  }
}
