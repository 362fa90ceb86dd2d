package org.provisioning.console.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.lease.LeaseQuery;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.console.api.ManagementApi.BadRequestException;

/** {@code GET /api/v1/leases?ip=&mac=&state=&limit=}: the leases a DHCP server holds. */
public final class LeaseRoutes {
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 100_000;

  private LeaseRoutes() {}

  public static void register(ManagementApi api, LeaseQuery leases) {
    ObjectMapper json = api.json();
    api.route(
        "GET",
        "/leases",
        request -> {
          Ipv4Address ip = parse(request.queryParameter("ip"), "ip", Ipv4Address::parse);
          byte[] mac = parse(request.queryParameter("mac"), "mac", LeaseRoutes::mac);
          LeaseState state =
              parse(
                  request.queryParameter("state"),
                  "state",
                  s -> LeaseState.valueOf(s.toUpperCase(Locale.ROOT)));
          Integer requested = parse(request.queryParameter("limit"), "limit", Integer::parseInt);
          int limit = requested == null ? DEFAULT_LIMIT : Math.min(requested, MAX_LIMIT);
          if (limit < 1) {
            throw new BadRequestException("limit must be at least 1");
          }
          List<LeaseRecord> found = leases.find(ip, mac, state, limit);
          ObjectNode body = json.createObjectNode();
          body.put("count", found.size());
          ArrayNode array = body.putArray("leases");
          for (LeaseRecord lease : found) {
            ObjectNode node = array.addObject();
            node.put("ip", lease.address().toString());
            node.put("mac", lease.hardwareAddressText());
            node.put("state", lease.state().name().toLowerCase(Locale.ROOT));
            node.put("start", Instant.ofEpochMilli(lease.startMillis()).toString());
            node.put("expires", Instant.ofEpochMilli(lease.expiresAtMillis()).toString());
            node.put("allocatedBy", lease.allocatedBy());
            node.put("hostname", lease.hostname());
            node.put("class", lease.clientClass());
            node.put("clientId", HexFormat.ofDelimiter(":").formatHex(lease.clientId()));
            node.put("remoteId", HexFormat.ofDelimiter(":").formatHex(lease.remoteId()));
            node.put("circuitId", HexFormat.ofDelimiter(":").formatHex(lease.circuitId()));
          }
          return CompletableFuture.completedFuture(
              new ApiResponse(200, json.writeValueAsBytes(body)));
        });
  }

  private static byte[] mac(String text) {
    String hex = text.replace(":", "").replace("-", "");
    if (hex.length() == 0 || hex.length() > 32 || hex.length() % 2 != 0) {
      throw new IllegalArgumentException("not a hardware address");
    }
    return HexFormat.of().parseHex(hex);
  }

  private static <T> T parse(
      String value, String name, java.util.function.Function<String, T> parser) {
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
}
