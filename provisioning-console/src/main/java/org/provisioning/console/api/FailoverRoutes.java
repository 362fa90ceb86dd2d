package org.provisioning.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.control.FailoverControl;
import org.provisioning.common.control.FailoverStatus;

/**
 * {@code /api/v1/failover}: the pair's status, the pairing secret (secondary only), pairing ({@code
 * POST /failover/init {"peer": ..., "secret": ...}}) and the operator's actions ({@code POST
 * /failover/takeover|handback|leave {"cause": ...}}).
 */
public final class FailoverRoutes {
  private FailoverRoutes() {}

  public static void register(ManagementApi api, FailoverControl failover) {
    ObjectMapper json = api.json();
    api.route("GET", "/failover", r -> JsonRoutes.ok(json, statusJson(json, failover.status())));
    api.route(
        "GET",
        "/failover/secret",
        r -> {
          String secret =
              failover
                  .secret()
                  .orElseThrow(
                      () ->
                          new ManagementApi.BadRequestException(
                              "the pairing secret is shown on the secondary only"));
          ObjectNode body = json.createObjectNode();
          body.put("secret", secret);
          return JsonRoutes.ok(json, body);
        });
    api.route(
        "POST",
        "/failover/init",
        r -> {
          JsonNode body = JsonRoutes.body(json, r);
          String peer = body.path("peer").asText(null);
          String secret = body.path("secret").asText(null);
          if (peer == null || secret == null) {
            throw new ManagementApi.BadRequestException("give both 'peer' and 'secret'");
          }
          try {
            failover.init(peer, secret);
          } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ManagementApi.BadRequestException(e.getMessage());
          }
          return JsonRoutes.ok(json, statusJson(json, failover.status()));
        });
    api.route("POST", "/failover/takeover", r -> action(json, failover, r, "takeover"));
    api.route("POST", "/failover/handback", r -> action(json, failover, r, "handback"));
    api.route("POST", "/failover/leave", r -> action(json, failover, r, "leave"));
  }

  private static CompletableFuture<ApiResponse> action(
      ObjectMapper json, FailoverControl failover, ApiRequest r, String what) throws Exception {
    JsonNode body = JsonRoutes.body(json, r);
    // The failover service logs the cause as given (FAILOVER_TAKEOVER cause=...): a line break in
    // it would forge a log line of the client's making.
    String cause = "operator: " + LogText.escape(body.path("cause").asText("via the API"));
    try {
      switch (what) {
        case "takeover" -> failover.takeover(cause);
        case "handback" -> failover.handback(cause);
        default -> failover.leave(cause);
      }
    } catch (IllegalStateException e) {
      throw new ManagementApi.BadRequestException(e.getMessage());
    }
    return JsonRoutes.ok(json, statusJson(json, failover.status()));
  }

  static ObjectNode statusJson(ObjectMapper json, FailoverStatus s) {
    ObjectNode node = json.createObjectNode();
    node.put("role", s.role());
    node.put("state", s.state());
    node.put("serving", s.serving());
    node.put("since", s.since() == null ? null : s.since().toString());
    node.put("partnerAddress", s.partnerAddress());
    node.put("partnerState", s.partnerState());
    node.put("lastHeartbeatAgeMillis", s.lastHeartbeatAgeMillis());
    node.put("recordsSent", s.recordsSent());
    node.put("recordsAcked", s.recordsAcked());
    node.put("recordsPending", s.recordsPending());
    node.put("lagRecords", s.lagRecords());
    node.put("conflicts", s.conflicts());
    node.put("clockSkewMillis", s.clockSkewMillis());
    node.put("lagMillis", s.lagMillis());
    ObjectNode sync = node.putObject("sync");
    putSync(sync, "sending", s.syncSending());
    putSync(sync, "receiving", s.syncReceiving());
    return node;
  }

  private static void putSync(ObjectNode sync, String name, FailoverStatus.SyncProgress p) {
    if (p == null) {
      sync.putNull(name);
      return;
    }
    ObjectNode node = sync.putObject(name);
    node.put("kind", p.kind());
    node.put("done", p.done());
    node.put("total", p.total());
    node.put("resumedFrom", p.resumedFrom());
    node.put("state", p.state());
    node.put("started", p.started() == null ? null : p.started().toString());
  }
}
