package org.provisioning.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertListener;
import org.provisioning.common.alert.AlertType;

/**
 * {@code /api/v1/alerts}: active alerts and history ({@code ?state=active|cleared|all}),
 * acknowledgement ({@code POST /alerts/ack {"id": 12, "by": "noc-alice"}}) and the reference of
 * every kind of alert ({@code GET /alerts/types}), and a live stream of alert changes for the
 * consoles ({@code GET /alerts/stream}, server-sent events named raised, cleared, acknowledged).
 */
public final class AlertRoutes {
  private AlertRoutes() {}

  public static void register(ManagementApi api, AlertCenter alerts) {
    ObjectMapper json = api.json();
    api.route(
        "GET",
        "/alerts",
        r -> JsonRoutes.ok(json, alertsJson(json, alerts, r.queryParameter("state"))));
    api.route("GET", "/alerts/types", r -> JsonRoutes.ok(json, typesJson(json, alerts.types())));
    api.stream(
        "/alerts/stream",
        sink -> {
          AlertListener listener =
              (alert, change) ->
                  sink.accept(
                      EventStream.frame(
                          change.name().toLowerCase(Locale.ROOT),
                          alertJson(json.createObjectNode(), alert).toString()));
          alerts.addListener(listener);
          return () -> alerts.removeListener(listener);
        });
    api.route(
        "POST",
        "/alerts/ack",
        r -> {
          JsonNode body = JsonRoutes.body(json, r);
          if (!body.path("id").canConvertToLong()) {
            throw new ManagementApi.BadRequestException(
                "give the alert's 'id' (a number, from GET /api/v1/alerts)");
          }
          long id = body.path("id").asLong();
          // A browser session acknowledges as its user; the token's holder says who it is.
          ApiPrincipal who = r.principal();
          String by = who != null && who.viaSession() ? who.name() : body.path("by").asText("api");
          Alert acknowledged =
              alerts
                  .acknowledge(id, by)
                  .orElseThrow(
                      () ->
                          new ManagementApi.BadRequestException(
                              alerts.byId(id).isPresent()
                                  ? "alert " + id + " is already acknowledged"
                                  : "no alert " + id + " (GET /api/v1/alerts lists them)"));
          return JsonRoutes.ok(json, alertJson(json.createObjectNode(), acknowledged));
        });
  }

  static ObjectNode alertsJson(ObjectMapper json, AlertCenter alerts, String state) {
    String which = state == null ? "all" : state.toLowerCase(Locale.ROOT);
    ObjectNode body = json.createObjectNode();
    switch (which) {
      case "active" -> addAlerts(body.putArray("active"), alerts.active());
      case "cleared" ->
          addAlerts(
              body.putArray("history"),
              alerts.history().stream().filter(a -> !a.active()).toList());
      case "all" -> {
        addAlerts(body.putArray("active"), alerts.active());
        addAlerts(body.putArray("history"), alerts.history());
      }
      default ->
          throw new ManagementApi.BadRequestException(
              "state '" + state + "' is not one of active, cleared, all");
    }
    return body;
  }

  private static void addAlerts(ArrayNode array, List<Alert> alerts) {
    for (Alert alert : alerts) {
      alertJson(array.addObject(), alert);
    }
  }

  /** One alert as the API, the consoles' stream and the CLI show it. */
  public static ObjectNode alertJson(ObjectNode node, Alert alert) {
    node.put("id", alert.id());
    node.put("event", alert.event());
    node.put("severity", alert.severity().name().toLowerCase(Locale.ROOT));
    node.put("server", alert.server());
    node.put("service", alert.service());
    node.put("object", alert.object());
    node.put("message", alert.message());
    node.put("action", alert.action());
    node.put("raisedAt", alert.raisedAt().toString());
    node.put("updatedAt", alert.updatedAt().toString());
    node.put("repeats", alert.repeats());
    node.put("clearedAt", text(alert.clearedAt()));
    node.put("acknowledgedBy", alert.acknowledgedBy());
    node.put("acknowledgedAt", text(alert.acknowledgedAt()));
    return node;
  }

  private static ObjectNode typesJson(ObjectMapper json, List<AlertType> types) {
    ObjectNode body = json.createObjectNode();
    ArrayNode array = body.putArray("types");
    for (AlertType type : types) {
      ObjectNode node = array.addObject();
      node.put("event", type.event());
      node.put("severity", type.severity().name().toLowerCase(Locale.ROOT));
      node.put("service", type.service());
      node.put("meaning", type.meaning());
      node.put("action", type.action());
    }
    return body;
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
