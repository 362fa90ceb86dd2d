package org.provisioning.console.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.control.DnsZoneView;

/**
 * {@code GET /api/v1/dns/zones}: the served zones with serial and record count; {@code GET
 * /api/v1/dns/zone?name=ZONE}: every record of one zone, static and dynamic. 400 for a zone not
 * served here.
 */
public final class DnsRoutes {
  private DnsRoutes() {}

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
