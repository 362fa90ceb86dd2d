package org.provisioning.common.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.stats.StatisticsRegistry;

class AlertCenterTest {
  private static final AlertType LOST =
      new AlertType(
          "FAILOVER_PARTNER_DOWN",
          AlertSeverity.CRITICAL,
          "failover",
          "The partner is out of contact.",
          "Check the partner and the link.");

  private final AlertCenter alerts =
      new AlertCenter(
          "alpha", Clock.fixed(Instant.parse("2026-11-26T00:00:00Z"), ZoneOffset.UTC), 3);
  private final List<String> told = new ArrayList<>();

  AlertCenterTest() {
    alerts.addListener((alert, change) -> told.add(change + " " + alert.id()));
  }

  @Test
  void oneActiveAlertPerEventAndObjectRepeatsUpdateIt() {
    assertTrue(alerts.raise(LOST, "partner 127.0.0.3", "no heartbeat for 300 ms"));
    assertFalse(alerts.raise(LOST, "partner 127.0.0.3", "no heartbeat for 10 s"));
    assertTrue(alerts.raise(LOST, "partner 127.0.0.4", "no heartbeat"));
    Alert first = alerts.active().get(0);
    assertEquals("no heartbeat for 10 s", first.message());
    assertEquals(1, first.repeats());
    assertEquals("alpha", first.server());
    assertEquals("failover", first.service());
    assertEquals(List.of("RAISED 1", "RAISED 2"), told); // repeats are not news

    assertTrue(alerts.clear(LOST, "partner 127.0.0.3", "back"));
    assertFalse(alerts.clear(LOST, "partner 127.0.0.3", "back again"));
    assertEquals(1, alerts.active().size());
    Alert cleared = alerts.byId(1).orElseThrow();
    assertFalse(cleared.active());
    assertEquals("back", cleared.message());
    assertEquals(2, alerts.history().size()); // one entry per alert, its latest state
  }

  @Test
  void idsGoOnAcrossARestartFromTheReservationFile(@TempDir Path dataDir) throws Exception {
    Path file = dataDir.resolve("alert-ids");
    alerts.keepIdsIn(file);
    alerts.raise(LOST, "partner 127.0.0.3", "lost");
    assertEquals(1, alerts.active().get(0).id());
    assertEquals(
        String.valueOf(1 + AlertCenter.ID_BLOCK),
        Files.readString(file).strip(),
        "every id used lies below the reservation");

    AlertCenter restarted = new AlertCenter("alpha", Clock.systemUTC(), 3);
    restarted.keepIdsIn(file);
    restarted.raise(LOST, "partner 127.0.0.3", "lost again");
    assertEquals(AlertCenter.ID_BLOCK + 1, restarted.active().get(0).id(), "never 1 again");

    // Past half the block, the next one is reserved in the background.
    for (int i = 0; i < AlertCenter.ID_BLOCK / 2; i++) {
      restarted.raise(LOST, "partner " + i, "lost");
    }
    org.awaitility.Awaitility.await()
        .until(() -> Long.parseLong(Files.readString(file).strip()) > 2L * AlertCenter.ID_BLOCK);

    Files.writeString(file, "garbage");
    assertThrows(IOException.class, () -> new AlertCenter(Clock.systemUTC(), 3).keepIdsIn(file));
  }

  @Test
  void acknowledgementsByIdOrByEventAndObject() {
    alerts.raise(LOST, "partner", "lost");
    assertEquals("noc", alerts.acknowledge(1, "noc").orElseThrow().acknowledgedBy());
    assertTrue(alerts.acknowledge(1, "someone else").isEmpty());
    assertTrue(alerts.acknowledge(42, "noc").isEmpty());
    alerts.clear(LOST, "partner", "back");
    alerts.raise(LOST, "partner", "lost again");
    // An acknowledgement made on the partner names the condition, not this server's id.
    assertEquals(
        2, alerts.acknowledge("FAILOVER_PARTNER_DOWN", "partner", "peer").orElseThrow().id());
    assertEquals(
        List.of("RAISED 1", "ACKNOWLEDGED 1", "CLEARED 1", "RAISED 2", "ACKNOWLEDGED 2"), told);
  }

