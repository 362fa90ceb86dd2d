package org.provisioning.common.alert;

import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.provisioning.common.io.NumberReservation;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The alerts of the process: which conditions are active now, and a bounded history of the ones
 * raised and cleared. Raising an active alert again only updates its message and count, so a
 * condition that persists (a full pool hit by every DISCOVER) is one alert, not a flood. Every
 * raise, clear and acknowledgement is logged under the event name and passed to the listeners
 * (e-mail, SNMP, the consoles' streams).
 */
public final class AlertCenter {
  private static final Logger log = LoggerFactory.getLogger(AlertCenter.class);

  private volatile String server;
  private final Clock clock;
  private int historyLimit; // guarded by this
  private final Map<String, AlertType> types = new TreeMap<>();
  private final Map<String, Alert> active = new LinkedHashMap<>();

  /**
   * Raised and cleared alerts by id, oldest first: a clear or an acknowledgement replaces its entry
   * in place, where a copy of the whole history (up to a million) was made under the lock.
   */
  private final LinkedHashMap<Long, Alert> history = new LinkedHashMap<>();

  private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Held across a change and the telling of it, so that listeners hear the changes of one alert in
   * the order they were made: told after the state's lock was let go, a raise and a clear made at
   * once on two threads reached a trap receiver or a mail cleared-then-raised, the alert then
   * standing there for good. Queries take only the state's lock, never waiting on a listener.
   */
  private final Object telling = new Object();

  private volatile java.util.function.Consumer<Alert> operatorAcknowledgements = alert -> {};
  private long lastId;

  /** Ids reserved ahead across restarts, or null to number from 1 in memory. */
  private NumberReservation ids;

  /** How many ids one durable reservation covers: one file write per this many alerts. */
  static final int ID_BLOCK = 1000;

  private Counter raised = new Counter();
  private Counter cleared = new Counter();
  private Counter acknowledged = new Counter();

  public AlertCenter(Clock clock, int historyLimit) {
    this("provisiond", clock, historyLimit);
  }

  /**
   * @param server this server's name, carried by every alert it raises
   */
  public AlertCenter(String server, Clock clock, int historyLimit) {
    this.server = server;
    this.clock = clock;
    this.historyLimit = historyLimit;
  }

  public String server() {
    return server;
  }

  /**
   * Takes the running config's server name (carried by alerts raised from now) and history limit
   * (the oldest entries beyond it go): both were read from the config file at start only, so a
   * change through the API was ignored and a restart went back to the file's.
   */
  public synchronized void reconfigure(String server, int historyLimit) {
    this.server = server;
    this.historyLimit = historyLimit;
    trimHistory();
  }

  /**
   * Numbers alerts on from where this server's last run left off, reserving ids in {@code file}
   * ahead of use: the id in an alert's mail or trap ({@code provisionctl alerts ack ID}) then never
   * names another alert after a restart. Call before the first alert is raised.
   *
   * @throws IOException if the file exists but cannot be read, or the first block not written
   */
  public synchronized void keepIdsIn(Path file) throws IOException {
    ids = NumberReservation.open(file, 1, ID_BLOCK, "alert-ids");
    lastId = Math.max(lastId, ids.floor() - 1);
  }

  /** The next id; a raise waits for the disk only if ids outrun the background reservation. */
  private long nextId() {
    long next = lastId + 1;
    if (ids != null) {
      ids.used(next);
    }
    lastId = next;
    return next;
  }

  public void addListener(AlertListener listener) {
    listeners.add(listener);
  }

  public void removeListener(AlertListener listener) {
    listeners.remove(listener);
  }

  /** Declares kinds of alerts (again is harmless; the same event declared otherwise is not). */
  public synchronized void declare(Collection<AlertType> declared) {
    for (AlertType type : declared) {
      AlertType existing = types.putIfAbsent(type.event(), type);
      if (existing != null && !existing.equals(type)) {
        types.put(type.event(), existing);
        throw new IllegalArgumentException("alert " + type.event() + " declared twice, otherwise");
      }
    }
  }

  /** Every declared kind of alert, by event name. */
  public synchronized List<AlertType> types() {
    return List.copyOf(types.values());
  }

  /** The alert center's own statistics. */
  public static final List<StatisticDefinition> STATISTICS =
      List.of(
          counter("alerts.raised", "alerts", "Alerts raised (repeats of an active one aside)."),
          counter("alerts.cleared", "alerts", "Alerts cleared."),
          counter("alerts.acknowledged", "alerts", "Alerts acknowledged by an operator."),
          gauge("alerts.active.{severity}", "alerts", "Alerts active now, by severity."));

  /** Counts alerts raised, cleared and acknowledged, and shows how many are active. */
  public void registerStatistics(StatisticsRegistry registry) {
    registry.declare(STATISTICS);
    raised = registry.counter("alerts.raised");
    cleared = registry.counter("alerts.cleared");
    acknowledged = registry.counter("alerts.acknowledged");
    for (AlertSeverity severity : AlertSeverity.values()) {
      registry.gauge(
          "alerts.active." + severity.name().toLowerCase(Locale.ROOT), () -> activeCount(severity));
    }
  }

  /** Raises the condition; returns true if it was not already active. */
  public boolean raise(AlertType type, String object, String message) {
    synchronized (telling) {
      Alert alert;
      synchronized (this) {
        types.putIfAbsent(type.event(), type);
        Instant now = clock.instant();
        Alert previous = active.get(Alert.key(type.event(), object));
        if (previous != null) {
          Alert again = previous.raisedAgain(message, now);
          active.put(again.key(), again);
          replaceInHistory(again); // else the history showed the first message and count
          return false;
        }
        alert = new Alert(nextId(), type, server, object, message, now, now, 0, null, null, null);
        active.put(alert.key(), alert);
        remember(alert);
      }
      raised.increment();
      log.atLevel(type.severity() == AlertSeverity.INFO ? Level.INFO : Level.WARN)
          .log(
              "{} id={} object={} severity={} {}",
              type.event(),
              alert.id(),
              object,
              type.severity(),
              message);
      tell(alert, AlertListener.Change.RAISED);
      return true;
    }
  }

  /**
   * Tells the listeners again of a condition that is still active (a partner out of contact for
   * hours), with a new message; returns false if it is not active.
   */
  public boolean remind(AlertType type, String object, String message) {
    synchronized (telling) {
      Alert reminded;
      synchronized (this) {
        Alert previous = active.get(Alert.key(type.event(), object));
        if (previous == null) {
          return false;
        }
        reminded = previous.raisedAgain(message, clock.instant());
        active.put(reminded.key(), reminded);
        replaceInHistory(reminded);
      }
      log.atLevel(type.severity() == AlertSeverity.INFO ? Level.INFO : Level.WARN)
          .log("{}_REMINDER id={} object={} {}", type.event(), reminded.id(), object, message);
      tell(reminded, AlertListener.Change.REMINDED);
      return true;
    }
  }

  /** Clears the condition if it is active; returns true if it was. */
  public boolean clear(AlertType type, String object, String message) {
    return clear(type.event(), object, message);
  }

  /** Clears the condition if it is active; returns true if it was. */
  public boolean clear(String event, String object, String message) {
    synchronized (telling) {
      Alert done;
      synchronized (this) {
        Alert previous = active.remove(Alert.key(event, object));
        if (previous == null) {
          return false;
        }
        done = previous.cleared(message, clock.instant());
        replaceInHistory(done);
      }
      cleared.increment();
      log.info("{}_CLEARED id={} object={} {}", event, done.id(), object, message);
      tell(done, AlertListener.Change.CLEARED);
      return true;
    }
  }

  /** Told of every acknowledgement an operator makes here (by id), not of replicated ones. */
  public void onOperatorAcknowledgement(java.util.function.Consumer<Alert> sink) {
    this.operatorAcknowledgements = sink;
  }

  /**
   * Acknowledges an alert, active or in history: an operator has seen it. Returns the alert as
   * acknowledged, or empty if no alert has that id (or it is already acknowledged).
   */
  public Optional<Alert> acknowledge(long id, String by) {
    Optional<Alert> done = acknowledgeOnly(id, by);
    done.ifPresent(operatorAcknowledgements);
    return done;
  }

  private Optional<Alert> acknowledgeOnly(long id, String by) {
    return acknowledgeOnly(id, by, clock.instant());
  }

  private Optional<Alert> acknowledgeOnly(long id, String by, Instant at) {
    synchronized (telling) {
      Alert done;
      synchronized (this) {
        Alert found = find(id);
        if (found == null || found.acknowledged()) {
          return Optional.empty();
        }
        done = found.acknowledged(by, at);
        if (done.active()) {
          active.put(done.key(), done);
        }
        replaceInHistory(done);
      }
      acknowledged.increment();
      log.info("{}_ACKNOWLEDGED id={} object={} by={}", done.event(), id, done.object(), by);
      tell(done, AlertListener.Change.ACKNOWLEDGED);
      return Optional.of(done);
    }
  }

  /**
   * Acknowledges the active alert of that event and object, if any: how an acknowledgement made on
   * the failover partner (where the same condition has its own alert and id) is applied here.
   */
  public Optional<Alert> acknowledge(String event, String object, String by) {
    return acknowledge(event, object, by, clock.instant(), Instant.MAX);
  }

  /**
   * {@link #acknowledge(String, String, String)} as the partner made it, at {@code at}: only if the
   * alert was raised by {@code raisedBy}.
   */
  public Optional<Alert> acknowledge(
      String event, String object, String by, Instant at, Instant raisedBy) {
    Alert match;
    synchronized (this) {
      match = active.get(Alert.key(event, object));
    }
    return match == null || match.raisedAt().isAfter(raisedBy)
        ? Optional.empty()
        : acknowledgeOnly(match.id(), by, at);
  }

  public synchronized List<Alert> active() {
    return List.copyOf(active.values());
  }

  /** Raised and cleared alerts, newest first. */
  public synchronized List<Alert> history() {
    List<Alert> newestFirst = new ArrayList<>(history.values());
    Collections.reverse(newestFirst);
    return List.copyOf(newestFirst);
  }

  public synchronized Optional<Alert> byId(long id) {
    return Optional.ofNullable(find(id));
  }

  private synchronized long activeCount(AlertSeverity severity) {
    return active.values().stream().filter(a -> a.severity() == severity).count();
  }

  private Alert find(long id) {
    for (Alert a : active.values()) {
      if (a.id() == id) {
        return a;
      }
    }
    return history.get(id);
  }

  private void tell(Alert alert, AlertListener.Change change) {
    for (AlertListener listener : listeners) {
      try {
        listener.onAlert(alert, change);
      } catch (RuntimeException e) {
        // A channel's bug must not stop the others, nor the service that raised the alert.
        log.error("ALERT_LISTENER_FAILED listener={} event={}", listener, alert.event(), e);
      }
    }
  }

  /** History holds one entry per alert: its latest state. */
  private void remember(Alert alert) {
    history.put(alert.id(), alert);
    trimHistory();
  }

  private void trimHistory() {
    for (var oldest = history.values().iterator(); history.size() > historyLimit; ) {
      oldest.next();
      oldest.remove();
    }
  }

  private void replaceInHistory(Alert alert) {
    if (history.containsKey(alert.id())) {
      history.put(alert.id(), alert); // keeps its place
    } else {
      remember(alert);
    }
  }
}
