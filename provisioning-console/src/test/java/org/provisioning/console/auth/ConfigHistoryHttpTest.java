package org.provisioning.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiRequest;
import org.provisioning.console.api.ApiResponse;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.Role;
import org.provisioning.console.auth.ConsoleFixture.Browser;

/**
 * The config's history through real HTTP, as the console's configuration screen uses it: versions
 * with who made each, one version's document with its secrets masked, the diff of any two, a
 * preview of a change against the running version, and a rollback that is checked, numbered and
 * audited like any change.
 */
class ConfigHistoryHttpTest {
  private static final String TSIG = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";
  private static final String WITH_DHCP =
      """
      {"server": {"name": "alpha"}, "management": {"maxBodyBytes": 65536},
       "dhcp": {"subnets": [{"subnet": "127.16.0.0/16",
         "pools": [{"name": "modems", "range": "%s"}]}]},
       "dns": {"keys": [{"name": "ddns", "algorithm": "hmac-sha256", "secret": "%s"}]}}
      """;

  @TempDir Path dataDir;
  private ConsoleFixture console;
  private Browser olga;

  @BeforeEach
  void start() throws Exception {
    console = new ConsoleFixture(dataDir, null);
    console.addUser("olga", Role.OPERATOR);
    olga = console.login("olga");
  }

  @AfterEach
  void stop() {
    console.close();
  }

