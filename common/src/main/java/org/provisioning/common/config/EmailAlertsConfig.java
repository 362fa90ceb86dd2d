package org.provisioning.common.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * Alert mails. Each alert raised or cleared (at or above {@code minSeverity}, of the listed events
 * or of every event) becomes one plain-text mail to every recipient; past {@code maxPerMinute}
 * mails in a minute, the alerts that arrive meanwhile go out together as one digest mail.
 *
 * @param host the SMTP server (the operator's mail relay)
 * @param port 25 for {@code none}, 587 for {@code starttls}, 465 for {@code smtps} unless given
 * @param security {@code starttls} (the default: upgrade to TLS or fail), {@code smtps} (TLS from
 *     the first octet) or {@code none}; the server's certificate is checked against the JVM's trust
 *     store and its name
 * @param username with {@code password}: SMTP authentication; both or neither
 * @param from the sender address
 * @param to the recipients, at least one
 * @param minSeverity {@code info}, {@code warning} (the default) or {@code critical}
 * @param events only these event names (e.g. {@code FAILOVER_PARTNER_DOWN}); empty: every event
 * @param maxPerMinute mails a minute before alerts are batched into digests
 * @param timeoutMillis connect, read and write timeout towards the SMTP server
 */
public record EmailAlertsConfig(
    String host,
    Integer port,
    SmtpSecurity security,
    String username,
    @Secret String password,
    String from,
    List<String> to,
    String minSeverity,
    List<String> events,
    Integer maxPerMinute,
    Integer timeoutMillis) {

  /** How the connection to the SMTP server is protected. */
  public enum SmtpSecurity {
    NONE,
    STARTTLS,
    SMTPS;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public EmailAlertsConfig {
    security = security == null ? SmtpSecurity.STARTTLS : security;
    port =
        port != null
            ? port
            : switch (security) {
              case NONE -> 25;
              case STARTTLS -> 587;
              case SMTPS -> 465;
            };
    to = to == null ? List.of() : List.copyOf(to);
    minSeverity = minSeverity == null ? "warning" : minSeverity.toLowerCase(Locale.ROOT);
    events = events == null ? List.of() : List.copyOf(events);
    maxPerMinute = maxPerMinute == null ? 10 : maxPerMinute;
    timeoutMillis = timeoutMillis == null ? 10_000 : timeoutMillis;
  }

  @Override
  public String toString() {
    return "EmailAlertsConfig[host="
        + host
        + ", port="
        + port
        + ", security="
        + security.label()
        + ", username="
        + username
        + ", password=***, from="
        + from
        + ", to="
        + to
        + ", minSeverity="
        + minSeverity
        + ", events="
        + events
        + ", maxPerMinute="
        + maxPerMinute
        + "]";
  }
}
