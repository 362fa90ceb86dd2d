package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.dist.DualRelay.Ack;
import org.provisioning.dist.ProvisiondPair.Server;

/**
 * The secondary's wall clock is stepped while the pair serves, as NTP steps a clock at boot
 * (chrony's makestep) or an operator with {@code date -s}: the dead-partner timer must not care.
 * Before it ran on the monotonic clock, a step forward took over from a live primary at the next
 * heartbeat tick, and a step back kept a dead primary "alive" for as long as the step.
 */
class ClockStepIT {
  private static final String PRIMARY = ProvisiondPair.PRIMARY;
  private static final String SECONDARY = ProvisiondPair.SECONDARY;

  @TempDir Path dir;
  private ProvisiondPair pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aSteppedWallClockNeitherTakesOverFromALivePrimaryNorDelaysTakeoverFromAHungOne()
      throws Exception {
    SteppedWallClock wall = new SteppedWallClock(Files.createDirectories(dir.resolve("clock")));
    pair = ProvisiondPair.start(dir, ProvisiondPair.ONE_BIG_POOL, wall.environment());
    Server primary = pair.primary();
    Server secondary = pair.secondary();

    // An hour forward: the primary sees the secondary's clock ahead and says so, nothing else.
    wall.set(Duration.ofHours(1));
    await()
        .atMost(10, SECONDS)
        .until(() -> primary.api("/failover").path("clockSkewMillis").asLong() > 3_590_000);
    await().atMost(5, SECONDS).until(() -> alerted(primary, "FAILOVER_CLOCK_SKEW"));
    long until = System.nanoTime() + SECONDS.toNanos(3); // ten dead-partner timeouts
    while (System.nanoTime() < until) {
      assertEquals("NORMAL", secondary.state(), "no takeover from a live primary");
      assertEquals("NORMAL", primary.state());
      Thread.sleep(100);
    }
    assertEquals(0, counter(secondary, "failover.entered.partner_down"));
    assertEquals(0, counter(primary, "failover.entered.partner_down"));

    // The primary hangs (its sockets stay open) and, at that moment, the secondary's clock is
    // stepped two hours back: it takes over within the timeout all the same.
    try (DualRelay relay = new DualRelay(pair.dhcpPort())) {
      int n = 0;
      Ack before = null;
      while (before == null && n < 20) {
        before = relay.bind(n++, 1_000);
      }
      assertTrue(before != null && before.server().equals(PRIMARY), "the primary serves");
      primary.pause();
      wall.set(Duration.ofHours(-1));
      long lostAt = System.nanoTime();
      Ack fromSecondary = null;
      while (fromSecondary == null && System.nanoTime() - lostAt < SECONDS.toNanos(5)) {
        Ack ack = relay.bind(n++, 500);
        if (ack != null && ack.server().equals(SECONDARY)) {
          fromSecondary = ack;
        }
      }
      assertTrue(fromSecondary != null, "the secondary answered within 5 s of the primary hanging");
      assertEquals("PARTNER_DOWN", secondary.state());
    }
    // Its last heartbeat came before the step (the timer would have judged the silence from then).
    assertTrue(
        secondary.api("/failover").path("clockSkewMillis").asLong() < -3_590_000,
        "the secondary last heard the primary while its own clock was an hour ahead");
  }

  private static boolean alerted(Server server, String event) throws Exception {
    for (var alert : server.api("/alerts").path("active")) {
      if (alert.path("event").asText().equals(event)) {
        return true;
      }
    }
    return false;
  }

  private static long counter(Server server, String name) throws Exception {
    return server.api("/stats?prefix=" + name).path(name).asLong();
  }
}
