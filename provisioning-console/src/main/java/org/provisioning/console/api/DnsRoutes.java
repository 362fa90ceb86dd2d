package org.provisioning.console.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.control.DnsUpdateView;
import org.provisioning.common.control.DnsZoneView;

/**
 * {@code GET /api/v1/dns/zones}: the served zones with serial and record count; {@code GET
 * /api/v1/dns/zone?name=ZONE}: every record of one zone, static and dynamic. 400 for a zone not
 * served here.
 *
 * <p>{@code GET /api/v1/dns/updates}: the newest dynamic updates ({@code updates}: RFC 2136
 * received and DDNS made for leases) and, apart, the newest that failed ({@code failures}), newest
 * first.
 */
public final class DnsRoutes {
  private DnsRoutes() {}

  /** The zone routes and the recent updates. */
  public static void register(ManagementApi api, DnsZoneView view, DnsUpdateView updates) {
    register(api, view);
    api.route(
        "GET",
        "/dns/updates",
        request -> {
          ObjectNode body = api.json().createObjectNode();
          list(body.putArray("updates"), updates.recentUpdates());
          list(body.putArray("failures"), updates.recentFailures());
          return JsonRoutes.ok(api.json(), body);
        });
  }

  private static void list(ArrayNode array, List<DnsUpdateView.Update> updates) {
    for (DnsUpdateView.Update u : updates) {
      ObjectNode node =
          array
              .addObject()
              .put("time", java.time.Instant.ofEpochMilli(u.timeMillis()).toString())
              .put("source", u.source())
              .put("zone", u.zone())
              .put("key", u.key())
              .put("rcode", u.rcode())
              .put("ok", u.ok())
              .put("note", u.note());
      ArrayNode changes = node.putArray("changes");
      u.changes().forEach(changes::add);
    }
  }

  public static void register(ManagementApi api, DnsZoneView view) {
    api.route(
        "GET",
        "/dns/zones",
        request -> {
          ArrayNode zones = api.json().createArrayNode();
          for (DnsZoneView.ZoneSummary zone : view.zones()) {
            zones
                .addObject()
                .put("name", zone.name())
                .put("serial", zone.serial())
                .put("records", zone.records());
          }
          ObjectNode body = api.json().createObjectNode();
          body.set("zones", zones);
          return CompletableFuture.completedFuture(
              new ApiResponse(200, api.json().writeValueAsBytes(body)));
        });
    api.route(
        "GET",
        "/dns/zone",
        request -> {
          String name = request.queryParameter("name");
          if (name == null || name.isBlank()) {
            throw new ManagementApi.BadRequestException(
                "name the zone: /api/v1/dns/zone?name=cable.example.net");
          }
          List<String> records =
              view.records(name)
                  .orElseThrow(
                      () ->
                          new ManagementApi.BadRequestException(
                              "zone '" + name + "' is not served here"));
          ObjectNode body = api.json().createObjectNode();
          body.put("name", name);
          ArrayNode lines = body.putArray("records");
          records.forEach(lines::add);
          return CompletableFuture.completedFuture(
              new ApiResponse(200, api.json().writeValueAsBytes(body)));
        });
  }
}
