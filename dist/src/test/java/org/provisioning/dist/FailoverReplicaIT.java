package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.dist.Distribution.Result;
import org.provisioning.dist.ProvisiondPair.Server;

/**
 * The secondary is an exact replica of the primary, console included: two packaged provisiond
 * processes on loopback ({@link ProvisiondPair}). A user and audited changes made on the primary
 * before the pair formed reach the secondary through the initial sync (no stream carried them); a
 * user made on the secondary while the primary was down reaches the primary when it returns, even
 * once the secondary's backlog is gone (it restarted), through the secondary's snapshot; no audit
 * entry is held twice after both snapshots.
 */
class FailoverReplicaIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADD_USER = "POST /api/v1/users";
  private static final String SET_CONFIG = "PUT /api/v1/config";

  @TempDir Path dir;
  private ProvisiondPair pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void usersAndTheAuditLogMadeBeforePairingOrDuringAFailoverReachThePartner() throws Exception {
    pair = ProvisiondPair.startUnpaired(dir, ProvisiondPair.ONE_BIG_POOL, false);
    Server primary = pair.primary();
    Server secondary = pair.secondary();

    // Before pairing, on the primary: a user, and a config change, both audited.
    addUser(primary, "ada", "admin", "ada's long password");
    String running = primary.ctl("config", "get").out();
    assertTrue(running.contains("leaseTime: 3600"), running);
    Path changed = dir.resolve("changed-on-primary.yaml");
    Files.writeString(changed, running.replace("leaseTime: 3600", "leaseTime: 5400"));
    Result set = primary.ctl("config", "set", changed.toString());
    assertEquals(0, set.exit(), set.out() + set.err());
    List<String> auditedOnPrimary = actions(primary, "primary");
    assertEquals(List.of(ADD_USER, SET_CONFIG), auditedOnPrimary);

    pair.form();
    assertEquals(200, login(secondary, "ada", "ada's long password").statusCode());
    heldOnce(secondary, "primary", ADD_USER, SET_CONFIG);
    assertEquals(
        auditedOnPrimary, actions(secondary, "primary").subList(0, 2), "in the primary's order");
    assertTrue(stat(secondary, "failover.sync.state_merged") >= 3, "ada and two audit entries");
    assertEquals(
        5400, secondary.api("/config").path("config").path("dhcp").path("leaseTime").asInt());

    // The primary dies; the operator adds a user on the secondary, which then restarts: what it
    // made alone is no longer in its backlog, only its snapshot can carry it.
    primary.kill();
    await()
        .atMost(10, SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> "PARTNER_DOWN".equals(secondary.state()));
    addUser(secondary, "bob", "operator", "bob's long password");
    assertTrue(secondary.terminate(Duration.ofSeconds(20)), "the secondary stopped on SIGTERM");
    secondary.start();
    primary.start();
    pair.awaitNormal(Duration.ofSeconds(30));
    assertTrue(stat(secondary, "failover.syncs.snapshot") >= 1, "the secondary sent a snapshot");

    await()
        .atMost(10, SECONDS)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> actions(primary, "secondary").contains("POST /api/v1/users"));
    assertEquals(200, login(primary, "bob", "bob's long password").statusCode());
    for (Server server : List.of(primary, secondary)) {
      List<String> names = new ArrayList<>();
      server.api("/users").path("users").forEach(u -> names.add(u.path("name").asText()));
      assertEquals(List.of("ada", "bob"), names, server + "'s users");
      // Both snapshots carried every entry the other held already: none is there twice.
      heldOnce(server, "primary", ADD_USER, SET_CONFIG);
      heldOnce(server, "secondary", ADD_USER);
    }
  }

  /** Each of {@code actions} taken on {@code madeOn} is in {@code server}'s audit log once. */
  private static void heldOnce(Server server, String madeOn, String... actions) throws Exception {
    List<String> held = actions(server, madeOn);
    for (String action : actions) {
      assertEquals(
          1,
          held.stream().filter(action::equals).count(),
          server + " holds " + madeOn + "'s '" + action + "' once: " + held);
    }
  }

  private static void addUser(Server server, String name, String role, String password)
      throws Exception {
    String body =
        JSON.createObjectNode()
            .put("name", name)
            .put("role", role)
            .put("password", password)
            .toString();
    HttpResponse<String> added = server.send("POST", "/users", body, true);
    assertEquals(201, added.statusCode(), added.body());
  }

  private static HttpResponse<String> login(Server server, String name, String password)
      throws Exception {
    String body = JSON.createObjectNode().put("name", name).put("password", password).toString();
    return server.send("POST", "/session", body, false);
  }

  /**
   * The actions of the audit entries {@code server} holds that {@code madeOn} took, oldest first.
   */
  private static List<String> actions(Server server, String madeOn) throws Exception {
    List<String> actions = new ArrayList<>();
    for (JsonNode entry : server.api("/audit?limit=1000").path("entries")) {
      if (entry.path("server").asText().equals(madeOn)) {
        actions.add(0, entry.path("action").asText());
      }
    }
    return actions;
  }

  private static long stat(Server server, String name) throws Exception {
    return server.api("/stats?prefix=" + name).path(name).asLong();
  }
}
