package org.provisioning.console.alert;

import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel of one config section ({@code alerts.email}, {@code alerts.syslog}), kept in step
 * with the running config: a changed section replaces the channel (the alerts the old one still
 * holds go to the new one), a removed one closes it (those are dropped, counted). Listens to the
 * alert center once, for as long as the process runs, and passes on only the changes its channel
 * wants (mail: raised and cleared, not acknowledgements).
 *
 * @param <C> the section's config record; null means the channel is off
 */
public final class ConfiguredChannel<C> implements AlertListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfiguredChannel.class);

  private final String name;
  private final Set<Change> changes;
  private final Function<C, AlertChannel> factory;
  private C config;
  private AlertChannel channel; // guarded by this

  /**
   * @param changes the changes the channel is told of
   * @param factory makes the channel of a section; called on every change of it
   */
  public ConfiguredChannel(String name, Set<Change> changes, Function<C, AlertChannel> factory) {
    this.name = name;
    this.changes = Set.copyOf(changes);
    this.factory = factory;
  }

  /** Takes the section as now configured; a section equal to the running one changes nothing. */
  public void apply(C next) {
    AlertChannel previous;
    synchronized (this) {
      if (Objects.equals(config, next) && (next == null) == (channel == null)) {
        return;
      }
      previous = channel;
      AlertChannel successor = next == null ? null : factory.apply(next);
      if (previous != null && successor != null) {
        // What the old one still queues goes to the new one first, in order, before any alert
        // raised from now, and after the batch the old one is still sending: a clear must not
        // reach the receiver ahead of its raise.
        successor.follow(previous);
        previous.takeQueued().forEach(d -> successor.onAlert(d.alert(), d.change()));
      }
      channel = successor;
      config = next;
    }
    if (previous != null) {
      previous.close(); // lets the batch it is sending finish; a section removed drops the rest
    }
    log.info("ALERT_CHANNEL_CONFIGURED channel={} state={}", name, next == null ? "off" : "on");
  }

  @Override
  public void onAlert(Alert alert, Change change) {
    if (!changes.contains(change)) {
      return;
    }
    synchronized (this) { // held only to queue: the handover above must not interleave
      if (channel != null) {
        channel.onAlert(alert, change);
      }
    }
  }

  @Override
  public void close() {
    apply(null);
  }
}
