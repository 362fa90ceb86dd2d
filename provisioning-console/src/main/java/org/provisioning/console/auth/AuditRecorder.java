package org.provisioning.console.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigDiff;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ConfigVersion;
import org.provisioning.console.api.ApiAudit;
import org.provisioning.console.api.ApiHandler;
import org.provisioning.console.api.ApiPrincipal;
import org.provisioning.console.api.ApiRequest;
import org.provisioning.console.api.ApiResponse;
import org.provisioning.console.api.LogText;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.RoutePolicy;

/**
 * Audits every change the API accepts, whatever its route, so that a route added later is audited
 * without anyone remembering to: each request that is not a read and was answered under 400 becomes
 * an {@link AuditEntry}, as does a read of the pairing secret. It shows the query and the fields it
 * was sent (passwords, secrets, tokens and keys masked), and when the running config changed
 * meanwhile (PUT /config, a reload, failover pairing) the diff of the config before and after by
 * config path, secrets masked. The answer leaves once the entry is journaled.
 */
final class AuditRecorder implements ApiAudit {
  private static final String P = ManagementApi.PREFIX;

  /** Logins and logouts are audited by their route, which knows who; checks change nothing. */
  private static final Set<String> NOT_HERE =
      Set.of("POST " + P + "/session", "DELETE " + P + "/session", "POST " + P + "/config/check");

  /** Reads that hand out a secret: who read the pairing secret, and when, is worth knowing. */
  private static final Set<String> AUDITED_READS = Set.of("GET " + P + "/failover/secret");

  private static final Pattern SENSITIVE =
      Pattern.compile("(?i).*(password|secret|token|key|current).*");

  /** The header in which provisionctl names the login that runs it. */
  static final String CLIENT_USER_HEADER = "X-Provisionctl-User";

  private final AuditLog log;
  private final ConfigService config;
  private final Clock clock;
  private final ObjectMapper json;

  AuditRecorder(AuditLog log, ConfigService config, Clock clock, ObjectMapper json) {
    this.log = log;
    this.config = config;
    this.clock = clock;
    this.json = json;
  }

  @Override
  public CompletableFuture<ApiResponse> around(ApiRequest request, ApiHandler handler)
      throws Exception {
    String route = request.method() + " " + request.path();
    if ((RoutePolicy.isRead(request.method()) && !AUDITED_READS.contains(route))
        || NOT_HERE.contains(route)) {
      return handler.handle(request);
    }
    ConfigVersion before = config.current().orElse(null);
    String server = serverName(config);
    return handler
        .handle(request)
        .thenCompose(
            response ->
                response.status() >= 400
                    ? CompletableFuture.completedFuture(response)
                    // Answered once the entry is durable too: no change without its audit.
                    : log.record(entry(server, request, response, before))
                        .handle((r, e) -> response));
  }

  private AuditEntry entry(
      String server, ApiRequest request, ApiResponse response, ConfigVersion before) {
    // The whole document of a config change is its diff; any other change shows what it was sent.
    String fields = request.path().equals(P + "/config") ? "" : fields(request);
    String summary = fields.isEmpty() ? "" : firstLine(fields);
    List<String> detail = new ArrayList<>();
    if (!fields.isEmpty()) {
      detail.add(fields);
    }
    ConfigVersion after = config.current().orElse(null);
    if (before != null && after != null && after.number() != before.number()) {
      // Whatever the route (PUT /config, a reload, failover pairing), a config change shows as
      // the diff of the running config.
      ConfigCodec codec = config.codec();
      List<String> diff =
          ConfigDiff.between(codec.maskedTree(before.config()), codec.maskedTree(after.config()));
      summary =
          (summary.isEmpty() ? "" : summary + "; ")
              + "config version "
              + before.number()
              + " -> "
              + after.number()
              + " ("
              + diff.size()
              + (diff.size() == 1 ? " change)" : " changes)");
      detail.addAll(diff);
    }
    return entry(
        clock,
        server,
        request,
        request.method() + " " + request.path(),
        response.status(),
        summary,
        String.join("\n", detail));
  }

  static AuditEntry entry(
      Clock clock,
      String server,
      ApiRequest request,
      String action,
      int status,
      String summary,
      String detail) {
    ApiPrincipal who = request.principal();
    return new AuditEntry(
        clock.instant(),
        server,
        who == null ? "" : who.name(),
        via(request),
        request.remoteAddress(),
        action,
        status,
        summary,
        detail);
  }

  static String serverName(ConfigService config) {
    return config.current().map(v -> v.config().server().name()).orElse("");
  }

  /** {@code session}, or {@code token} with the login name provisionctl sends, if it does. */
  static String via(ApiRequest request) {
    ApiPrincipal who = request.principal();
    if (who == null) {
      return "";
    }
    String client = request.header(CLIENT_USER_HEADER);
    if (who.viaSession() || client == null) {
      return who.via();
    }
    String clean = client.replaceAll("[^A-Za-z0-9._@-]", "?");
    return who.via()
        + " (provisionctl, login "
        + clean.substring(0, Math.min(64, clean.length()))
        + ")";
  }

  /** The query and the JSON body's fields, secrets masked; a body that is not JSON by size only. */
  private String fields(ApiRequest request) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<String>> parameter : request.query().entrySet()) {
      out.append(out.length() == 0 ? "" : " ")
          .append(parameter.getKey())
          .append('=')
          .append(String.join(",", parameter.getValue()));
    }
    byte[] body = request.body();
    if (body != null && body.length > 0) {
      try {
        JsonNode tree = json.readTree(new String(body, StandardCharsets.UTF_8));
        mask(tree);
        out.append(out.length() == 0 ? "" : " ").append(tree);
      } catch (IOException notJson) {
        out.append(out.length() == 0 ? "" : " ").append("(").append(body.length).append(" octets)");
      }
    }
    // The summary is logged (AUDIT ...) and the detail shown line by line: a query value, or a
    // C1 character JSON leaves as it is, could otherwise forge a line there or drive a terminal.
    return LogText.escape(out.toString());
  }

  private static void mask(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (SENSITIVE.matcher(field.getKey()).matches() && field.getValue().isValueNode()) {
          field.setValue(object.textNode(ConfigCodec.MASK));
        } else {
          mask(field.getValue());
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(AuditRecorder::mask);
    }
  }

  private static String firstLine(String text) {
    String line = text.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
