package org.provisioning.console.alert;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;
import org.provisioning.common.stats.StatisticsRegistry;

class AlertChannelTest {
  private static final AlertType FULL =
      new AlertType("DHCP_POOL_FULL", AlertSeverity.CRITICAL, "dhcp", "Full.", "Add addresses.");
  private static final AlertType INFO =
      new AlertType("FAILOVER_STATE", AlertSeverity.INFO, "failover", "State.", "Nothing.");

  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AlertCenter alerts = new AlertCenter("alpha", Clock.systemUTC(), 10_000);
  private AlertChannel channel;

  @AfterEach
  void close() {
    channel.close();
  }

  private AlertChannel open(AlertChannel.Policy policy, AlertSender sender, Duration window) {
    channel = new AlertChannel("test", policy, sender, 100, stats, window);
    alerts.addListener(channel);
    return channel;
  }

  private long stat(String name) {
    return stats.snapshot().get("alerts.channel.test." + name);
  }

  @Test
  void retriesWithBackoffUntilTheReceiverTakesIt() {
    AtomicInteger attempts = new AtomicInteger();
    List<AlertSender.Delivery> delivered = new CopyOnWriteArrayList<>();
    open(
        new AlertChannel.Policy(AlertSeverity.WARNING, Set.of(), 10, 5, Duration.ofMillis(10)),
        batch -> {
          if (attempts.incrementAndGet() < 3) {
            throw new java.io.IOException("connection refused");
          }
          delivered.addAll(batch);
        },
        Duration.ofMinutes(1));
    alerts.raise(INFO, "pair", "below the channel's severity");
    alerts.raise(FULL, "pool", "100 % used");
    await().atMost(Duration.ofSeconds(10)).until(() -> stat("sent") == 1);
    assertEquals(1, delivered.size());
    assertEquals("DHCP_POOL_FULL", delivered.get(0).alert().event());
    assertEquals(2, stat("failed"));
    assertEquals(2, stat("retried"));
  }

