package org.provisioning.common.alert;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The alerts of the process: which conditions are active now, and a bounded history of the ones
 * raised and cleared. Raising an active alert again only updates its message, so a condition that
 * persists (a full pool hit by every DISCOVER) is one alert, not a flood.
 */
public final class AlertCenter {
  private static final Logger log = LoggerFactory.getLogger(AlertCenter.class);

  private final Clock clock;
  private final int historyLimit;
  private final Map<String, Alert> active = new LinkedHashMap<>();
  private final Deque<Alert> history = new ArrayDeque<>();
  private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();

  public AlertCenter(Clock clock, int historyLimit) {
    this.clock = clock;
    this.historyLimit = historyLimit;
  }

  public void addListener(AlertListener listener) {
    listeners.add(listener);
  }

  /** Raises the condition; returns true if it was not already active. */
  public boolean raise(String event, String subject, AlertSeverity severity, String message) {
    Alert alert;
    synchronized (this) {
      Alert previous = active.get(event + "/" + subject);
      if (previous != null) {
        active.put(
            previous.key(),
            new Alert(event, subject, severity, message, previous.raisedAt(), null));
        return false;
      }
      alert = new Alert(event, subject, severity, message, clock.instant(), null);
      active.put(alert.key(), alert);
      remember(alert);
    }
    log.atLevel(severity == AlertSeverity.INFO ? Level.INFO : Level.WARN)
        .log("{} subject={} severity={} {}", event, subject, severity, message);
    listeners.forEach(l -> l.onAlert(alert));
    return true;
  }

  /** Clears the condition if it is active; returns true if it was. */
  public boolean clear(String event, String subject, String message) {
    Alert cleared;
    synchronized (this) {
      Alert previous = active.remove(event + "/" + subject);
      if (previous == null) {
        return false;
      }
      cleared =
          new Alert(
              event, subject, previous.severity(), message, previous.raisedAt(), clock.instant());
      remember(cleared);
    }
    log.info("{}_CLEARED subject={} {}", event, subject, message);
    listeners.forEach(l -> l.onAlert(cleared));
    return true;
  }

  public synchronized List<Alert> active() {
    return List.copyOf(active.values());
  }

  /** Raised and cleared alerts, newest first. */
  public synchronized List<Alert> history() {
    return List.copyOf(new ArrayList<>(history));
  }

  private void remember(Alert alert) {
    history.addFirst(alert);
    while (history.size() > historyLimit) {
      history.removeLast();
    }
  }
}
