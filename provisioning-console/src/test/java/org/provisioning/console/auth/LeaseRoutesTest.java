package org.provisioning.console.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.lease.LeaseChange;
import org.provisioning.common.lease.LeaseControl;
import org.provisioning.common.lease.LeaseFilter;
import org.provisioning.common.lease.LeaseHistory;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;
import org.provisioning.console.api.LeaseRoutes;
import org.provisioning.console.api.Role;
import org.provisioning.console.auth.ConsoleFixture.Browser;

/**
 * The lease routes through HTTP: each search key reaches the store as the filter it means, results
 * name their pool, the detail shows the history by server, and a release needs an operator, is
 * audited and says why when there is nothing to release.
 */
class LeaseRoutesTest {
  private static final String POOLS =
      """
      dhcp:
        subnets:
          - subnet: 127.16.0.0/16
            relays: [127.0.0.2]
            pools: [{name: modems, range: 127.16.0.10-127.16.0.99}]
          - subnet: 127.17.0.0/16
            relays: [127.0.0.2]
            pools: [{name: cpe, range: 127.17.0.10-127.17.0.250}]
      """;

  @TempDir Path dataDir;
  private ConsoleFixture console;
  private final List<LeaseRecord> leases = new CopyOnWriteArrayList<>();
  private final List<LeaseFilter> asked = new CopyOnWriteArrayList<>();
  private final List<Ipv4Address> released = new CopyOnWriteArrayList<>();
  private volatile RuntimeException refusal;
  private volatile CountDownLatch searchHeld;

