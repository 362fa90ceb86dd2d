package org.provisioning.common.alert;

import java.time.Instant;
import java.util.Objects;

/**
 * One condition an operator should know about. {@code event} is a stable name an operator can grep
 * and alert on ({@code DHCP_POOL_HIGH_WATER_CRITICAL}); {@code subject} says which thing it
 * concerns (a pool, the failover partner), so one event can be active for several subjects.
 */
public record Alert(
    String event,
    String subject,
    AlertSeverity severity,
    String message,
    Instant raisedAt,
    Instant clearedAt) {

  public Alert {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(raisedAt, "raisedAt");
  }

  public boolean active() {
    return clearedAt == null;
  }

  /** The identity of the condition: one active alert at most per event and subject. */
  public String key() {
    return event + "/" + subject;
  }
}
