package org.provisioning.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ConfigVersion;
import org.provisioning.common.config.PoolConfig;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.config.SubnetConfig;
import org.provisioning.common.lease.LeaseChange;
import org.provisioning.common.lease.LeaseControl;
import org.provisioning.common.lease.LeaseFilter;
import org.provisioning.common.lease.LeaseHistory;
import org.provisioning.common.lease.LeaseQuery;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.console.api.ManagementApi.BadRequestException;

/**
 * The leases a DHCP server holds:
 *
 * <ul>
 *   <li>{@code GET /api/v1/leases?ip=&mac=&clientId=&remoteId=&circuitId=&hostname=&pool=&state=
 *       &limit=}: a search, every criterion optional, lowest addresses first. Client-id, remote-id
 *       and circuit-id are hex octets ({@code 01:00:11:22:33:44:55}, {@code 0x4d6f64656d}) or,
 *       written otherwise, text; the host name matches as part of the lease's, ignoring case; the
 *       pool by its name.
 *   <li>{@code GET /api/v1/leases/detail?ip=}: one lease, its pool, and its recent history (every
 *       change recorded for the address and its client, by which server).
 *   <li>{@code POST /api/v1/leases/release {"ip": ...}}: releases a bound lease as if its client
 *       had, replicated to the failover partner like any lease change (operator).
 * </ul>
 */
public final class LeaseRoutes {
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 100_000;
  static final int HISTORY_LIMIT = 200;

  /** Octets written as hex: pairs separated by colons, dashes or dots, or after {@code 0x}. */
  private static final Pattern HEX_OCTETS =
      Pattern.compile("(?i)0x(?:[0-9a-f]{2})+|[0-9a-f]{1,2}(?:[:\\-.][0-9a-f]{1,2})+");

  private static final HexFormat COLONS = HexFormat.ofDelimiter(":");

  /** Searches waiting for the search thread at most; more are answered 503. */
  static final int QUEUED_SEARCHES = 16;