  @BeforeEach
  void start() throws Exception {
    console = new ConsoleFixture(dataDir, null);
    console.config.applyDocument(ConsoleFixture.CONFIG + POOLS, "test", null).join();
    LeaseHistory history =
        new LeaseHistory() {
          @Override
          public List<LeaseChange> changes(Ipv4Address address, int limit) {
            LeaseRecord lease = lease("127.16.0.10", "02:00:00:00:00:01", "modem");
            return List.of(
                new LeaseChange(
                    3_000,
                    2,
                    7,
                    LeaseChange.Kind.RELEASED,
                    lease.withState(LeaseState.RELEASED, 0)),
                new LeaseChange(1_000, 1, 4, LeaseChange.Kind.ALLOCATED, lease));
          }

          @Override
          public Optional<Long> keptSinceMillis() {
            return Optional.of(1_000L);
          }
        };
    LeaseControl control =
        address -> {
          released.add(address);
          if (refusal != null) {
            return CompletableFuture.failedFuture(refusal);
          }
          LeaseRecord lease =
              leases.stream().filter(l -> l.address().equals(address)).findFirst().orElseThrow();
          return CompletableFuture.completedFuture(lease.withState(LeaseState.RELEASED, 0));
        };
    LeaseRoutes.register(
        console.api,
        filter -> {
          asked.add(filter);
          CountDownLatch hold = searchHeld;
          if (hold != null) {
            try {
              hold.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return leases.stream()
              .filter(filter::matches)
              .sorted(Comparator.comparing(LeaseRecord::address))
              .limit(filter.limit())
              .toList();
        },
        history,
        control,
        console.config);
    leases.add(lease("127.16.0.10", "02:00:00:00:00:01", "modem"));
    leases.add(lease("127.17.0.20", "02:00:00:00:01:01", "<img src=x onerror=alert(1)>"));
  }

  @AfterEach
  void stop() {
    console.close();
  }

  private static LeaseRecord lease(String ip, String mac, String hostname) {
    return new LeaseRecord(
        Ipv4Address.parse(ip),
        1,
        HexFormat.ofDelimiter(":").parseHex(mac),
        null,
        LeaseState.BOUND,
        0,
        3_600_000,
        1,
        hostname,
        "cpe",
        HexFormat.ofDelimiter(":").parseHex("00:11:22:33:44:55"),
        "cmts1 3/0/1:2".getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * A long search (by host name, a million leases) ran on the management server's one thread, and
   * every other request waited for it: it runs on a thread of its own now.
   */
  @Test
  void aLongSearchHoldsNoOtherRequest() throws Exception {
    searchHeld = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> search =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return console.withToken("GET", "/leases?hostname=modem", null);
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    await().atMost(10, TimeUnit.SECONDS).until(() -> !asked.isEmpty());
    assertEquals(200, console.withToken("GET", "/status", null).statusCode(), "answered meanwhile");
    assertFalse(search.isDone());
    searchHeld.countDown();
    HttpResponse<String> found = search.get(10, TimeUnit.SECONDS);
    assertEquals(200, found.statusCode(), found.body());
    assertEquals(1, console.body(found).path("count").asInt());
    assertEquals(400, console.withToken("GET", "/leases?ip=nonsense", null).statusCode());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response = console.withToken("GET", path, null);
    assertEquals(200, response.statusCode(), response.body());
    return console.body(response);
  }

  private LeaseFilter lastAsked() {
    return asked.get(asked.size() - 1);
  }

  @Test
  void eachSearchKeyReachesTheStoreAndResultsNameTheirPool() throws Exception {
    JsonNode byMac = get("/leases?mac=02-00-00-00-00-01");
    assertEquals(1, byMac.path("count").asInt());
    JsonNode lease = byMac.path("leases").get(0);
    assertEquals("127.16.0.10", lease.path("ip").asText());
    assertEquals("modems", lease.path("pool").asText());
    assertEquals("00:11:22:33:44:55", lease.path("remoteId").asText());
    assertEquals("cmts1 3/0/1:2", lease.path("circuitIdText").asText());
    assertArrayEquals(HexFormat.of().parseHex("020000000001"), lastAsked().hardwareAddress());

    get("/leases?remoteId=00:11:22:33:44:55");
    assertArrayEquals(HexFormat.of().parseHex("001122334455"), lastAsked().remoteId());
    get("/leases?remoteId=0x0011");
    assertArrayEquals(new byte[] {0, 0x11}, lastAsked().remoteId());
    get("/leases?circuitId=cmts1%203%2F0%2F1%3A2");
    assertArrayEquals("cmts1 3/0/1:2".getBytes(StandardCharsets.US_ASCII), lastAsked().circuitId());
    get("/leases?clientId=01:02:00:00:00:00:01&state=bound&limit=5");
    assertArrayEquals(HexFormat.of().parseHex("01020000000001"), lastAsked().clientId());
    assertEquals(LeaseState.BOUND, lastAsked().state());
    assertEquals(5, lastAsked().limit());

    JsonNode byHost = get("/leases?hostname=IMG");
    assertEquals(1, byHost.path("count").asInt());
    assertEquals(
        "<img src=x onerror=alert(1)>",
        byHost.path("leases").get(0).path("hostname").asText(),
        "the API hands the host name back as it came; the page renders it as text");

    JsonNode inPool = get("/leases?pool=cpe");
    assertEquals(Ipv4Range.parse("127.17.0.10-127.17.0.250"), lastAsked().range());
    assertEquals(List.of("127.17.0.20"), ips(inPool));
    assertEquals(List.of("127.16.0.10", "127.17.0.20"), ips(get("/leases")));
  }

  private static List<String> ips(JsonNode body) {
    List<String> ips = new ArrayList<>();
    body.path("leases").forEach(l -> ips.add(l.path("ip").asText()));
    return ips;
  }

  @Test
  void aSearchThatCannotBeReadSaysWhy() throws Exception {
    HttpResponse<String> pool = console.withToken("GET", "/leases?pool=nope", null);
    assertEquals(400, pool.statusCode());
    assertEquals(
        "no pool is named 'nope'; pools: modems, cpe", console.body(pool).path("error").asText());
    HttpResponse<String> state = console.withToken("GET", "/leases?state=lost", null);
    assertEquals(400, state.statusCode());
    assertTrue(console.body(state).path("error").asText().startsWith("query parameter state"));
    assertEquals(400, console.withToken("GET", "/leases?mac=zz", null).statusCode());
    assertEquals(400, console.withToken("GET", "/leases?limit=0", null).statusCode());
  }

  @Test
  void theDetailShowsTheLeaseAndItsHistoryByServer() throws Exception {
    JsonNode detail = get("/leases/detail?ip=127.16.0.10");
    assertEquals("02:00:00:00:00:01", detail.path("lease").path("mac").asText());
    assertEquals("modems", detail.path("lease").path("pool").asText());
    assertEquals("alpha", detail.path("server").path("name").asText());
    assertEquals("1970-01-01T00:00:01Z", detail.path("historyKeptSince").asText());
    JsonNode history = detail.path("history");
    assertEquals(2, history.size());
    assertEquals("released", history.get(0).path("kind").asText());
    assertEquals(2, history.get(0).path("server").asInt());
    assertTrue(history.get(0).path("serverName").isMissingNode(), "the partner: its id only");
    assertEquals("allocated", history.get(1).path("kind").asText());
    assertEquals("alpha", history.get(1).path("serverName").asText());
    assertEquals("1970-01-01T00:00:01Z", history.get(1).path("time").asText());

    HttpResponse<String> none = console.withToken("GET", "/leases/detail?ip=127.16.0.99", null);
    assertEquals(404, none.statusCode());
    assertEquals("no lease at 127.16.0.99", console.body(none).path("error").asText());
    assertEquals(400, console.withToken("GET", "/leases/detail", null).statusCode());
  }

  @Test
  void anOperatorReleasesALeaseAndItIsAudited() throws Exception {
    console.addUser("victor", Role.VIEWER);
    console.addUser("olga", Role.OPERATOR);
    Browser victor = console.login("victor");
    Browser olga = console.login("olga");
    String body = "{\"ip\": \"127.16.0.10\"}";
    assertEquals(403, console.as(victor, "POST", "/leases/release", body).statusCode());
    assertTrue(released.isEmpty(), "a viewer's release reaches no server");

    HttpResponse<String> done = console.as(olga, "POST", "/leases/release", body);
    assertEquals(200, done.statusCode(), done.body());
    assertEquals("released", console.body(done).path("lease").path("state").asText());
    assertEquals(List.of(Ipv4Address.parse("127.16.0.10")), released);
    JsonNode entry = console.body(console.withToken("GET", "/audit", null)).path("entries").get(0);
    assertEquals("olga", entry.path("actor").asText());
    assertEquals("POST /api/v1/leases/release", entry.path("action").asText());
    assertEquals("{\"ip\":\"127.16.0.10\"}", entry.path("summary").asText());
  }

  @Test
  void aReleaseWithNothingToReleaseSaysWhyAndIsNotAudited() throws Exception {
    refusal =
        new LeaseControl.LeaseNotBoundException("127.16.0.10 is not bound (its lease is released)");
    HttpResponse<String> notBound =
        console.withToken("POST", "/leases/release", "{\"ip\": \"127.16.0.10\"}");
    assertEquals(409, notBound.statusCode());
    assertEquals(
        "127.16.0.10 is not bound (its lease is released)",
        console.body(notBound).path("error").asText());
    refusal = new IllegalStateException("this server stands by and changes no lease");
    assertEquals(
        409,
        console.withToken("POST", "/leases/release", "{\"ip\": \"127.16.0.10\"}").statusCode());
    assertEquals(400, console.withToken("POST", "/leases/release", "{}").statusCode());
    assertEquals(
        400, console.withToken("POST", "/leases/release", "{\"ip\": \"nope\"}").statusCode());
    assertEquals(0, console.body(console.withToken("GET", "/audit", null)).path("entries").size());
  }
}
