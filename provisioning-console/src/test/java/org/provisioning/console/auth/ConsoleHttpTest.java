package org.provisioning.console.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;
import org.provisioning.common.config.TftpConfig;
import org.provisioning.console.api.ApiResponse;
import org.provisioning.console.api.Role;
import org.provisioning.console.api.RoutePolicy;
import org.provisioning.console.auth.ConsoleFixture.Browser;

/**
 * Console users through real HTTP on loopback with the JDK's client: logins and their cookies,
 * sessions that rotate and expire, CSRF refusal, lockout and its alert, roles on every route,
 * security headers on every response, and the audit log.
 */
class ConsoleHttpTest {
  private static final AlertType EXHAUSTED =
      new AlertType("DHCP_POOL_EXHAUSTED", AlertSeverity.CRITICAL, "dhcp", "Full.", "Add some.");

  @TempDir Path dataDir;
  private ConsoleFixture console;

  @BeforeEach
  void start() throws Exception {
    console = new ConsoleFixture(dataDir, null);
  }

  @AfterEach
  void stop() {
    console.close();
  }

  @Test
  void loginSetsAStrictHttpOnlyCookieAndLogoutEndsTheSession() throws Exception {
    console.addUser("alice", Role.OPERATOR);

    HttpResponse<String> login = console.loginAs("alice", ConsoleFixture.PASSWORD, null);
    assertEquals(200, login.statusCode(), login.body());
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.startsWith("provisiond-session="), setCookie);
    List<String> attributes = List.of(setCookie.split(";\\s*"));
    assertTrue(attributes.contains("HttpOnly"), setCookie);
    assertTrue(attributes.contains("SameSite=Strict"), setCookie);
    assertTrue(attributes.contains("Path=/"), setCookie);
    assertFalse(attributes.contains("Secure"), "plain HTTP on loopback: " + setCookie);
    assertFalse(setCookie.contains("Max-Age") || setCookie.contains("Expires"), setCookie);
    JsonNode body = console.body(login);
    assertEquals("operator", body.path("role").asText());
    assertEquals(900, body.path("idleTimeoutSeconds").asLong());
    assertTrue(body.path("csrfToken").asText().length() >= 40, body.toString());

    Browser alice = new Browser(ConsoleFixture.cookieOf(login), body.path("csrfToken").asText());
    JsonNode me = console.body(console.as(alice, "GET", "/session", null));
    assertEquals("alice", me.path("name").asText());
    assertEquals("session", me.path("via").asText());
    assertEquals(alice.csrf(), me.path("csrfToken").asText());

