package org.provisioning.console.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.ManagementApi.BadRequestException;
import org.provisioning.console.api.RoutePolicy;

/**
 * {@code GET /api/v1/audit?limit=&actor=&since=}: the newest audit entries first, and {@code GET
 * /api/v1/routes}: every route with the role it needs.
 */
final class AuditRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = AuditLog.DEFAULT_CAPACITY;

  private AuditRoutes() {}

  static void register(ManagementApi api, AuditLog audit, Replies replies) {
    api.route(
        "GET",
        "/audit",
        r -> {
          int limit = limit(r.queryParameter("limit"));
          Instant since = since(r.queryParameter("since"));
          ObjectNode body = replies.object();
          ArrayNode entries = body.putArray("entries");
          for (AuditEntry entry : audit.newest(limit, r.queryParameter("actor"), since)) {
            ObjectNode node = entries.addObject();
            node.put("at", entry.at().toString());
            node.put("server", entry.server());
            node.put("actor", entry.actor());
            node.put("via", entry.via());
            node.put("remote", entry.remote());
            node.put("action", entry.action());
            node.put("status", entry.status());
            node.put("summary", entry.summary());
            ArrayNode detail = node.putArray("detail");
            entry.detail().lines().forEach(detail::add);
          }
          return replies.ok(body);
        });
    api.route(
        "GET",
        "/routes",
        r -> {
          ObjectNode body = replies.object();
          ArrayNode routes = body.putArray("routes");
          for (String route : api.routes()) {
            int space = route.indexOf(' ');
            String method = route.substring(0, space);
            String path = route.substring(space + 1);
            routes
                .addObject()
                .put("method", method)
                .put("path", path)
                .put(
                    "role",
                    RoutePolicy.required(method, path).map(role -> role.lowerCase()).orElse("any"));
          }
          return replies.ok(body);
        });
  }

  private static int limit(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text.strip());
      if (limit < 1) {
        throw new BadRequestException("limit must be at least 1");
      }
      return Math.min(limit, MAX_LIMIT);
    } catch (NumberFormatException e) {
      throw new BadRequestException("limit '" + text + "' is not a number");
    }
  }

  private static Instant since(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new BadRequestException("since '" + text + "' is not a time like 2026-11-26T10:15:30Z");
    }
  }
}