  @Test
  void aDeadReceiverCostsTheCallerNothingAndIsCounted() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    open(
        new AlertChannel.Policy(AlertSeverity.INFO, Set.of(), 10, 1, Duration.ofMillis(1)),
        batch -> {
          hold.await(); // a receiver that hangs
          throw new java.io.IOException("timed out");
        },
        Duration.ofMinutes(1));
    long started = System.nanoTime();
    for (int i = 0; i < 300; i++) {
      alerts.raise(FULL, "pool " + i, "full");
    }
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 2_000);
    assertTrue(stat("dropped") >= 300 - 100 - 1, () -> "dropped " + stat("dropped"));
    hold.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> stat("failed") >= 2);
  }

  @Test
  void closingLetsTheAlertsAlreadyTakenGoOut() {
    List<AlertSender.Delivery> delivered = new CopyOnWriteArrayList<>();
    open(
        new AlertChannel.Policy(AlertSeverity.INFO, Set.of(), 10, 0, Duration.ofMillis(1)),
        batch -> {
          Thread.sleep(200); // an SMTP session
          delivered.addAll(batch);
        },
        Duration.ofMinutes(1));
    alerts.raise(FULL, "journal", "the journal failed; provisiond stops");
    alerts.raise(FULL, "pool", "raised just before the stop too");

    channel.close();

    assertEquals(2, delivered.size(), "the process's last words reach the NOC");
  }

  /**
   * The receiver is down with alerts queued when its config changes (another host, say): the new
   * channel delivers them. They used to be dropped with the old channel, uncounted. A section
   * removed drops them, counted.
   */
  @Test
  void aConfigChangeHandsTheQueuedAlertsToTheNewChannel() throws Exception {
    List<AlertSender.Delivery> delivered = new CopyOnWriteArrayList<>();
    AlertChannel.Policy policy =
        new AlertChannel.Policy(AlertSeverity.INFO, Set.of(), 100, 1, Duration.ofMinutes(1));
    ConfiguredChannel<String> configured =
        new ConfiguredChannel<>(
            "test",
            Set.of(org.provisioning.common.alert.AlertListener.Change.values()),
            host ->
                new AlertChannel(
                    "test",
                    policy,
                    host.equals("down")
                        ? batch -> {
                          throw new java.io.IOException("connection refused");
                        }
                        : delivered::addAll,
                    100,
                    stats,
                    Duration.ofMinutes(1)));
    channel =
        new AlertChannel("unused", policy, delivered::addAll, 1, stats, Duration.ofMinutes(1));
    alerts.addListener(configured);
    configured.apply("down");
    for (int i = 0; i < 5; i++) {
      alerts.raise(FULL, "pool " + i, "full");
    }
    Thread changing = new Thread(() -> configured.apply("up")); // the config listener's thread
    changing.start();
    Thread.sleep(300); // while the old channel lets its last batch finish
    alerts.clear(FULL, "pool 4", "freed"); // reaches the receiver after its raise, still
    changing.join();
    await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() >= 5);
    List<String> seen = delivered.stream().map(d -> d.change() + " " + d.alert().object()).toList();
    assertTrue(seen.contains("RAISED pool 4"), seen.toString());
    assertEquals("CLEARED pool 4", seen.get(seen.size() - 1), seen.toString());

    configured.apply("down");
    alerts.raise(FULL, "pool 5", "full");
    long droppedBefore = stat("dropped");
    configured.close();
    assertTrue(stat("dropped") > droppedBefore, "dropped, counted");
  }

  /**
   * A full queue (a receiver hanging) drops raises, never a clear whose raise went out or is
   * queued: an alert raised and cleared while queued goes whole, else the oldest raise. The newest
   * was dropped, a clear among them, and the manager showed the alert active for good.
   */
  @Test
  void aFullQueueDropsRaisesNotTheClearsOfRaisesSent() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    List<AlertSender.Delivery> delivered = new CopyOnWriteArrayList<>();
    open(
        new AlertChannel.Policy(AlertSeverity.INFO, Set.of(), 1000, 0, Duration.ofMillis(1)),
        batch -> {
          hold.await();
          delivered.addAll(batch);
        },
        Duration.ofMinutes(1));
    alerts.raise(FULL, "pool 0", "full");
    await().atMost(Duration.ofSeconds(5)).until(() -> stat("queue") == 0); // sending, hanging
    for (int i = 1; i <= 100; i++) {
      alerts.raise(FULL, "pool " + i, "full"); // the queue holds 100
    }
    alerts.clear(FULL, "pool 0", "freed"); // its raise went out: the oldest queued raise goes
    alerts.clear(FULL, "pool 5", "freed"); // its raise is queued: both go
    alerts.clear(FULL, "pool 6", "freed"); // there is room
    alerts.raise(FULL, "pool 101", "full"); // pool 6, raised and cleared, goes whole
    long queued = stat("queue");

    hold.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 1 + queued);
    List<String> seen = delivered.stream().map(d -> d.change() + " " + d.alert().object()).toList();
    assertEquals("RAISED pool 0", seen.get(0));
    assertTrue(seen.contains("CLEARED pool 0"), seen.toString());
    assertTrue(seen.contains("RAISED pool 101"), seen.toString());
    for (String gone :
        List.of(
            "RAISED pool 1",
            "RAISED pool 5",
            "CLEARED pool 5",
            "RAISED pool 6",
            "CLEARED pool 6")) {
      assertTrue(!seen.contains(gone), gone + " dropped: " + seen);
    }
    assertEquals(99, queued);
    assertEquals(5, stat("dropped"));
  }

  /**
   * A paced channel (SNMP) past its budget sends one alert at a time at its rate: here 5 per 500
   * ms, so 100 ms apart. The whole queue went out back to back once the budget had room.
   */
  @Test
  void aPacedChannelSendsAStormAtItsRate() {
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    List<Long> sentAt = new CopyOnWriteArrayList<>();
    open(
        new AlertChannel.Policy(AlertSeverity.INFO, Set.of(), 5, 0, Duration.ofMillis(1), true),
        batch -> {
          sentAt.add(System.nanoTime());
          batchSizes.add(batch.size());
        },
        Duration.ofMillis(500));
    for (int i = 0; i < 20; i++) {
      alerts.raise(FULL, "pool " + i, "full");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> batchSizes.stream().mapToInt(Integer::intValue).sum() == 20);
    assertEquals(java.util.Collections.nCopies(20, 1), batchSizes);
    for (int i = 5; i < 20; i++) {
      long gap = Duration.ofNanos(sentAt.get(i) - sentAt.get(i - 1)).toMillis();
      assertTrue(gap >= 95, "send " + i + " only " + gap + " ms after the one before");
    }
  }

  @Test
  void aStormBecomesABoundedNumberOfDigests() {
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    open(
        new AlertChannel.Policy(
            AlertSeverity.INFO, Set.of("DHCP_POOL_FULL"), 3, 0, Duration.ofMillis(1)),
        batch -> batchSizes.add(batch.size()),
        Duration.ofMillis(500));
    for (int i = 0; i < 90; i++) {
      alerts.raise(FULL, "pool " + i, "full");
      alerts.raise(INFO, "pair " + i, "not in the channel's events");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> batchSizes.stream().mapToInt(Integer::intValue).sum() == 90);
    assertTrue(batchSizes.size() <= 6, () -> "deliveries " + batchSizes);
  }
}
