package org.provisioning.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigDiff;
import org.provisioning.common.config.ConfigException;
import org.provisioning.common.config.ConfigHistoryEntry;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ConfigVersion;
import org.provisioning.common.config.ProvisioningConfig;

/**
 * The config's history: {@code GET /config/versions} lists the versions kept (newest first, who
 * made each, when, how), {@code GET /config/version?version=N} gives one version's document, {@code
 * GET /config/diff?from=A[&to=B]} compares two (B defaults to the running version) by config path
 * and as a unified line diff of their YAML, and {@code POST /config/rollback {"version": N}}
 * applies a version's document again as a new version, through the checks of any change ({@code
 * If-Match} as for {@code PUT /config}). Secrets are masked in everything these routes show.
 */
public final class ConfigHistoryRoutes {
  private ConfigHistoryRoutes() {}

  static void register(ManagementApi api, ConfigService config) {
    ObjectMapper json = api.json();
    api.route("GET", "/config/versions", r -> JsonRoutes.ok(json, versionsJson(json, config)));
    api.route(
        "GET",
        "/config/version",
        r -> {
          ConfigVersion version = find(config, number(r, "version", null));
          ObjectNode body = entryJson(json.createObjectNode(), version.entry(), config);
          JsonNode masked = config.codec().maskedTree(version.config());
          body.put("yaml", config.codec().toYaml(masked));
          body.set("config", masked);
          return JsonRoutes.ok(json, body);
        });
    api.route(
        "GET",
        "/config/diff",
        r -> {
          long running = config.current().orElseThrow().number();
          ConfigVersion from = find(config, number(r, "from", null));
          ConfigVersion to = find(config, number(r, "to", running));
          ObjectNode body = json.createObjectNode();
          entryJson(body.putObject("from"), from.entry(), config);
          entryJson(body.putObject("to"), to.entry(), config);
          diff(
              body,
              config.codec(),
              "version " + from.number(),
              from.config(),
              "version " + to.number(),
              to.config());
          return JsonRoutes.ok(json, body);
        });
    api.route("POST", "/config/rollback", r -> rollback(api, config, r));
  }

  private static CompletableFuture<ApiResponse> rollback(
      ManagementApi api, ConfigService config, ApiRequest request) throws IOException {
    JsonNode body = JsonRoutes.body(api.json(), request);
    if (!body.path("version").canConvertToLong()) {
      throw new ManagementApi.BadRequestException(
          "give the 'version' to roll back to (a number, from GET /api/v1/config/versions)");
    }
    long number = body.path("version").asLong();
    Long expected = ManagementApi.parseIfMatch(request.ifMatch());
    ApiResponse refused =
        config
            .version(number)
            .map(target -> api.refusedFailoverChange(request, config, target.config()))
            .orElse(null);
    if (refused != null) {
      return CompletableFuture.completedFuture(refused);
    }
    try {
      return config
          .rollback(number, ManagementApi.author(request), expected)
          .thenApply(
              version -> {
                ObjectNode reply = api.json().createObjectNode();
                reply.put("version", version.number());
                reply.put("source", version.source());
                reply.put("restores", version.restores());
                reply.put("changedAt", version.changedAt().toString());
                return new ApiResponse(200, api.bytes(reply));
              });
    } catch (NoSuchElementException e) {
      return CompletableFuture.completedFuture(api.error(404, e.getMessage()));
    } catch (ConfigException e) {
      return CompletableFuture.completedFuture(api.invalid(422, e));
    }
  }

  private static ObjectNode versionsJson(ObjectMapper json, ConfigService config) {
    ObjectNode body = json.createObjectNode();
    body.put("current", config.current().map(ConfigVersion::number).orElse(null));
    body.put("limit", config.historyLimit());
    ArrayNode versions = body.putArray("versions");
    for (ConfigHistoryEntry entry : config.history()) {
      entryJson(versions.addObject(), entry, config);
    }
    return body;
  }

  private static ObjectNode entryJson(ObjectNode node, ConfigHistoryEntry entry, ConfigService c) {
    node.put("version", entry.number());
    node.put("source", entry.source());
    node.put("changedAt", entry.changedAt().toString());
    node.put("author", entry.author());
    node.put("server", entry.server());
    node.put("restores", entry.restores());
    node.put("current", c.current().map(v -> v.number() == entry.number()).orElse(false));
    return node;
  }

  /**
   * Adds what changed from one document to the other: {@code changes}, one per config path (a
   * changed secret named, never shown), and {@code unified}, the unified diff of their YAML with
   * secrets masked.
   */
  static void diff(
      ObjectNode body,
      ConfigCodec codec,
      String fromLabel,
      ProvisioningConfig from,
      String toLabel,
      ProvisioningConfig to) {
    diff(body, codec, fromLabel, from, toLabel, to, ConfigDiff.changes(codec, from, to));
  }

  /** The diff with the changes given (a check's, which hide whether a secret was guessed). */
  static void diff(
      ObjectNode body,
      ConfigCodec codec,
      String fromLabel,
      ProvisioningConfig from,
      String toLabel,
      ProvisioningConfig to,
      List<ConfigDiff.Change> changed) {
    ArrayNode changes = body.putArray("changes");
    for (ConfigDiff.Change change : changed) {
      changes.addObject().put("path", change.path()).put("text", change.line());
    }
    ArrayNode unified = body.putArray("unified");
    List<String> lines =
        UnifiedDiff.of(
            fromLabel,
            toLabel,
            codec.toYaml(codec.maskedTree(from)).lines().toList(),
            codec.toYaml(codec.maskedTree(to)).lines().toList());
    // Only the two header lines: the documents read alike.
    if (lines.size() > 2) {
      lines.forEach(unified::add);
    }
  }

  private static ConfigVersion find(ConfigService config, long number) {
    return config
        .version(number)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "no version "
                        + number
                        + " in the history; GET /api/v1/config/versions lists the "
                        + config.historyLimit()
                        + " kept at most"));
  }

  private static long number(ApiRequest request, String name, Long otherwise) {
    String value = request.queryParameter(name);
    if (value == null || value.isBlank()) {
      if (otherwise != null) {
        return otherwise;
      }
      throw new ManagementApi.BadRequestException(
          "give ?" + name + "= a version number (GET /api/v1/config/versions lists them)");
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new ManagementApi.BadRequestException(
          "?" + name + "=" + value.replaceAll("[^0-9A-Za-z._-]", "?") + " is not a version number");
    }
  }

  /** A version the history does not hold: answered with 404 and this message. */
  static final class NotFoundException extends RuntimeException {
    NotFoundException(String message) {
      super(message);
    }
  }
}