    HttpResponse<String> logout = console.as(alice, "DELETE", "/session", null);
    assertEquals(200, logout.statusCode(), logout.body());
    String cleared = logout.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(
        cleared.startsWith("provisiond-session=;") && cleared.contains("Max-Age=0"), cleared);
    assertEquals(401, console.as(alice, "GET", "/status", null).statusCode());
    assertEquals(0, console.access.sessions().size());
  }

  @Test
  void loginMakesANewSessionAndEndsTheOneTheBrowserHad() throws Exception {
    console.addUser("alice", Role.VIEWER);
    Browser first = console.login("alice");

    HttpResponse<String> again = console.loginAs("alice", ConsoleFixture.PASSWORD, first.cookie());
    assertEquals(200, again.statusCode(), again.body());
    String second = ConsoleFixture.cookieOf(again);
    assertNotEquals(first.cookie(), second);
    assertNotEquals(first.csrf(), console.body(again).path("csrfToken").asText());
    assertEquals(401, console.send("GET", "/status", null, "Cookie", first.cookie()).statusCode());
    assertEquals(200, console.send("GET", "/status", null, "Cookie", second).statusCode());
    assertEquals(1, console.access.sessions().size());
  }

  @Test
  void aSessionIdleForTheTimeoutIsOverAndUseKeepsItAlive() throws Exception {
    console.addUser("alice", Role.VIEWER);
    Browser alice = console.login("alice");

    console.clock.advance(Duration.ofMinutes(14));
    assertEquals(200, console.as(alice, "GET", "/status", null).statusCode());
    console.clock.advance(Duration.ofMinutes(14));
    assertEquals(200, console.as(alice, "GET", "/status", null).statusCode(), "used 14 min ago");
    console.clock.advance(Duration.ofMinutes(15));
    HttpResponse<String> expired = console.as(alice, "GET", "/status", null);
    assertEquals(401, expired.statusCode());
    assertTrue(console.body(expired).path("error").asText().contains("idle"), expired.body());
  }

  /**
   * The pages' refreshes every few seconds, marked as nobody's doing, leave an idle session to time
   * out: they kept every open tab logged in until the session's maximum age.
   */
  @Test
  void thePagesBackgroundRefreshesDoNotKeepAnIdleSessionAlive() throws Exception {
    console.addUser("alice", Role.VIEWER);
    Browser alice = console.login("alice");
    for (int seconds = 5; seconds <= 16 * 60; seconds += 5) {
      console.clock.advance(Duration.ofSeconds(5));
      int status =
          console
              .send(
                  "GET",
                  "/alerts?state=active",
                  null,
                  "Cookie",
                  alice.cookie(),
                  "X-Background",
                  "1")
              .statusCode();
      assertEquals(seconds < 15 * 60 ? 200 : 401, status, "a refresh at " + seconds + " s");
    }
    assertEquals(401, console.as(alice, "GET", "/status", null).statusCode());
  }

  @Test
  void aChangeWithTheCookieButNoCsrfTokenIsRefusedAndChangesNothing() throws Exception {
    console.addUser("alice", Role.OPERATOR);
    Browser alice = console.login("alice");
    String change = "{\"server\": {\"name\": \"beta\"}, \"management\": {\"maxBodyBytes\": 65536}}";
    long version = console.configVersion();

    HttpResponse<String> none =
        console.send(
            "PUT", "/config", change, "Cookie", alice.cookie(), "Content-Type", "application/json");
    assertEquals(403, none.statusCode(), none.body());
    assertTrue(console.body(none).path("error").asText().contains("CSRF"), none.body());
    HttpResponse<String> wrong =
        console.send(
            "PUT", "/config", change, "Cookie", alice.cookie(), "X-CSRF-Token", "forged-token");
    assertEquals(403, wrong.statusCode(), wrong.body());
    HttpResponse<String> otherSessions =
        console.send(
            "PUT",
            "/config",
            change,
            "Cookie",
            alice.cookie(),
            "X-CSRF-Token",
            console.login("alice").csrf());
    assertEquals(
        403, otherSessions.statusCode(), "another session's token: " + otherSessions.body());
    assertEquals(version, console.configVersion());
    assertEquals("alpha", console.config.current().orElseThrow().config().server().name());

    // Reads need no token, and the right token lets the change through.
    assertEquals(200, console.send("GET", "/config", null, "Cookie", alice.cookie()).statusCode());
    HttpResponse<String> right = console.as(alice, "PUT", "/config", change);
    assertEquals(200, right.statusCode(), right.body());
    assertEquals(version + 1, console.configVersion());
  }

  @Test
  void repeatedFailedLoginsSlowDownThenLockTheAccountAndRaiseAnAlert() throws Exception {
    console.addUser("alice", Role.ADMIN);

    HttpResponse<String> first = console.loginAs("alice", "wrong password 1", null);
    assertEquals(401, first.statusCode());
    assertEquals("wrong user name or password", console.body(first).path("error").asText());
    HttpResponse<String> nobody = console.loginAs("mallory", "wrong password 1", null);
    assertEquals(first.body(), nobody.body(), "an unknown name answers like a wrong password");

    HttpResponse<String> second = console.loginAs("alice", "wrong password 2", null);
    assertEquals(401, second.statusCode());
    // Straight after the second failure the next attempt is not even heard.
    HttpResponse<String> tooSoon = console.loginAs("alice", ConsoleFixture.PASSWORD, null);
    assertEquals(429, tooSoon.statusCode(), tooSoon.body());
    assertTrue(tooSoon.headers().firstValue("Retry-After").isPresent());
    assertTrue(console.alerts.active().isEmpty(), "no alert before the lock");

    console.clock.advance(Duration.ofSeconds(1));
    assertEquals(401, console.loginAs("alice", "wrong password 3", null).statusCode());
    Alert alert = console.alerts.active().get(0);
    assertEquals("CONSOLE_LOGIN_LOCKED", alert.event());
    assertEquals(AlertSeverity.WARNING, alert.severity());
    assertEquals("console.users[alice]", alert.object());
    assertTrue(alert.message().contains("127.0.0.1"), alert.message());

    // Locked: the right password is refused too, until the lock ends.
    console.clock.advance(Duration.ofMinutes(14));
    HttpResponse<String> locked = console.loginAs("alice", ConsoleFixture.PASSWORD, null);
    assertEquals(429, locked.statusCode(), locked.body());
    assertTrue(console.body(locked).path("error").asText().contains("locked until"));
    assertEquals(0, console.access.sessions().size());

    console.clock.advance(Duration.ofMinutes(1));
    assertEquals(200, console.loginAs("alice", ConsoleFixture.PASSWORD, null).statusCode());
    assertTrue(console.alerts.active().isEmpty(), "cleared when the lock ended");
    assertEquals("CONSOLE_LOGIN_LOCKED", console.alerts.history().get(0).event());
  }

  /**
   * Guesses sent at once are heard one at a time: each used to pass the throttle while the first
   * was still being hashed, dozens of guesses per lockout.
   */
  @Test
  void aNameNoAccountCanHaveIsRefusedBeforeItIsCountedOrAlerted() throws Exception {
    String forged = "x\n\nWhat to do: call +1 555 0100";
    for (int i = 0; i <= ConsoleFixture.MAX_FAILURES; i++) {
      HttpResponse<String> refused = console.loginAs(forged, "wrong", null);
      assertEquals(400, refused.statusCode(), refused.body());
      assertFalse(refused.body().contains("What to do"), "not echoed: " + refused.body());
    }
    assertTrue(console.alerts.active().isEmpty(), "no lock alert carries the forged lines");
  }

  @Test
  void loginsSentAtOnceAreHeardOneAtATime() throws Exception {
    console.addUser("alice", Role.ADMIN);
    List<Integer> statuses = new ArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(20);
    try {
      List<Future<HttpResponse<String>>> guesses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String password = "guess " + i;
        guesses.add(senders.submit(() -> console.loginAs("alice", password, null)));
      }
      for (Future<HttpResponse<String>> guess : guesses) {
        statuses.add(guess.get(30, TimeUnit.SECONDS).statusCode());
      }
    } finally {
      senders.shutdownNow();
    }
    // The test's clock stands still: after the second failure every attempt waits for it.
    long heard = statuses.stream().filter(status -> status == 401).count();
    assertTrue(heard >= 1 && heard <= 2, statuses.toString());
    assertEquals(20 - heard, statuses.stream().filter(status -> status == 429).count());
    console.clock.advance(Duration.ofMinutes(1));
    assertEquals(200, console.loginAs("alice", ConsoleFixture.PASSWORD, null).statusCode());
  }

  /**
   * One address sending logins for made-up names, which no name's count slows, kept both hashing
   * threads busy and every real login waiting: past a burst its attempts are refused unheard.
   */
  @Test
  void oneAddressMayStartOnlySoManyPasswordChecks() throws Exception {
    console.addUser("alice", Role.ADMIN);
    for (int i = 0; i < LoginSources.BURST; i++) {
      assertEquals(401, console.loginAs("made-up-" + i, "some password", null).statusCode());
    }
    HttpResponse<String> refused = console.loginAs("made-up-x", "some password", null);
    assertEquals(429, refused.statusCode(), refused.body());
    assertEquals("2", refused.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(refused.body().contains("from this address"), refused.body());
    assertEquals(
        429, console.loginAs("alice", ConsoleFixture.PASSWORD, null).statusCode(), "same address");

    console.clock.advance(LoginSources.REFILL);
    assertEquals(200, console.loginAs("alice", ConsoleFixture.PASSWORD, null).statusCode());
    assertEquals("127.0.0.1", LoginSources.host("127.0.0.1:4242"));
    assertEquals("[::1]", LoginSources.host("[::1]:4242"));
  }

  /** A wrong password for an account is in the audit log; a name that is no account is not. */
  @Test
  void failedLoginsOfAccountsAreAudited() throws Exception {
    console.addUser("alice", Role.ADMIN);
    assertEquals(401, console.loginAs("alice", "s3cr3t-guess", null).statusCode());
    assertEquals(401, console.loginAs("mallory", "s3cr3t-guess", null).statusCode());
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () ->
                console.body(console.withToken("GET", "/audit", null)).path("entries").size() == 1);
    JsonNode entry = console.body(console.withToken("GET", "/audit", null)).path("entries").get(0);
    assertEquals("login failed", entry.path("action").asText());
    assertEquals("alice", entry.path("actor").asText());
    assertEquals(401, entry.path("status").asInt());
    assertFalse(entry.toString().contains("s3cr3t-guess"), "never the password tried");
  }

  @Test
  void anAdminUnlocksAnAccountBySettingANewPassword() throws Exception {
    console.addUser("alice", Role.OPERATOR);
    for (int i = 0; i < ConsoleFixture.MAX_FAILURES; i++) {
      console.clock.advance(Duration.ofSeconds(1));
      console.loginAs("alice", "wrong password " + i, null);
    }
    assertEquals(1, console.alerts.active().size());
    HttpResponse<String> reset =
        console.withToken(
            "PUT", "/users", "{\"name\": \"alice\", \"password\": \"a brand new password\"}");
    assertEquals(200, reset.statusCode(), reset.body());
    assertEquals(200, console.loginAs("alice", "a brand new password", null).statusCode());
    assertTrue(console.alerts.active().isEmpty());
  }

  @Test
  void aViewerGets403FromEveryChangingRouteAndNothingChanges() throws Exception {
    console.addUser("victor", Role.VIEWER);
    Browser victor = console.login("victor");
    console.alerts.raise(EXHAUSTED, "dhcp.subnets[0]", "full");
    long alertId = console.alerts.active().get(0).id();
    long version = console.configVersion();
    int journaled = console.journal.size();

    Set<String> routes = console.api.routes();
    assertTrue(
        routes.containsAll(
            Set.of(
                "PUT /api/v1/config",
                "POST /api/v1/alerts/ack",
                "POST /api/v1/failover/init",
                "POST /api/v1/failover/takeover",
                "POST /api/v1/failover/handback",
                "POST /api/v1/failover/leave",
                "POST /api/v1/users",
                "PUT /api/v1/users",
                "DELETE /api/v1/users")),
        routes.toString());
    List<String> tried = new ArrayList<>();
    for (String route : routes) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1);
      if (RoutePolicy.isRead(method)
          || RoutePolicy.required(method, path).isEmpty()
          || RoutePolicy.isSelfService(method, path)) {
        continue;
      }
      String body = bodyFor(path, alertId);
      HttpResponse<String> refused =
          console.as(victor, method, path.substring("/api/v1".length()), body);
      assertEquals(403, refused.statusCode(), route + ": " + refused.body());
      assertTrue(
          console.body(refused).path("error").asText().contains("(viewer) may not"),
          refused.body());
      tried.add(route);
    }
    assertTrue(tried.size() >= 10, tried.toString());

    assertEquals(version, console.configVersion());
    assertEquals(0, console.serviceCalls.get(), "no service was called");
    assertEquals(null, console.alerts.byId(alertId).orElseThrow().acknowledgedBy());
    assertEquals(
        List.of("victor"), console.access.users().list().stream().map(u -> u.name()).toList());
    assertEquals(journaled, console.journal.size(), "nothing journaled");
    // And the secrets a viewer may not read either.
    assertEquals(403, console.as(victor, "GET", "/failover/secret", null).statusCode());
    assertEquals(403, console.as(victor, "GET", "/users", null).statusCode());
    assertEquals(200, console.as(victor, "GET", "/config", null).statusCode());
    // Nor a modem's file signed with the CMTS secret, which a modem could be loaded with.
    assertEquals(
        403, console.as(victor, "GET", "/tftp/render?mac=02:00:00:00:00:01", null).statusCode());
    assertEquals(0, console.serviceCalls.get(), "nothing rendered");
    console.addUser("olga", Role.OPERATOR);
    assertEquals(
        200,
        console
            .as(console.login("olga"), "GET", "/tftp/render?mac=02:00:00:00:00:01", null)
            .statusCode());
  }

  /** A body each changing route would accept from a role allowed to send it. */
  private static String bodyFor(String path, long alertId) {
    return switch (path) {
      case "/api/v1/config", "/api/v1/config/check" -> "{\"server\": {\"name\": \"beta\"}}";
      case "/api/v1/alerts/ack" -> "{\"id\": " + alertId + "}";
      case "/api/v1/failover/init" -> "{\"peer\": \"127.0.0.2\", \"secret\": \"s\"}";
      case "/api/v1/users" ->
          "{\"name\": \"mallory\", \"role\": \"admin\", \"password\": \"mallory's password\"}";
      default -> "{}";
    };
  }

  @Test
  void aRouteAddedLaterNeedsAnOperatorToChangeAnything() throws Exception {
    console.api.route(
        "POST",
        "/leases/release",
        r -> CompletableFuture.completedFuture(new ApiResponse(200, "{}".getBytes())));
    console.addUser("victor", Role.VIEWER);
    console.addUser("olga", Role.OPERATOR);
    assertEquals(
        403, console.as(console.login("victor"), "POST", "/leases/release", "{}").statusCode());
    assertEquals(
        200, console.as(console.login("olga"), "POST", "/leases/release", "{}").statusCode());
  }

  /**
   * The failover settings are the admin's through the config routes too: an operator's PUT that
   * would unpair the server, or point it at another peer, and a rollback to a version from before
   * the pairing, are refused (403), as /failover/leave and /failover/init are. They were applied.
   */
  @Test
  void anOperatorCannotChangeFailoverThroughTheConfig() throws Exception {
    assertEquals(
        200,
        console
            .withToken(
                "POST",
                "/failover/init",
                "{\"peer\": \"127.0.0.2\", \"secret\": \"a-pairing-secret-of-16+\"}")
            .statusCode());
    long paired = console.config.current().orElseThrow().number();
    console.addUser("olga", Role.OPERATOR);
    Browser olga = console.login("olga");
    String unpaired =
        "{\"server\": {\"name\": \"alpha\"}, \"management\": {\"maxBodyBytes\": 65536}}";
    HttpResponse<String> leave = console.as(olga, "PUT", "/config", unpaired);
    assertEquals(403, leave.statusCode(), leave.body());
    assertTrue(leave.body().contains("needs the admin role"), leave.body());
    String elsewhere =
        "{\"server\": {\"name\": \"alpha\"}, \"management\": {\"maxBodyBytes\": 65536},"
            + " \"failover\": {\"role\": \"primary\", \"peer\": \"127.0.0.9\"}}";
    assertEquals(403, console.as(olga, "PUT", "/config", elsewhere).statusCode());
    assertEquals(
        403, console.as(olga, "POST", "/config/rollback", "{\"version\": 1}").statusCode());
    assertEquals(paired, console.config.current().orElseThrow().number(), "nothing applied");

    String renamed =
        "{\"server\": {\"name\": \"beta\"}, \"management\": {\"maxBodyBytes\": 65536},"
            + " \"failover\": {\"role\": \"primary\", \"peer\": \"127.0.0.2\"}}";
    assertEquals(200, console.as(olga, "PUT", "/config", renamed).statusCode(), "the rest is hers");
    assertEquals(200, console.withToken("PUT", "/config", unpaired).statusCode(), "an admin's");
  }

  @Test
  void anOperatorChangesConfigButNotUsersNorFailover() throws Exception {
    console.addUser("olga", Role.OPERATOR);
    Browser olga = console.login("olga");
    assertEquals(
        200,
        console
            .as(
                olga,
                "PUT",
                "/config",
                "{\"server\": {\"name\": \"beta\"}, \"management\": {\"maxBodyBytes\": 65536}}")
            .statusCode());
    assertEquals(403, console.as(olga, "POST", "/failover/takeover", "{}").statusCode());
    assertEquals(403, console.as(olga, "GET", "/users", null).statusCode());
    assertEquals(
        403,
        console
            .as(olga, "PUT", "/users", "{\"name\": \"olga\", \"role\": \"admin\"}")
            .statusCode());
    assertEquals(0, console.serviceCalls.get());
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    ch.qos.logback.classic.Logger guardLog =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ConsoleGuard.class);
    ch.qos.logback.classic.Level level = guardLog.getLevel();
    guardLog.setLevel(ch.qos.logback.classic.Level.INFO);
    guardLog.addAppender(logged);
    logged.start();
    HttpResponse<String> odd;
    try {
      odd = console.as(olga, "POST", "/users/%22%0A%5C", "{}");
    } finally {
      guardLog.detachAppender(logged);
      guardLog.setLevel(level);
    }
    assertEquals(403, odd.statusCode());
    assertTrue(
        console.body(odd).path("error").asText().contains("/users/\"\n\\"), "JSON: " + odd.body());
    // In the log the line break is written out: it cannot start a forged line (an AUDIT one).
    assertEquals(1, logged.list.size());
    String line = logged.list.get(0).getFormattedMessage();
    assertFalse(line.contains("\n") || line.contains("\r"), line);
    assertTrue(line.contains("/users/\"\\u000a\\"), line);
    console.addUser("ada", Role.ADMIN);
    assertEquals(
        200, console.as(console.login("ada"), "POST", "/failover/takeover", "{}").statusCode());
    assertEquals(1, console.serviceCalls.get());
  }

  @Test
  void theApiCannotSetWhatReachesTheMachineNorMoveItsOwnListener() throws Exception {
    console.addUser("olga", Role.OPERATOR);
    Browser olga = console.login("olga");
    long version = console.configVersion();
    String change =
        """
        {"server": {"name": "alpha"}, "management": {"maxBodyBytes": 65536, "port": 9000},
         "tod": {"enabled": true, "requireSync": true, "syncCommand": ["sh", "-c", "id"]},
         "tftp": {"enabled": true, "root": "data", "writeRoot": "uploads",
                  "docsis": {"sharedSecret": "s3cret",
                             "files": [{"pattern": "x.cfg", "template": "data/api-token"}]}}}
        """;

    HttpResponse<String> refused = console.as(olga, "PUT", "/config", change);
    assertEquals(422, refused.statusCode(), refused.body());
    List<String> paths = new ArrayList<>();
    console.body(refused).path("errors").forEach(error -> paths.add(error.path("path").asText()));
    assertEquals(
        List.of(
            "management.port",
            "tod.syncCommand",
            "tftp.root",
            "tftp.writeRoot",
            "tftp.docsis.files[0].template"),
        paths);
    HttpResponse<String> checked = console.as(olga, "POST", "/config/check", change);
    assertEquals(422, checked.statusCode(), "the preview says so too: " + checked.body());
    assertEquals(version, console.configVersion());
    assertEquals(
        TftpConfig.DEFAULT_ROOT, console.config.current().orElseThrow().config().tftp().root());
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() throws Exception {
    console.addUser("victor", Role.VIEWER);
    Browser victor = console.login("victor");
    Map<String, HttpResponse<String>> responses = new java.util.LinkedHashMap<>();
    responses.put("200", console.withToken("GET", "/status", null));
    responses.put("401", console.send("GET", "/status", null));
    responses.put("403", console.as(victor, "PUT", "/config", "{}"));
    responses.put("404", console.withToken("GET", "/nothing-here", null));
    responses.put("405", console.withToken("PATCH", "/status", "{}"));
    responses.put("415", console.send("POST", "/session", "name=a&password=b"));
    responses.put("413", console.withToken("PUT", "/config", "x".repeat(70_000)));
    responses.put("login", console.loginAs("victor", ConsoleFixture.PASSWORD, null));
    for (var entry : responses.entrySet()) {
      HttpResponse<String> response = entry.getValue();
      String what = entry.getKey() + " (" + response.statusCode() + ")";
      var headers = response.headers();
      String csp = headers.firstValue("Content-Security-Policy").orElse("");
      assertTrue(csp.contains("default-src 'self'"), what + ": " + csp);
      assertTrue(csp.contains("script-src 'self'"), what + ": " + csp);
      assertTrue(csp.contains("frame-ancestors 'none'"), what + ": " + csp);
      assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), what + ": " + csp);
      assertEquals("DENY", headers.firstValue("X-Frame-Options").orElse(""), what);
      assertEquals("nosniff", headers.firstValue("X-Content-Type-Options").orElse(""), what);
      assertEquals("no-referrer", headers.firstValue("Referrer-Policy").orElse(""), what);
    }
    assertEquals(413, responses.get("413").statusCode());

    HttpResponse<java.util.stream.Stream<String>> stream =
        console.http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(console.base + "/alerts/stream"))
                .header("Cookie", victor.cookie())
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, stream.statusCode());
    assertEquals("DENY", stream.headers().firstValue("X-Frame-Options").orElse(""));
    assertTrue(stream.headers().firstValue("Content-Security-Policy").isPresent());
    stream.body().close();
  }

  /**
   * An alert stream lives only as long as its session: after the logout the next alert closes it
   * instead of reaching a browser that no longer has a session. And one address holds at most
   * eight, so one browser's tabs cannot take every other console's slot.
   */
  @Test
  void anAlertStreamEndsWithItsSessionAndOneAddressHoldsAFew() throws Exception {
    console.addUser("victor", Role.VIEWER);
    Browser victor = console.login("victor");
    HttpResponse<java.util.stream.Stream<String>> stream = stream(victor);
    assertEquals(200, stream.statusCode());
    assertEquals(200, console.as(victor, "DELETE", "/session", null).statusCode());
    console.alerts.raise(EXHAUSTED, "dhcp.subnets[0]", "no free address");
    String after = untilClosed(stream);
    assertFalse(after.contains("DHCP_POOL_EXHAUSTED"), after);

    Browser again = console.login("victor");
    List<HttpResponse<java.util.stream.Stream<String>>> open = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        open.add(stream(again));
        assertEquals(200, open.get(i).statusCode());
      }
      assertEquals(503, stream(again).statusCode(), "the ninth from one address");
    } finally {
      open.forEach(response -> response.body().close());
    }
  }

  @Test
  void anOpenAlertStreamDoesNotKeepAnIdleSessionAlive() throws Exception {
    console.addUser("victor", Role.VIEWER);
    Browser victor = console.login("victor");
    HttpResponse<java.util.stream.Stream<String>> stream = stream(victor);
    assertEquals(200, stream.statusCode());

    console.clock.advance(Duration.ofMinutes(14));
    console.alerts.raise(EXHAUSTED, "dhcp.subnets[0]", "first, while the session lives");
    console.clock.advance(Duration.ofMinutes(14)); // 28 min since the user last did anything
    console.alerts.raise(EXHAUSTED, "dhcp.subnets[1]", "second, after the idle timeout");

    String received = untilClosed(stream);
    assertTrue(received.contains("first, while the session lives"), received);
    assertFalse(received.contains("second"), received);
    assertEquals(401, console.as(victor, "GET", "/status", null).statusCode());
  }

  /** What an event stream sends until the server ends it (within 10 s). */
  private static String untilClosed(HttpResponse<java.util.stream.Stream<String>> stream)
      throws Exception {
    List<String> lines = new ArrayList<>();
    CompletableFuture.runAsync(
            () -> {
              try {
                stream.body().forEach(lines::add);
              } catch (java.io.UncheckedIOException closedByTheServer) {
                // the stream ends: what came before it is all there is
              }
            })
        .get(10, TimeUnit.SECONDS);
    return String.join("\n", lines);
  }

  private HttpResponse<java.util.stream.Stream<String>> stream(Browser browser) throws Exception {
    return console.http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(console.base + "/alerts/stream"))
            .header("Cookie", browser.cookie())
            .build(),
        HttpResponse.BodyHandlers.ofLines());
  }

  @Test
  void aConfigChangeIsAuditedWithWhoWhenWhereAndTheDiff() throws Exception {
    console.addUser("olga", Role.OPERATOR);
    Browser olga = console.login("olga");
    console.clock.advance(Duration.ofMinutes(1));
    HttpResponse<String> put =
        console.as(
            olga,
            "PUT",
            "/config",
            "{\"server\": {\"name\": \"beta\"}, \"management\": {\"maxBodyBytes\": 65536},"
                + " \"dns\": {\"keys\": [{\"name\": \"ddns\", \"algorithm\": \"hmac-sha256\","
                + " \"secret\": \"c2VjcmV0LWtleS1mb3ItdGVzdHM=\"}]}}");
    assertEquals(200, put.statusCode(), put.body());
    console.withToken(
        "POST", "/failover/takeover", "{\"cause\": \"maintenance\"}", "X-Provisionctl-User", "bob");

    HttpResponse<String> audit = console.withToken("GET", "/audit", null);
    assertEquals(200, audit.statusCode(), audit.body());
    JsonNode entries = console.body(audit).path("entries");
    assertEquals(3, entries.size(), entries.toString());

    JsonNode takeover = entries.get(0);
    assertEquals("api-token", takeover.path("actor").asText());
    assertEquals("token (provisionctl, login bob)", takeover.path("via").asText());
    assertEquals("POST /api/v1/failover/takeover", takeover.path("action").asText());
    assertEquals("{\"cause\":\"maintenance\"}", takeover.path("summary").asText());

    JsonNode change = entries.get(1);
    assertEquals("olga", change.path("actor").asText());
    assertEquals("session", change.path("via").asText());
    assertEquals("PUT /api/v1/config", change.path("action").asText());
    assertEquals(200, change.path("status").asInt());
    assertTrue(change.path("remote").asText().startsWith("127.0.0.1:"), change.toString());
    assertEquals("2026-11-26T10:01:00Z", change.path("at").asText());
    assertEquals("alpha", change.path("server").asText());
    assertEquals("config version 1 -> 2 (2 changes)", change.path("summary").asText());
    List<String> diff = new ArrayList<>();
    change.path("detail").forEach(line -> diff.add(line.asText()));
    assertEquals("server.name: \"alpha\" -> \"beta\"", diff.get(0));
    assertTrue(
        diff.get(1).startsWith("dns.keys: [] -> ") || diff.get(1).startsWith("dns.keys[0]"),
        diff.toString());
    assertFalse(change.toString().contains("c2VjcmV0"), "the secret is masked: " + change);

    JsonNode login = entries.get(2);
    assertEquals("login", login.path("action").asText());
    assertEquals("olga", login.path("actor").asText());

    // Only changes are audited: reads, refusals and checks are not.
    console.withToken("GET", "/config", null);
    console.as(olga, "PUT", "/config", "{\"server\": {\"idd\": 1}}");
    console.as(olga, "POST", "/config/check", "{\"server\": {\"name\": \"gamma\"}}");
    assertEquals(3, console.body(console.withToken("GET", "/audit", null)).path("entries").size());
    assertEquals(
        1,
        console
            .body(console.withToken("GET", "/audit?actor=api-token", null))
            .path("entries")
            .size());
  }

  @Test
  void readingThePairingSecretIsAuditedWithoutTheSecret() throws Exception {
    HttpResponse<String> read = console.withToken("GET", "/failover/secret", null);
    assertEquals(200, read.statusCode(), read.body());
    JsonNode entries = console.body(console.withToken("GET", "/audit", null)).path("entries");
    assertEquals(1, entries.size(), entries.toString());
    assertEquals("GET /api/v1/failover/secret", entries.get(0).path("action").asText());
    assertEquals("api-token", entries.get(0).path("actor").asText());
    assertFalse(entries.toString().contains("pairing-secret"), entries.toString());

    // With a trailing slash, the same route: the read went unaudited.
    console.clock.advance(Duration.ofSeconds(1));
    assertEquals(200, console.withToken("GET", "/failover/secret/", null).statusCode());
    entries = console.body(console.withToken("GET", "/audit", null)).path("entries");
    assertEquals(2, entries.size(), entries.toString());
    assertEquals("GET /api/v1/failover/secret", entries.get(0).path("action").asText());
  }

  @Test
  void aChangeOfAnyRouteThatChangesTheConfigIsAuditedWithTheDiffAndItsSecretsMasked()
      throws Exception {
    HttpResponse<String> init =
        console.withToken(
            "POST", "/failover/init", "{\"peer\": \"127.0.0.2\", \"secret\": \"pairing-s3cret\"}");
    assertEquals(200, init.statusCode(), init.body());
    JsonNode entry = console.body(console.withToken("GET", "/audit", null)).path("entries").get(0);
    assertEquals("POST /api/v1/failover/init", entry.path("action").asText());
    assertEquals(
        "{\"peer\":\"127.0.0.2\",\"secret\":\"********\"}; config version 1 -> 2 (2 changes)",
        entry.path("summary").asText());
    List<String> detail = new ArrayList<>();
    entry.path("detail").forEach(line -> detail.add(line.asText()));
    assertTrue(detail.contains("failover.role: \"standalone\" -> \"primary\""), detail.toString());
    assertFalse(entry.toString().contains("pairing-s3cret"), entry.toString());
  }

  /**
   * What a change was sent goes into the AUDIT log line and the entry's detail lines: a query value
   * with a line break forged a line there, an escape sequence (or a C1 one, which JSON leaves as it
   * is) drove the terminal of whoever read it. Control characters show as \\uXXXX.
   */
  @Test
  void anAuditedChangesQueryAndFieldsAreLoggedWithTheirControlCharactersEscaped() throws Exception {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(AuditLog.class);
    logger.addAppender(logged);
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    logged.start();
    try {
      HttpResponse<String> takeover =
          console.withToken(
              "POST",
              "/failover/takeover?ticket=%1B%5B2J%0D%0AAUDIT%20actor%3Dadmin",
              "{\"cause\": \"maintenance\u009b1m\"}");
      assertEquals(200, takeover.statusCode(), takeover.body());
    } finally {
      logger.detachAppender(logged);
      logger.setLevel(null);
    }
    String line =
        logged.list.stream()
            .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
            .filter(m -> m.startsWith("AUDIT "))
            .findFirst()
            .orElseThrow();
    assertTrue(
        line.endsWith(
            "ticket=\\u001b[2J\\u000d\\u000aAUDIT actor=admin {\"cause\":\"maintenance\\u009b1m\"}"),
        line);
    assertTrue(line.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)), line);
    JsonNode entry = console.body(console.withToken("GET", "/audit", null)).path("entries").get(0);
    assertEquals(1, entry.path("detail").size(), entry.toString());
    assertTrue(
        entry.toString().chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)),
        entry.toString());
  }

  @Test
  void anAdminManagesUsersAndPasswordsNeverShow() throws Exception {
    HttpResponse<String> added =
        console.withToken(
            "POST",
            "/users",
            "{\"name\": \"ada\", \"role\": \"admin\", \"password\": \"ada's long password\"}");
    assertEquals(201, added.statusCode(), added.body());
    assertEquals(
        409,
        console
            .withToken(
                "POST",
                "/users",
                "{\"name\": \"ada\", \"role\": \"viewer\", \"password\": \"another password\"}")
            .statusCode());
    assertEquals(
        400,
        console
            .withToken(
                "POST",
                "/users",
                "{\"name\": \"bob\", \"role\": \"viewer\", \"password\": \"short\"}")
            .statusCode());
    assertEquals(
        400,
        console
            .withToken(
                "POST",
                "/users",
                "{\"name\": \"Bob!\", \"role\": \"viewer\", \"password\": \"long enough password\"}")
            .statusCode());
    assertEquals(
        400,
        console
            .withToken(
                "POST",
                "/users",
                "{\"name\": \"bob\", \"role\": \"root\", \"password\": \"long enough password\"}")
            .statusCode());

    HttpResponse<String> login = console.loginAs("ada", "ada's long password", null);
    assertEquals(200, login.statusCode());
    Browser ada =
        new Browser(ConsoleFixture.cookieOf(login), console.body(login).path("csrfToken").asText());
    HttpResponse<String> bob =
        console.as(
            ada,
            "POST",
            "/users",
            "{\"name\": \"bob\", \"role\": \"viewer\", \"password\": \"bob's long password\"}");
    assertEquals(201, bob.statusCode(), bob.body());
    JsonNode list = console.body(console.as(ada, "GET", "/users", null));
    assertEquals(2, list.path("users").size());
    JsonNode bobShown = list.path("users").get(1);
    assertEquals("bob", bobShown.path("name").asText());
    assertEquals("viewer", bobShown.path("role").asText());
    assertEquals("ada", bobShown.path("changedBy").asText());
    assertFalse(list.toString().contains("pbkdf2"), "no hash shown: " + list);
    String audit = console.withToken("GET", "/audit", null).body();
    assertFalse(audit.contains("bob's long password"), audit);
    assertTrue(audit.contains("\\\"password\\\":\\\"********\\\""), audit);

    // A new password ends bob's sessions; removal ends them and refuses his login.
    Browser bobs =
        new Browser(
            ConsoleFixture.cookieOf(console.loginAs("bob", "bob's long password", null)), "");
    assertEquals(200, console.send("GET", "/status", null, "Cookie", bobs.cookie()).statusCode());
    assertEquals(
        200,
        console
            .as(ada, "PUT", "/users", "{\"name\": \"bob\", \"password\": \"bob's new password\"}")
            .statusCode());
    assertEquals(401, console.send("GET", "/status", null, "Cookie", bobs.cookie()).statusCode());
    String bobsCookie = ConsoleFixture.cookieOf(console.loginAs("bob", "bob's new password", null));
    assertEquals(200, console.as(ada, "DELETE", "/users?name=bob", null).statusCode());
    assertEquals(401, console.send("GET", "/status", null, "Cookie", bobsCookie).statusCode());
    assertEquals(401, console.loginAs("bob", "bob's new password", null).statusCode());
    assertEquals(400, console.as(ada, "DELETE", "/users?name=bob", null).statusCode());
  }

  @Test
  void aUserChangesTheirOwnPasswordAndGetsANewSession() throws Exception {
    console.addUser("victor", Role.VIEWER);
    Browser victor = console.login("victor");
    HttpResponse<String> wrong =
        console.as(
            victor,
            "POST",
            "/session/password",
            "{\"current\": \"not it at all\", \"password\": \"victor's new password\"}");
    assertEquals(403, wrong.statusCode(), wrong.body());
    HttpResponse<String> changed =
        console.as(
            victor,
            "POST",
            "/session/password",
            "{\"current\": \""
                + ConsoleFixture.PASSWORD
                + "\", \"password\": \"victor's new password\"}");
    assertEquals(200, changed.statusCode(), changed.body());
    assertEquals(401, console.as(victor, "GET", "/status", null).statusCode(), "old session over");
    assertEquals(
        200,
        console
            .send("GET", "/status", null, "Cookie", ConsoleFixture.cookieOf(changed))
            .statusCode());
    assertEquals(200, console.loginAs("victor", "victor's new password", null).statusCode());
  }

  /**
   * The current password of a password change is checked as a login is: each wrong one is audited,
   * and after maxFailures the account is locked and alerted. Unthrottled, someone at a browser left
   * logged in could guess it at the hashing threads' pace, unseen.
   */
  @Test
  void wrongCurrentPasswordsAreThrottledLockedAndAudited() throws Exception {
    console.addUser("victor", Role.VIEWER);
    Browser victor = console.login("victor");
    String guess = "{\"current\": \"guess\", \"password\": \"victor's new password\"}";
    for (int i = 0; i < ConsoleFixture.MAX_FAILURES; i++) {
      console.clock.advance(Duration.ofMinutes(1)); // past each failure's slow-down
      assertEquals(403, console.as(victor, "POST", "/session/password", guess).statusCode());
    }
    HttpResponse<String> locked = console.as(victor, "POST", "/session/password", guess);
    assertEquals(429, locked.statusCode(), locked.body());
    assertTrue(
        console.alerts.active().stream().anyMatch(a -> a.event().equals("CONSOLE_LOGIN_LOCKED")),
        "alerted");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                console
                            .withToken("GET", "/audit", null)
                            .body()
                            .split("password change failed", -1)
                            .length
                        - 1
                    == ConsoleFixture.MAX_FAILURES);
  }

  /**
   * An empty password is refused for every name alike, before any lookup: it failed at once for an
   * account and after a whole hash for a name without one, which told the names apart by timing.
   */
  @Test
  void anEmptyPasswordIsRefusedAlikeForAccountsAndOtherNames() throws Exception {
    console.addUser("alice", Role.VIEWER);
    HttpResponse<String> account = console.loginAs("alice", "", null);
    HttpResponse<String> none = console.loginAs("mallory", "", null);
    assertEquals(400, account.statusCode(), account.body());
    assertEquals(account.statusCode(), none.statusCode());
    assertEquals(account.body(), none.body());
    for (int i = 0; i < 6; i++) {
      assertEquals(400, console.loginAs("alice", "", null).statusCode());
    }
    assertEquals(
        200,
        console.loginAs("alice", ConsoleFixture.PASSWORD, null).statusCode(),
        "not counted as failed logins: the account is not locked");
  }

  @Test
  void loginTakesJsonOnly() throws Exception {
    console.addUser("alice", Role.VIEWER);
    HttpResponse<String> form =
        console.send(
            "POST",
            "/session",
            "name=alice&password=" + ConsoleFixture.PASSWORD,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertEquals(415, form.statusCode());
    assertEquals(0, console.access.sessions().size());
  }

  @Test
  void theTokenStillWorksAndIsAnAdmin() throws Exception {
    JsonNode me = console.body(console.withToken("GET", "/session", null));
    assertEquals("api-token", me.path("name").asText());
    assertEquals("admin", me.path("role").asText());
    assertEquals(200, console.withToken("GET", "/failover/secret", null).statusCode());
    assertEquals(
        401, console.send("GET", "/status", null, "Authorization", "Bearer nope").statusCode());
    JsonNode routes = console.body(console.withToken("GET", "/routes", null)).path("routes");
    List<String> listed = new ArrayList<>();
    routes.forEach(
        r ->
            listed.add(
                r.path("method").asText()
                    + " "
                    + r.path("path").asText()
                    + " "
                    + r.path("role").asText()));
    assertTrue(listed.contains("POST /api/v1/session any"), listed.toString());
    assertTrue(listed.contains("PUT /api/v1/config operator"), listed.toString());
    assertTrue(listed.contains("POST /api/v1/failover/takeover admin"), listed.toString());
    assertTrue(listed.contains("GET /api/v1/alerts/stream viewer"), listed.toString());
  }
}
