package org.provisioning.common.alert;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One kind of alert, declared once by the service that raises it: its stable event name (what an
 * operator greps, filters e-mail on, and what the SNMP notification is named after), severity, the
 * service it comes from, what it means and what the operator should do. The alert reference table
 * is made from these declarations.
 *
 * @param event upper-case words joined by '_' ({@code DHCP_POOL_HIGH_WATER_CRITICAL})
 * @param service the service that raises it: dhcp, failover, dns, tftp, tod, bus, alerts...
 * @param meaning what happened, one or two sentences
 * @param action what the operator should do, one or two sentences
 */
public record AlertType(
    String event, AlertSeverity severity, String service, String meaning, String action) {
  private static final Pattern EVENT = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");

  public AlertType {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(meaning, "meaning");
    Objects.requireNonNull(action, "action");
    if (!EVENT.matcher(event).matches()) {
      throw new IllegalArgumentException("alert event '" + event + "' is not UPPER_CASE_WORDS");
    }
    if (meaning.isBlank() || action.isBlank()) {
      throw new IllegalArgumentException("alert " + event + " needs a meaning and an action");
    }
  }
}
