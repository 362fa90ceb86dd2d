package org.provisioning.common.alert;

import java.time.Instant;
import java.util.Objects;

/**
 * One condition an operator should know about, as raised on one server. At most one alert is active
 * per event and object; raising it again updates its message and count, clearing it moves it to
 * history.
 *
 * @param id unique on this server, increasing; what {@code provisionctl alerts ack ID} names
 * @param type what kind of alert: event name, severity, service, meaning, what to do
 * @param server the name of the server that raised it ({@code server.name})
 * @param object what it concerns, by config path where there is one ({@code
 *     dhcp.subnets[cm-north].pools[0]}), else a name ({@code failover partner 192.0.2.2})
 * @param message what happened, with the figures
 * @param raisedAt when it was raised
 * @param updatedAt when it was last raised again (equal to raisedAt if never)
 * @param repeats how many times it was raised again while active
 * @param clearedAt when it was cleared, or null while active
 * @param acknowledgedBy who acknowledged it, or null
 * @param acknowledgedAt when, or null
 */
public record Alert(
    long id,
    AlertType type,
    String server,
    String object,
    String message,
    Instant raisedAt,
    Instant updatedAt,
    long repeats,
    Instant clearedAt,
    String acknowledgedBy,
    Instant acknowledgedAt) {

  public Alert {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(raisedAt, "raisedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  public String event() {
    return type.event();
  }

  public AlertSeverity severity() {
    return type.severity();
  }

  public String service() {
    return type.service();
  }

  /** What the operator should do about it. */
  public String action() {
    return type.action();
  }

  public boolean active() {
    return clearedAt == null;
  }

  public boolean acknowledged() {
    return acknowledgedBy != null;
  }

  /** The identity of the condition: one active alert at most per event and object. */
  public String key() {
    return key(type.event(), object);
  }

  static String key(String event, String object) {
    return event + "/" + object;
  }

  Alert raisedAgain(String newMessage, Instant at) {
    return new Alert(
        id,
        type,
        server,
        object,
        newMessage,
        raisedAt,
        at,
        repeats + 1,
        null,
        acknowledgedBy,
        acknowledgedAt);
  }

  Alert cleared(String newMessage, Instant at) {
    return new Alert(
        id,
        type,
        server,
        object,
        newMessage,
        raisedAt,
        updatedAt,
        repeats,
        at,
        acknowledgedBy,
        acknowledgedAt);
  }

  Alert acknowledged(String by, Instant at) {
    return new Alert(
        id, type, server, object, message, raisedAt, updatedAt, repeats, clearedAt, by, at);
  }
}
