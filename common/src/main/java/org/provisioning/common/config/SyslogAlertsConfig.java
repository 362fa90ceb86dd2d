package org.provisioning.common.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * Alerts as RFC 5424 syslog messages to the operator's collector: the event name is the MSGID, the
 * alert's fields are structured data, the severity maps to the syslog severity (critical: crit,
 * warning: warning, info and cleared: notice).
 *
 * @param host the syslog collector
 * @param port 514 unless given
 * @param protocol {@code udp} (RFC 5426, the default) or {@code tcp} (RFC 6587 octet counting)
 * @param facility {@code local0} (the default) to {@code local7}, {@code daemon}, {@code user}...
 * @param minSeverity {@code info} (the default), {@code warning} or {@code critical}
 * @param events only these event names; empty: every event
 */
public record SyslogAlertsConfig(
    String host,
    Integer port,
    SyslogProtocol protocol,
    String facility,
    String minSeverity,
    List<String> events) {

  /** The facilities of RFC 5424 section 6.2.1, by their usual names, in code order (0-23). */
  public static final List<String> FACILITIES =
      List.of(
          "kern",
          "user",
          "mail",
          "daemon",
          "auth",
          "syslog",
          "lpr",
          "news",
          "uucp",
          "cron",
          "authpriv",
          "ftp",
          "ntp",
          "audit",
          "alert",
          "clock",
          "local0",
          "local1",
          "local2",
          "local3",
          "local4",
          "local5",
          "local6",
          "local7");

  /** How messages travel to the collector. */
  public enum SyslogProtocol {
    UDP,
    TCP;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SyslogAlertsConfig {
    port = port == null ? 514 : port;
    protocol = protocol == null ? SyslogProtocol.UDP : protocol;
    facility = facility == null ? "local0" : facility.toLowerCase(Locale.ROOT);
    minSeverity = minSeverity == null ? "info" : minSeverity.toLowerCase(Locale.ROOT);
    events = events == null ? List.of() : List.copyOf(events);
  }

  /** The facility's code (RFC 5424 section 6.2.1), or -1 if the name is unknown. */
  public int facilityCode() {
    return FACILITIES.indexOf(facility);
  }
}
