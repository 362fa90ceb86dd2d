package org.provisioning.console.alert;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertListener.Change;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/**
 * The text of alert mails, plain and short enough to read on a phone: what happened, where (server,
 * service, object), when, and what to do (the alert type's action). A digest lists every alert of
 * its batch, one line each, then what to do once per kind of alert. Times are UTC (ISO 8601), the
 * same in both servers' mails.
 */
final class AlertMail {
  /** A mail's subject and body. */
  record Text(String subject, String body) {}

  private AlertMail() {}

  /** One alert raised or cleared. */
  static Text single(AlertSender.Delivery delivery) {
    Alert alert = delivery.alert();
    String verb = verb(delivery.change());
    String severity = severity(alert.severity());
    String subject =
        "["
            + alert.server()
            + "] "
            + (delivery.change() == Change.RAISED ? severity.toUpperCase(Locale.ROOT) : verb)
            + " "
            + alert.event()
            + " "
            + alert.object();
    StringBuilder body = new StringBuilder();
    body.append(severity.toUpperCase(Locale.ROOT))
        .append(" alert ")
        .append(verb.toLowerCase(Locale.ROOT))
        .append(" on ")
        .append(alert.server())
        .append(": ")
        .append(alert.event())
        .append("\n\n");
    field(body, "What happened", alert.message());
    field(
        body,
        "Where",
        "server " + alert.server() + ", service " + alert.service() + ", object " + alert.object());
    field(body, "When", when(alert));
    field(
        body,
        "Alert",
        "#" + alert.id() + " (acknowledge with: provisionctl alerts ack " + alert.id() + ")");
    body.append('\n');
    body.append("What it means:\n").append(indent(alert.type().meaning())).append("\n\n");
    body.append(
            delivery.change() == Change.CLEARED
                ? "What to do now that it has cleared (if it comes back):\n"
                : "What to do:\n")
        .append(indent(alert.action()))
        .append('\n');
    return new Text(subject, body.toString());
  }

  /** Several alerts at once, because more mails than the channel's rate allows were due. */
  static Text digest(List<AlertSender.Delivery> batch) {
    String server = batch.get(0).alert().server();
    Map<Change, Integer> byChange = new EnumMap<>(Change.class);
    Map<AlertSeverity, Integer> raisedBySeverity = new EnumMap<>(AlertSeverity.class);
    Map<String, AlertType> types = new LinkedHashMap<>();
    Instant first = null;
    Instant last = null;
    for (AlertSender.Delivery d : batch) {
      byChange.merge(d.change(), 1, Integer::sum);
      if (d.change() == Change.RAISED) {
        raisedBySeverity.merge(d.alert().severity(), 1, Integer::sum);
      }
      types.putIfAbsent(d.alert().event(), d.alert().type());
      Instant at = changedAt(d);
      first = first == null || at.isBefore(first) ? at : first;
      last = last == null || at.isAfter(last) ? at : last;
    }
    StringBuilder summary = new StringBuilder();
    summary.append(batch.size()).append(" alerts");
    if (!raisedBySeverity.isEmpty()) {
      summary.append(": ");
      boolean firstPart = true;
      for (AlertSeverity severity :
          List.of(AlertSeverity.CRITICAL, AlertSeverity.WARNING, AlertSeverity.INFO)) {
        Integer n = raisedBySeverity.get(severity);
        if (n != null) {
          summary.append(firstPart ? "" : ", ").append(n).append(' ').append(severity(severity));
          firstPart = false;
        }
      }
      summary.append(" raised");
    }
    if (byChange.containsKey(Change.CLEARED)) {
      summary
          .append(raisedBySeverity.isEmpty() ? ": " : ", ")
          .append(byChange.get(Change.CLEARED))
          .append(" cleared");
    }
    String subject = "[" + server + "] " + summary;
    StringBuilder body = new StringBuilder();
    body.append(summary)
        .append(" on ")
        .append(server)
        .append(" between ")
        .append(time(first))
        .append(" and ")
        .append(time(last))
        .append(
            ", sent as one digest because more alert mails were due than this channel sends in a"
                + " minute.\n\n");
    for (AlertSender.Delivery d : batch) {
      Alert a = d.alert();
      body.append(time(changedAt(d)))
          .append(' ')
          .append(verb(d.change()))
          .append(' ')
          .append(severity(a.severity()))
          .append(' ')
          .append(a.event())
          .append(" #")
          .append(a.id())
          .append(" service ")
          .append(a.service())
          .append(", object ")
          .append(a.object())
          .append(": ")
          .append(a.message())
          .append('\n');
    }
    body.append("\nWhat to do, by event:\n");
    types.forEach(
        (event, type) ->
            body.append("\n")
                .append(event)
                .append(" (")
                .append(severity(type.severity()))
                .append(", ")
                .append(type.service())
                .append(")\n")
                .append(indent(type.meaning()))
                .append('\n')
                .append(indent(type.action()))
                .append('\n'));
    body.append("\nAcknowledge with: provisionctl alerts ack ID (the #numbers above)\n");
    return new Text(subject, body.toString());
  }

  private static void field(StringBuilder body, String name, String value) {
    body.append(name).append(':').append(" ".repeat(Math.max(1, 14 - name.length())));
    body.append(value).append('\n');
  }

  private static String when(Alert alert) {
    String when = "raised " + time(alert.raisedAt());
    if (alert.repeats() > 0) {
      when += ", again " + alert.repeats() + " times, last " + time(alert.updatedAt());
    }
    if (alert.clearedAt() != null) {
      when += ", cleared " + time(alert.clearedAt());
    }
    return when;
  }

  private static Instant changedAt(AlertSender.Delivery d) {
    return switch (d.change()) {
      case CLEARED -> d.alert().clearedAt() == null ? d.alert().updatedAt() : d.alert().clearedAt();
      case ACKNOWLEDGED ->
          d.alert().acknowledgedAt() == null ? d.alert().updatedAt() : d.alert().acknowledgedAt();
      case RAISED -> d.alert().raisedAt();
      case REMINDED -> d.alert().updatedAt();
    };
  }

  private static String verb(Change change) {
    return change.name();
  }

  private static String severity(AlertSeverity severity) {
    return severity.name().toLowerCase(Locale.ROOT);
  }

  private static String time(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String indent(String text) {
    return "  " + text.replace("\n", "\n  ");
  }
}