  /**
   * Searches run here, one at a time, not on the management server's one event-loop thread: a
   * search by host name reads every lease (a third of a second with a million) and a large result
   * takes as long to write as JSON, and meanwhile no other console request, no alert to an open
   * console and no provisionctl was served.
   */
  private static final ExecutorService SEARCHES =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(QUEUED_SEARCHES),
          DaemonThreads.factory("console-lease-search"));

  private LeaseRoutes() {}

  /** The search alone: no history, no release (a server without DHCP refuses those). */
  public static void register(ManagementApi api, LeaseQuery leases) {
    register(
        api,
        leases,
        null,
        address ->
            CompletableFuture.failedFuture(
                new IllegalStateException("DHCP is not enabled on this server")),
        null);
  }

  /**
   * @param history the recent changes of leases; null when none are kept
   * @param control releases leases (the DHCP server)
   * @param config the running config: pools by name, this server's name
   */
  public static void register(
      ManagementApi api,
      LeaseQuery leases,
      LeaseHistory history,
      LeaseControl control,
      ConfigService config) {
    ObjectMapper json = api.json();
    api.route(
        "GET",
        "/leases",
        request -> offTheEventLoop(json, request, r -> search(json, leases, config, r)));
    api.route("GET", "/leases/detail", request -> detail(json, leases, history, config, request));
    api.route("POST", "/leases/release", request -> release(json, control, config, request));
  }

  private static CompletableFuture<ApiResponse> offTheEventLoop(
      ObjectMapper json, ApiRequest request, ApiHandler work) {
    try {
      return CompletableFuture.supplyAsync(
              () -> {
                try {
                  return work.handle(request);
                } catch (RuntimeException e) {
                  throw e;
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              },
              SEARCHES)
          .thenCompose(Function.identity());
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          error(json, 503, "too many lease searches at once; try again in a moment"));
    }
  }

  private static CompletableFuture<ApiResponse> search(
      ObjectMapper json, LeaseQuery leases, ConfigService config, ApiRequest request)
      throws Exception {
    Integer requested = parse(request.queryParameter("limit"), "limit", Integer::parseInt);
    int limit = requested == null ? DEFAULT_LIMIT : Math.min(requested, MAX_LIMIT);
    if (limit < 1) {
      throw new BadRequestException("limit must be at least 1");
    }
    LeaseFilter.Builder filter =
        LeaseFilter.builder()
            .address(parse(request.queryParameter("ip"), "ip", Ipv4Address::parse))
            .hardwareAddress(parse(request.queryParameter("mac"), "mac", LeaseRoutes::mac))
            .clientId(parse(request.queryParameter("clientId"), "clientId", LeaseRoutes::octets))
            .remoteId(parse(request.queryParameter("remoteId"), "remoteId", LeaseRoutes::octets))
            .circuitId(parse(request.queryParameter("circuitId"), "circuitId", LeaseRoutes::octets))
            .hostname(parse(request.queryParameter("hostname"), "hostname", s -> s))
            .state(
                parse(
                    request.queryParameter("state"),
                    "state",
                    s -> LeaseState.valueOf(s.toUpperCase(Locale.ROOT))))
            .limit(limit);
    Pools pools = Pools.of(config);
    String poolName = parse(request.queryParameter("pool"), "pool", s -> s);
    List<LeaseRecord> found;
    if (poolName == null) {
      found = leases.find(filter.build());
    } else {
      List<Ipv4Range> ranges = pools.rangesNamed(poolName);
      if (ranges.isEmpty()) {
        throw new BadRequestException(
            "no pool is named '" + poolName + "'; pools: " + pools.namesForError());
      }
      // Pools may share a name across subnets: each range searched, the lowest addresses kept.
      List<LeaseRecord> merged = new ArrayList<>();
      for (Ipv4Range range : ranges) {
        merged.addAll(leases.find(filter.range(range).build()));
      }
      merged.sort(Comparator.comparing(LeaseRecord::address));
      found = merged.size() > limit ? merged.subList(0, limit) : merged;
    }
    ObjectNode body = json.createObjectNode();
    body.put("count", found.size());
    body.put("limit", limit);
    body.put("truncated", found.size() == limit);
    ArrayNode array = body.putArray("leases");
    for (LeaseRecord lease : found) {
      leaseJson(array.addObject(), lease, pools);
    }
    return JsonRoutes.ok(json, body);
  }

  private static CompletableFuture<ApiResponse> detail(
      ObjectMapper json,
      LeaseQuery leases,
      LeaseHistory history,
      ConfigService config,
      ApiRequest request)
      throws Exception {
    Ipv4Address ip = parse(request.queryParameter("ip"), "ip", Ipv4Address::parse);
    if (ip == null) {
      throw new BadRequestException("give the lease's address: /api/v1/leases/detail?ip=ADDRESS");
    }
    List<LeaseRecord> found = leases.find(LeaseFilter.builder().address(ip).limit(1).build());
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(error(json, 404, "no lease at " + ip));
    }
    Pools pools = Pools.of(config);
    ObjectNode body = json.createObjectNode();
    leaseJson(body.putObject("lease"), found.get(0), pools);
    Optional<ProvisioningConfig> running = config == null ? Optional.empty() : running(config);
    running.ifPresent(
        c -> body.putObject("server").put("id", c.server().id()).put("name", c.server().name()));
    ArrayNode changes = body.putArray("history");
    if (history != null) {
      for (LeaseChange change : history.changes(ip, HISTORY_LIMIT)) {
        ObjectNode node = changes.addObject();
        node.put("time", Instant.ofEpochMilli(change.timeMillis()).toString());
        node.put("kind", change.kind().label());
        node.put("server", change.origin());
        running
            .filter(c -> c.server().id() == change.origin())
            .ifPresent(c -> node.put("serverName", c.server().name()));
        node.put("sequence", change.sequence());
        leaseJson(node.putObject("lease"), change.lease(), pools);
      }
      history
          .keptSinceMillis()
          .ifPresent(t -> body.put("historyKeptSince", Instant.ofEpochMilli(t).toString()));
    }
    body.put("historyLimit", HISTORY_LIMIT);
    return JsonRoutes.ok(json, body);
  }

  private static CompletableFuture<ApiResponse> release(
      ObjectMapper json, LeaseControl control, ConfigService config, ApiRequest request) {
    JsonNode body = JsonRoutes.body(json, request);
    String text = body.path("ip").asText(null);
    if (text == null || text.isBlank()) {
      throw new BadRequestException("give the lease's address: {\"ip\": \"127.16.0.10\"}");
    }
    Ipv4Address ip = parse(text, "ip", Ipv4Address::parse);
    Pools pools = Pools.of(config);
    return control
        .release(ip)
        .handle(
            (released, e) -> {
              Throwable cause =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              if (cause instanceof LeaseControl.LeaseNotBoundException notBound) {
                return error(json, 409, notBound.getMessage());
              }
              if (cause instanceof IllegalStateException refused) {
                return error(json, 409, refused.getMessage());
              }
              if (cause != null) {
                throw new CompletionException(cause);
              }
              ObjectNode reply = json.createObjectNode();
              leaseJson(reply.putObject("lease"), released, pools);
              return bytes(json, 200, reply);
            });
  }

  private static void leaseJson(ObjectNode node, LeaseRecord lease, Pools pools) {
    node.put("ip", lease.address().toString());
    node.put("mac", lease.hardwareAddressText());
    node.put("state", lease.state().name().toLowerCase(Locale.ROOT));
    node.put("start", Instant.ofEpochMilli(lease.startMillis()).toString());
    node.put("expires", Instant.ofEpochMilli(lease.expiresAtMillis()).toString());
    node.put("allocatedBy", lease.allocatedBy());
    node.put("hostname", lease.hostname());
    node.put("class", lease.clientClass());
    node.put("pool", pools.nameOf(lease.address()));
    node.put("clientId", COLONS.formatHex(lease.clientId()));
    node.put("remoteId", COLONS.formatHex(lease.remoteId()));
    node.put("circuitId", COLONS.formatHex(lease.circuitId()));
    printable(lease.remoteId()).ifPresent(text -> node.put("remoteIdText", text));
    printable(lease.circuitId()).ifPresent(text -> node.put("circuitIdText", text));
  }

  /** Octets as text when every one is printable ASCII (a circuit-id like "cmts1 3/0/1:2"). */
  private static Optional<String> printable(byte[] octets) {
    if (octets.length == 0) {
      return Optional.empty();
    }
    for (byte b : octets) {
      if (b < 0x20 || b > 0x7e) {
        return Optional.empty();
      }
    }
    return Optional.of(new String(octets, StandardCharsets.US_ASCII));
  }

  private static Optional<ProvisioningConfig> running(ConfigService config) {
    return config.current().map(ConfigVersion::config);
  }

  private static ApiResponse error(ObjectMapper json, int status, String message) {
    ObjectNode body = json.createObjectNode();
    body.put("error", message);
    return bytes(json, status, body);
  }

  private static ApiResponse bytes(ObjectMapper json, int status, JsonNode body) {
    try {
      return new ApiResponse(status, json.writeValueAsBytes(body));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a JSON tree cannot fail to serialise", e);
    }
  }

  static byte[] mac(String text) {
    String hex = text.replace(":", "").replace("-", "").replace(".", "");
    if (hex.length() == 0 || hex.length() > 32 || hex.length() % 2 != 0) {
      throw new IllegalArgumentException("not a hardware address");
    }
    return HexFormat.of().parseHex(hex);
  }

  /**
   * Octets from hex ({@code 00:11:22}, {@code 00-11-22}, {@code 0x001122}) or, written any other
   * way, the text's UTF-8.
   */
  static byte[] octets(String text) {
    if (HEX_OCTETS.matcher(text).matches()) {
      if (text.regionMatches(true, 0, "0x", 0, 2)) {
        return HexFormat.of().parseHex(text.substring(2));
      }
      String[] parts = text.split("[:\\-.]");
      byte[] octets = new byte[parts.length];
      for (int i = 0; i < parts.length; i++) {
        octets[i] = (byte) Integer.parseInt(parts[i], 16);
      }
      return octets;
    }
    byte[] octets = text.getBytes(StandardCharsets.UTF_8);
    if (octets.length > 255) {
      throw new IllegalArgumentException("longer than 255 octets");
    }
    return octets;
  }

  private static <T> T parse(String value, String name, Function<String, T> parser) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return parser.apply(value.strip());
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(
          "query parameter " + name + "='" + value + "' is not valid: " + e.getMessage());
    }
  }

  /** The running config's pools, sorted by first address, to name the pool of an address. */
  private record Pools(List<Pool> sorted) {
    private record Pool(Ipv4Range range, String name) {}

    static Pools of(ConfigService config) {
      List<Pool> all = new ArrayList<>();
      if (config != null) {
        running(config)
            .ifPresent(
                c -> {
                  for (SubnetConfig subnet : c.dhcp().subnets()) {
                    for (PoolConfig pool : subnet.pools()) {
                      if (pool.range() != null && pool.range().isOrdered()) {
                        all.add(new Pool(pool.range(), pool.label()));
                      }
                    }
                  }
                });
      }
      all.sort(Comparator.comparing(p -> p.range().first()));
      return new Pools(all);
    }

    /** The name of the pool holding the address; empty when none does. */
    String nameOf(Ipv4Address address) {
      int low = 0;
      int high = sorted.size() - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        Ipv4Range range = sorted.get(mid).range();
        if (address.compareTo(range.first()) < 0) {
          high = mid - 1;
        } else if (address.compareTo(range.last()) > 0) {
          low = mid + 1;
        } else {
          return sorted.get(mid).name();
        }
      }
      return "";
    }

    List<Ipv4Range> rangesNamed(String name) {
      return sorted.stream().filter(p -> p.name().equals(name)).map(Pool::range).toList();
    }

    String namesForError() {
      List<String> distinct = sorted.stream().map(Pool::name).distinct().toList();
      String listed = String.join(", ", distinct.subList(0, Math.min(20, distinct.size())));
      return distinct.size() > 20 ? listed + "…" : listed.isEmpty() ? "(none)" : listed;
    }
  }
}