  /** A repeat updates the alert in the history too: its message, its count, when. */
  @Test
  void aRepeatShowsInTheHistoryAsInTheActiveList() {
    alerts.raise(LOST, "partner", "lost");
    alerts.raise(LOST, "partner", "lost, still");
    Alert inHistory = alerts.history().get(0);
    assertEquals(alerts.active().get(0), inHistory);
    assertEquals("lost, still", inHistory.message());
    assertEquals(1, inHistory.repeats());
  }

  @Test
  void countsAndBoundsHistory() {
    StatisticsRegistry stats = new StatisticsRegistry();
    alerts.registerStatistics(stats);
    for (int i = 0; i < 5; i++) {
      alerts.raise(LOST, "partner " + i, "lost");
    }
    alerts.clear(LOST, "partner 0", "back");
    assertEquals(5, stats.snapshot().get("alerts.raised"));
    assertEquals(1, stats.snapshot().get("alerts.cleared"));
    assertEquals(4, stats.snapshot().get("alerts.active.critical"));
    assertEquals(3, alerts.history().size());
  }

  /** A config change of the server's name and of the history limit takes effect at once. */
  @Test
  void theServerNameAndHistoryLimitFollowTheRunningConfig() {
    for (int i = 0; i < 3; i++) {
      alerts.raise(LOST, "partner " + i, "lost");
    }
    alerts.reconfigure("beta", 2);
    assertEquals(2, alerts.history().size(), "the oldest beyond the new limit go");
    alerts.raise(LOST, "partner 3", "lost");
    assertEquals("beta", alerts.history().get(0).server());
    assertEquals("beta", alerts.server());
  }

  /**
   * One thread raises a condition while another clears it, over and over: each alert is told raised
   * before cleared, the order the changes were made in. Told after the lock was let go, a clear
   * could overtake its raise, and a manager kept the alert standing.
   */
  @Test
  void listenersHearTheChangesOfAnAlertInTheOrderTheyWereMade() throws Exception {
    AlertCenter center = new AlertCenter("alpha", Clock.systemUTC(), 100);
    java.util.Map<Long, List<AlertListener.Change>> heard =
        new java.util.concurrent.ConcurrentHashMap<>();
    center.addListener(
        (alert, change) -> {
          heard
              .computeIfAbsent(alert.id(), id -> new java.util.concurrent.CopyOnWriteArrayList<>())
              .add(change);
          Thread.onSpinWait(); // a listener that takes a moment widens any window
        });
    Thread raiser =
        new Thread(
            () -> {
              for (int i = 0; i < 20_000; i++) {
                center.raise(LOST, "partner", "lost");
              }
            });
    Thread clearer =
        new Thread(
            () -> {
              for (int i = 0; i < 20_000; i++) {
                center.clear(LOST, "partner", "back");
              }
            });
    raiser.start();
    clearer.start();
    raiser.join();
    clearer.join();
    assertTrue(heard.size() > 1, "raised and cleared many times");
    heard.forEach(
        (id, changes) ->
            assertEquals(
                AlertListener.Change.RAISED, changes.get(0), "alert " + id + ": " + changes));
  }

  @Test
  void aListenerThatThrowsStopsNeitherTheOthersNorTheCaller() {
    alerts.addListener(
        (alert, change) -> {
          throw new IllegalStateException("broken channel");
        });
    List<Long> after = new ArrayList<>();
    alerts.addListener((alert, change) -> after.add(alert.id()));
    assertTrue(alerts.raise(LOST, "partner", "lost"));
    assertEquals(List.of(1L), after);
  }

  @Test
  void typesAreDeclaredOnce() {
    alerts.declare(List.of(LOST, LOST));
    AlertType other =
        new AlertType("FAILOVER_PARTNER_DOWN", AlertSeverity.INFO, "failover", "x.", "y.");
    assertThrows(IllegalArgumentException.class, () -> alerts.declare(List.of(other)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AlertType("partner down", AlertSeverity.INFO, "failover", "x.", "y."));
    assertEquals(List.of(LOST), alerts.types());
  }
}
