package org.provisioning.console.alert;

import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertListener;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery channel (e-mail, SNMP traps, syslog): a filter (minimum severity, event names), a
 * bounded queue and a thread of its own, so that a slow or dead receiver never blocks the service
 * that raised the alert, nor any other channel. Failed deliveries are retried with doubling backoff
 * up to a bound; alerts arriving faster than {@code maxPerMinute} are sent together as one batch (a
 * digest) instead of one each, or, for a paced channel, one at a time at that rate. Full queue:
 * what the receiver misses least is dropped and counted (see {@link #makeRoom}). Counters: {@code
 * alerts.channel.<name>.sent|failed|retried|dropped}, gauge {@code .queue}.
 */
public final class AlertChannel implements AlertListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertChannel.class);

  /** The statistics every channel keeps, labelled with its name. */
  public static final List<org.provisioning.common.stats.StatisticDefinition> STATISTICS =
      List.of(
          counter(
              "alerts.channel.{channel}.sent",
              "deliveries",
              "Deliveries (single alerts or digests) a channel's receiver accepted."),
          counter(
              "alerts.channel.{channel}.failed",
              "attempts",
              "Delivery attempts that failed (receiver down, refused, timed out)."),
          counter(
              "alerts.channel.{channel}.retried",
              "attempts",
              "Delivery attempts made again after a failure."),
          counter(
              "alerts.channel.{channel}.dropped",
              "alerts",
              "Alerts a channel gave up on: its queue was full or every retry failed."),
          gauge(
              "alerts.channel.{channel}.queue", "alerts", "Alerts waiting in a channel's queue."));

  /**
   * What a channel takes and how hard it tries.
   *
   * @param minSeverity alerts below this are not sent
   * @param events if not empty, only these event names are sent
   * @param maxPerMinute past this many deliveries in a minute, queued alerts go out as one digest
   * @param retries attempts after the first before a delivery is given up
   * @param firstBackoff wait before the first retry; doubled each time, at most a minute
   * @param paced past {@code maxPerMinute}, send one alert at a time at that rate instead of a
   *     digest: for receivers that take each alert as a message of its own (SNMP notifications), to
   *     which a digest is the whole queue back to back
   */
  public record Policy(
      AlertSeverity minSeverity,
      Set<String> events,
      int maxPerMinute,
      int retries,
      Duration firstBackoff,
      boolean paced) {

    /** A channel that sends digests past {@code maxPerMinute} (e-mail). */
    public Policy(
        AlertSeverity minSeverity,
        Set<String> events,
        int maxPerMinute,
        int retries,
        Duration firstBackoff) {
      this(minSeverity, events, maxPerMinute, retries, firstBackoff, false);
    }
  }

  private final String name;
  private final Policy policy;
  private final AlertSender sender;
  private final BlockingQueue<AlertSender.Delivery> queue;
  private final Thread thread;
  private final Counter sent;
  private final Counter failed;
  private final Counter retried;
  private final Counter dropped;
  private final long rateWindowNanos;
  private final long[] recentSends;
  private int recentIndex;
  private volatile boolean closed;

  /** Paced, past the budget and with alerts still queued: each waits its share of the window. */
  private boolean pacing;

  /** The thread of the channel this one replaced, until it has stopped (see {@link #follow}). */
  private volatile Thread predecessor;

  /** Alerts taken and not yet delivered or given up: queued or in the sender's hands. */
  private final AtomicInteger pending = new AtomicInteger();

  /** How long {@link #close} lets the alerts taken before it go out. */
  static final Duration CLOSE_DRAIN = Duration.ofSeconds(3);

  public AlertChannel(
      String name, Policy policy, AlertSender sender, int capacity, StatisticsRegistry stats) {
    this(name, policy, sender, capacity, stats, Duration.ofMinutes(1));
  }

  /** With {@code maxPerMinute} counted over another window: tests of storms take less long. */
  AlertChannel(
      String name,
      Policy policy,
      AlertSender sender,
      int capacity,
      StatisticsRegistry stats,
      Duration rateWindow) {
    this.rateWindowNanos = rateWindow.toNanos();
    this.name = name;
    this.policy = policy;
    this.sender = sender;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.recentSends = new long[Math.max(1, policy.maxPerMinute())];
    stats.declare(STATISTICS);
    String prefix = "alerts.channel." + name + ".";
    this.sent = stats.counter(prefix + "sent");
    this.failed = stats.counter(prefix + "failed");
    this.retried = stats.counter(prefix + "retried");
    this.dropped = stats.counter(prefix + "dropped");
    stats.gauge(prefix + "queue", queue::size);
    this.thread = DaemonThreads.create("alerts-" + name, this::run);
    thread.start();
  }

  public String name() {
    return name;
  }

  @Override
  public void onAlert(Alert alert, Change change) {
    if (closed || !wanted(alert)) {
      return;
    }
    AlertSender.Delivery delivery = new AlertSender.Delivery(alert, change);
    pending.incrementAndGet();
    synchronized (queue) { // one caller at a time makes room
      while (!queue.offer(delivery)) {
        if (!makeRoom(delivery)) {
          return;
        }
      }
    }
  }

  /**
   * The queue is full: drops, counted, what the receiver misses least, and returns false if that is
   * {@code incoming}. A clear must not be lost while its raise went out or is queued (the manager
   * would show the alert active for good), so the first to go is an alert whose raise and clear are
   * both queued (the receiver never needs to hear of it), then the oldest raise or reminder, then
   * an acknowledgement, and a clear only when nothing else is left.
   */
  private boolean makeRoom(AlertSender.Delivery incoming) {
    List<AlertSender.Delivery> all = new ArrayList<>(queue);
    all.add(incoming);
    List<AlertSender.Delivery> victims = victims(all);
    for (AlertSender.Delivery victim : victims) { // in queue order: a raise before its clear
      if (victim != incoming && !queue.remove(victim)) {
        return true; // taken for sending meanwhile, so there is room; what follows it must stay
      }
      pending.decrementAndGet();
      dropped.increment();
      log.warn(
          "ALERT_CHANNEL_QUEUE_FULL channel={} dropped={} event={} id={}",
          name,
          victim.change(),
          victim.alert().event(),
          victim.alert().id());
    }
    return victims.stream().noneMatch(v -> v == incoming);
  }

  private static List<AlertSender.Delivery> victims(List<AlertSender.Delivery> all) {
    Map<Long, List<AlertSender.Delivery>> byAlert = new LinkedHashMap<>(); // oldest first
    all.forEach(d -> byAlert.computeIfAbsent(d.alert().id(), id -> new ArrayList<>()).add(d));
    for (List<AlertSender.Delivery> changes : byAlert.values()) {
      if (changes.stream().anyMatch(d -> d.change() == Change.RAISED)
          && changes.stream().anyMatch(d -> d.change() == Change.CLEARED)) {
        return changes; // all of it: a reminder left alone would raise it again (SNMP)
      }
    }
    for (AlertSender.Delivery d : all) {
      if (d.change() == Change.RAISED || d.change() == Change.REMINDED) {
        return List.of(d);
      }
    }
    for (AlertSender.Delivery d : all) {
      if (d.change() == Change.ACKNOWLEDGED) {
        return List.of(d);
      }
    }
    return List.of(all.get(all.size() - 1)); // only clears: the newest, as ever
  }

  private boolean wanted(Alert alert) {
    return alert.severity().compareTo(policy.minSeverity()) >= 0
        && (policy.events().isEmpty() || policy.events().contains(alert.event()));
  }

  private void run() {
    try {
      announce();
    } catch (InterruptedException e) {
      return;
    }
    while (!closed) {
      try {
        if (policy.paced() && (pacing || overRate())) {
          // Until the queue is empty, not only while over the budget: the burst that spent it
          // leaves it at once, and the queue would follow back to back. Waited for before taking
          // the next, so that what waits stays queued (for a successor too).
          pacing = true;
          sleepUntilPaced();
        }
        AlertSender.Delivery first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          pacing = false;
          continue;
        }
        pacing = pacing && !queue.isEmpty();
        List<AlertSender.Delivery> batch = new ArrayList<>();
        batch.add(first);
        try {
          awaitPredecessor();
          if (!policy.paced() && overRate()) {
            // A storm: wait out the minute's budget, then send everything queued meanwhile at once.
            sleepUntilUnderRate();
            queue.drainTo(batch);
          }
          deliver(batch);
        } catch (InterruptedException closing) {
          dropped.add(batch.size()); // taken, and closed before it went out: given up, counted
          throw closing;
        } finally {
          pending.addAndGet(-batch.size());
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The sender's opening notice, before any alert; given up after the policy's retries. */
  private void announce() throws InterruptedException {
    Failure failure = tryWithRetries(sender::opened, false);
    if (failure != null) {
      log.warn(
          "ALERT_CHANNEL_OPENING_NOT_SENT channel={} error={}", name, failure.last().toString());
    }
  }

  private void deliver(List<AlertSender.Delivery> batch) throws InterruptedException {
    Failure failure = tryWithRetries(() -> sender.send(List.copyOf(batch)), true);
    if (failure == null) {
      sent.increment();
      recentSends[recentIndex] = System.nanoTime();
      recentIndex = (recentIndex + 1) % recentSends.length;
      return;
    }
    dropped.add(batch.size());
    log.warn(
        "ALERT_CHANNEL_GAVE_UP channel={} alerts={} attempts={} error={}",
        name,
        batch.size(),
        failure.attempts(),
        failure.last().toString());
  }

  /** What one sending attempt does; it throws when the receiver did not take it. */
  private interface Attempt {
    void run() throws Exception;
  }

  /** An attempt given up: how many times it was made and why the last one failed. */
  private record Failure(int attempts, Exception last) {}

  /**
   * Makes the attempt until it succeeds (null), the policy's retries are spent or the channel
   * closes, waiting a doubling backoff between tries; {@code counted} ones count their failures and
   * retries in the channel's statistics.
   */
  private Failure tryWithRetries(Attempt attempt, boolean counted) throws InterruptedException {
    Duration backoff = policy.firstBackoff();
    for (int tries = 1; ; tries++) {
      try {
        attempt.run();
        return null;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (counted) {
          failed.increment();
        }
        if (tries > policy.retries() || closed) {
          return new Failure(tries, e);
        }
        log.info(
            "ALERT_CHANNEL_RETRY channel={} in={} ms error={}",
            name,
            backoff.toMillis(),
            e.toString());
        TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
        if (counted) {
          retried.increment();
        }
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0
                ? Duration.ofMinutes(1)
                : backoff.multipliedBy(2);
      }
    }
  }

  /** True if maxPerMinute deliveries were made within the last minute (the rate window). */
  private boolean overRate() {
    long oldest = recentSends[recentIndex];
    return oldest != 0 && System.nanoTime() - oldest < rateWindowNanos;
  }

  private void sleepUntilUnderRate() throws InterruptedException {
    long oldest = recentSends[recentIndex];
    long wait = rateWindowNanos - (System.nanoTime() - oldest);
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  /**
   * Pacing: until the budget has room and a 1/maxPerMinute share of the window has passed since the
   * last delivery. Waiting for the budget alone, a storm went out back to back once it had room,
   * faster than a manager's socket buffer takes notifications.
   */
  private void sleepUntilPaced() throws InterruptedException {
    long last = recentSends[(recentIndex + recentSends.length - 1) % recentSends.length];
    long next =
        Math.max(
            recentSends[recentIndex] + rateWindowNanos,
            last + rateWindowNanos / recentSends.length);
    long wait = next - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  /**
   * Makes this channel, which replaces {@code previous} and gets its queue, deliver nothing before
   * {@code previous} has stopped: the batch it is still sending or retrying (an inform in backoff)
   * goes out first, so a clear handed over never reaches the receiver ahead of its raise. Called
   * before the handover, so its first delivery sees it.
   */
  void follow(AlertChannel previous) {
    predecessor = previous.thread;
  }

  private void awaitPredecessor() throws InterruptedException {
    Thread before = predecessor;
    if (before != null) {
      // Bounded as the predecessor's close is: a sender stuck in I/O is left behind.
      before.join(CLOSE_DRAIN.toMillis() + 1_000);
      predecessor = null;
    }
  }

  /**
   * Stops the channel's thread once the alerts it took have gone out, waiting at most {@link
   * #CLOSE_DRAIN}: the alert that says why the process stops (the journal failed) is raised just
   * before it, and closing at once lost it. What is still queued then is not sent: counted as
   * dropped. A sender that holds a socket (SNMP's) is closed with the channel.
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + CLOSE_DRAIN.toNanos();
    try {
      while (pending.get() > 0 && thread.isAlive() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = true;
    thread.interrupt();
    try {
      thread.join(1_000); // it counts the batch it gives up; a sender stuck in I/O is left behind
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<AlertSender.Delivery> left = takeQueued();
    if (!left.isEmpty()) {
      dropped.add(left.size());
      log.warn("ALERT_CHANNEL_CLOSED channel={} dropped={}: still queued", name, left.size());
    }
    if (sender instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("ALERT_CHANNEL_SENDER_CLOSE_FAILED channel={} error={}", name, e.toString());
      }
    }
  }

  /**
   * The alerts queued and not yet taken for sending, taken out in order: a channel replaced by a
   * config change hands them to its successor (see {@link ConfiguredChannel}).
   */
  List<AlertSender.Delivery> takeQueued() {
    List<AlertSender.Delivery> left = new ArrayList<>();
    queue.drainTo(left);
    pending.addAndGet(-left.size());
    return left;
  }
}