  private HttpResponse<String> putRange(String range) throws Exception {
    console.clock.advance(Duration.ofMinutes(1));
    return console.as(olga, "PUT", "/config", WITH_DHCP.formatted(range, TSIG));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isObject() ? n.path("text").asText() : n.asText()));
    return out;
  }

  @Test
  void versionsListWhoMadeEachWhenAndHowNewestFirst() throws Exception {
    assertEquals(200, putRange("127.16.0.10-127.16.0.50").statusCode());
    assertEquals(
        200,
        console
            .withToken(
                "PUT",
                "/config",
                WITH_DHCP.formatted("127.16.0.10-127.16.0.60", TSIG),
                "X-Provisionctl-User",
                "bob")
            .statusCode());

    JsonNode body = console.body(console.as(olga, "GET", "/config/versions", null));
    assertEquals(3, body.path("current").asLong());
    assertEquals(50, body.path("limit").asInt());
    JsonNode versions = body.path("versions");
    assertEquals(3, versions.size(), body.toString());
    assertEquals(3, versions.get(0).path("version").asLong());
    assertTrue(versions.get(0).path("current").asBoolean());
    assertEquals("api-token (provisionctl, login bob)", versions.get(0).path("author").asText());
    JsonNode byOlga = versions.get(1);
    assertEquals("olga", byOlga.path("author").asText());
    assertEquals("api", byOlga.path("source").asText());
    assertEquals("alpha", byOlga.path("server").asText());
    assertEquals("2026-11-26T10:01:00Z", byOlga.path("changedAt").asText());
    assertFalse(byOlga.path("current").asBoolean());
    assertEquals("file", versions.get(2).path("source").asText());
    assertTrue(versions.get(2).path("author").isNull(), "nobody is known for the file");
  }

  @Test
  void oneVersionsDocumentShowsItsSecretsMasked() throws Exception {
    assertEquals(200, putRange("127.16.0.10-127.16.0.50").statusCode());
    HttpResponse<String> response = console.as(olga, "GET", "/config/version?version=2", null);
    assertEquals(200, response.statusCode(), response.body());
    JsonNode body = console.body(response);
    assertEquals(2, body.path("version").asLong());
    assertEquals(
        "127.16.0.10-127.16.0.50",
        body.at("/config/dhcp/subnets/0/pools/0/range").asText(),
        body.toString());
    assertEquals("********", body.at("/config/dns/keys/0/secret").asText());
    assertTrue(body.path("yaml").asText().contains("range: 127.16.0.10-127.16.0.50"));
    assertFalse(response.body().contains(TSIG), "no secret in any form");

    assertEquals(404, console.as(olga, "GET", "/config/version?version=9", null).statusCode());
    assertEquals(400, console.as(olga, "GET", "/config/version?version=x", null).statusCode());
    assertEquals(400, console.as(olga, "GET", "/config/version", null).statusCode());
  }

  @Test
  void theDiffOfTwoVersionsIsByPathAndAsUnifiedLines() throws Exception {
    assertEquals(200, putRange("127.16.0.10-127.16.0.50").statusCode());
    assertEquals(200, putRange("127.16.0.10-127.16.0.90").statusCode());

    JsonNode body = console.body(console.as(olga, "GET", "/config/diff?from=2&to=3", null));
    assertEquals(2, body.at("/from/version").asLong());
    assertEquals("olga", body.at("/to/author").asText());
    assertEquals(
        List.of(
            "dhcp.subnets[0].pools[0].range: \"127.16.0.10-127.16.0.50\" ->"
                + " \"127.16.0.10-127.16.0.90\""),
        texts(body.path("changes")));
    List<String> unified = texts(body.path("unified"));
    assertEquals("--- version 2", unified.get(0));
    assertEquals("+++ version 3", unified.get(1));
    assertTrue(unified.get(2).matches("@@ -\\d+,7 \\+\\d+,7 @@"), unified.toString());
    assertEquals(
        1, unified.stream().filter(l -> l.equals("-      range: 127.16.0.10-127.16.0.50")).count());
    assertEquals(
        1, unified.stream().filter(l -> l.equals("+      range: 127.16.0.10-127.16.0.90")).count());
    assertEquals(11, unified.size(), "two headers, a hunk header, 3 + 1 + 1 + 3 lines");

    // "to" defaults to the running version; the file's version 1 had no DHCP and no key.
    JsonNode fromFile = console.body(console.as(olga, "GET", "/config/diff?from=1", null));
    assertEquals(3, fromFile.at("/to/version").asLong());
    assertTrue(
        texts(fromFile.path("unified")).contains("+      range: 127.16.0.10-127.16.0.90"),
        fromFile.toString());
    assertFalse(fromFile.toString().contains(TSIG));
    // A version against itself: no change, no lines.
    JsonNode same = console.body(console.as(olga, "GET", "/config/diff?from=3&to=3", null));
    assertEquals(0, same.path("changes").size());
    assertEquals(0, same.path("unified").size());
    assertEquals(404, console.as(olga, "GET", "/config/diff?from=7", null).statusCode());
  }

  /**
   * A check that gives a secret in the clear says it is set, whether it is the running one or not:
   * the line used to be missing exactly when a guess was right, so an operator, who never sees a
   * secret, could try guesses of one, unaudited.
   */
  @Test
  void aCheckDoesNotTellWhetherAGuessOfASecretIsRight() throws Exception {
    assertEquals(200, putRange("127.16.0.10-127.16.0.50").statusCode());
    JsonNode right =
        console.body(
            console.as(
                olga,
                "POST",
                "/config/check",
                WITH_DHCP.formatted("127.16.0.10-127.16.0.50", TSIG)));
    JsonNode wrong =
        console.body(
            console.as(
                olga,
                "POST",
                "/config/check",
                WITH_DHCP.formatted(
                    "127.16.0.10-127.16.0.50", "d3JvbmctZ3Vlc3Mtb2YtdGhlLWtleQ==")));
    assertEquals(texts(right.path("changes")), texts(wrong.path("changes")));
    assertEquals(
        List.of("dns.keys[0].secret: set (secret, not shown)"), texts(right.path("changes")));
  }

  @Test
  void aCheckPreviewsTheChangeAgainstTheRunningVersionOrShowsEachErrorByPath() throws Exception {
    assertEquals(200, putRange("127.16.0.10-127.16.0.50").statusCode());
    long version = console.configVersion();

    HttpResponse<String> reversed =
        console.as(
            olga, "POST", "/config/check", WITH_DHCP.formatted("127.16.0.50-127.16.0.10", TSIG));
    assertEquals(422, reversed.statusCode(), reversed.body());
    JsonNode error = console.body(reversed).path("errors").get(0);
    assertEquals("dhcp.subnets[0].pools[0].range", error.path("path").asText());
    assertFalse(error.path("message").asText().isBlank());

    HttpResponse<String> fine =
        console.as(
            olga,
            "POST",
            "/config/check",
            WITH_DHCP.formatted("127.16.0.10-127.16.0.20", "********"));
    assertEquals(200, fine.statusCode(), fine.body());
    JsonNode preview = console.body(fine);
    assertTrue(preview.path("ok").asBoolean());
    assertEquals(version, preview.path("version").asLong());
    assertEquals(
        List.of(
            "dhcp.subnets[0].pools[0].range: \"127.16.0.10-127.16.0.50\" ->"
                + " \"127.16.0.10-127.16.0.20\""),
        texts(preview.path("changes")),
        "the masked secret stands for the running one: unchanged");
    assertTrue(texts(preview.path("unified")).contains("+      range: 127.16.0.10-127.16.0.20"));
    assertEquals("--- version 2 (running)", texts(preview.path("unified")).get(0));

    // A check refuses what PUT refuses: a field that cannot change while running.
    HttpResponse<String> moved =
        console.as(olga, "POST", "/config/check", "{\"server\": {\"name\": \"alpha\", \"id\": 7}}");
    assertEquals(422, moved.statusCode(), moved.body());
    assertEquals("server.id", console.body(moved).at("/errors/0/path").asText());
    assertEquals(version, console.configVersion(), "a check changes nothing");
  }

  @Test
  void aRollbackIsANewVersionCheckedAndAuditedLikeAnyChange() throws Exception {
    assertEquals(200, putRange("127.16.0.10-127.16.0.50").statusCode());
    assertEquals(200, putRange("127.16.0.10-127.16.0.90").statusCode());
    console.clock.advance(Duration.ofMinutes(1));

    // Against a stale version: refused, nothing changes.
    HttpResponse<String> stale =
        console.send(
            "POST",
            "/config/rollback",
            "{\"version\": 2}",
            "Cookie",
            olga.cookie(),
            "X-CSRF-Token",
            olga.csrf(),
            "If-Match",
            "\"2\"");
    assertEquals(412, stale.statusCode(), stale.body());
    assertEquals(3, console.configVersion());

    HttpResponse<String> back =
        console.send(
            "POST",
            "/config/rollback",
            "{\"version\": 2}",
            "Cookie",
            olga.cookie(),
            "X-CSRF-Token",
            olga.csrf(),
            "If-Match",
            "\"3\"");
    assertEquals(200, back.statusCode(), back.body());
    JsonNode reply = console.body(back);
    assertEquals(4, reply.path("version").asLong());
    assertEquals("rollback", reply.path("source").asText());
    assertEquals(2, reply.path("restores").asLong());

    JsonNode running = console.body(console.as(olga, "GET", "/config", null));
    assertEquals(4, running.path("version").asLong());
    assertEquals(
        "127.16.0.10-127.16.0.50", running.at("/config/dhcp/subnets/0/pools/0/range").asText());
    assertEquals(
        TSIG,
        console.config.current().orElseThrow().config().dns().keys().get(0).secret(),
        "the secret the version held comes back with it");
    JsonNode newest =
        console.body(console.as(olga, "GET", "/config/versions", null)).at("/versions/0");
    assertEquals("olga", newest.path("author").asText());
    assertEquals(2, newest.path("restores").asLong());

    JsonNode audited =
        console.body(console.withToken("GET", "/audit", null)).path("entries").get(0);
    assertEquals("olga", audited.path("actor").asText());
    assertEquals("POST /api/v1/config/rollback", audited.path("action").asText());
    assertEquals(
        "{\"version\":2}; config version 3 -> 4 (1 change)", audited.path("summary").asText());
    assertTrue(
        texts(audited.path("detail"))
            .contains(
                "dhcp.subnets[0].pools[0].range: \"127.16.0.10-127.16.0.90\" ->"
                    + " \"127.16.0.10-127.16.0.50\""),
        audited.toString());

    assertEquals(
        404, console.as(olga, "POST", "/config/rollback", "{\"version\": 99}").statusCode());
    assertEquals(400, console.as(olga, "POST", "/config/rollback", "{}").statusCode());
    assertEquals(4, console.configVersion());
  }

  @Test
  void aViewerReadsTheHistoryButCannotRollBack() throws Exception {
    assertEquals(200, putRange("127.16.0.10-127.16.0.50").statusCode());
    console.addUser("victor", Role.VIEWER);
    Browser victor = console.login("victor");
    assertEquals(200, console.as(victor, "GET", "/config/versions", null).statusCode());
    assertEquals(200, console.as(victor, "GET", "/config/diff?from=1", null).statusCode());
    assertEquals(
        403, console.as(victor, "POST", "/config/rollback", "{\"version\": 1}").statusCode());
    assertEquals(2, console.configVersion());
  }

  @Test
  void theHistorySurvivesARestoreFromSnapshot() throws Exception {
    assertEquals(200, putRange("127.16.0.10-127.16.0.50").statusCode());
    assertEquals(200, putRange("127.16.0.10-127.16.0.90").statusCode());
    String before = console.body(console.as(olga, "GET", "/config/versions", null)).toString();

    // A server that starts from the snapshot alone (its journal tail empty).
    ConfigService restored = new ConfigService(new ConfigCodec(), console.clock);
    restored.restore(console.config.snapshot());
    ManagementApi api =
        new ManagementApi(
            console.token,
            () -> {
              throw new UnsupportedOperationException();
            },
            new StatisticsRegistry(),
            new AlertCenter("alpha", console.clock, 10),
            restored);
    assertEquals(before, console.json.readTree(get(api, "/config/versions")).toString());
    JsonNode diff = console.json.readTree(get(api, "/config/diff?from=2&to=3"));
    assertEquals(1, diff.path("changes").size(), diff.toString());
  }

  private String get(ManagementApi api, String pathAndQuery) throws Exception {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, List<String>> query = new java.util.HashMap<>();
    if (q >= 0) {
      for (String pair : pathAndQuery.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(kv[0], List.of(kv[1]));
      }
    }
    ApiResponse response =
        api.handle(
                new ApiRequest(
                    "GET",
                    ManagementApi.PREFIX + path,
                    query,
                    "Bearer " + console.token.value(),
                    null,
                    new byte[0]))
            .join();
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertEquals(200, response.status(), body);
    return body;
  }
}
