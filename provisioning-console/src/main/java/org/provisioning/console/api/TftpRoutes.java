package org.provisioning.console.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.control.ConfigFileRenderer;
import org.provisioning.common.control.ConfigFileRenderer.RenderedFile;
import org.provisioning.common.control.TftpTransferView;

/**
 * {@code GET /api/v1/tftp/render?mac=00:11:22:33:44:55[&file=NAME][&class=CLASS]}: the DOCSIS
 * config file a modem would get, as template text (MICs as comments) and as its octets in base64,
 * built exactly as TFTP would build it but without any lease. 400 when nothing can be built.
 *
 * <p>{@code GET /api/v1/tftp/transfers}: the newest transfers ({@code transfers}) and, apart, the
 * newest failures and refusals ({@code failures}), newest first.
 */
public final class TftpRoutes {
  private TftpRoutes() {}

  /** The render route and the recent transfers. */
  public static void register(
      ManagementApi api, ConfigFileRenderer renderer, TftpTransferView transfers) {
    register(api, renderer);
    api.route(
        "GET",
        "/tftp/transfers",
        request -> {
          ObjectNode body = api.json().createObjectNode();
          list(body.putArray("transfers"), transfers.recentTransfers());
          list(body.putArray("failures"), transfers.recentFailures());
          return JsonRoutes.ok(api.json(), body);
        });
  }

  private static void list(ArrayNode array, List<TftpTransferView.Transfer> transfers) {
    for (TftpTransferView.Transfer t : transfers) {
      array
          .addObject()
          .put("time", Instant.ofEpochMilli(t.timeMillis()).toString())
          .put("client", t.client())
          .put("file", t.file())
          .put("direction", t.write() ? "write" : "read")
          .put("outcome", t.outcome().name().toLowerCase(Locale.ROOT))
          .put("reason", t.reason())
          .put("message", t.message())
          .put("octets", t.octets())
          .put("millis", t.millis());
    }
  }

  public static void register(ManagementApi api, ConfigFileRenderer renderer) {
    api.route(
        "GET",
        "/tftp/render",
        request -> {
          String mac = request.queryParameter("mac");
          if (mac == null || mac.isBlank()) {
            throw new ManagementApi.BadRequestException(
                "give the modem's MAC: /api/v1/tftp/render?mac=00:11:22:33:44:55");
          }
          RenderedFile file;
          try {
            file =
                renderer.render(
                    request.queryParameter("file"), mac, request.queryParameter("class"));
          } catch (IllegalArgumentException e) {
            throw new ManagementApi.BadRequestException(e.getMessage());
          }
          ObjectNode body = api.json().createObjectNode();
          body.put("name", file.name());
          body.put("size", file.content().length);
          body.put("text", file.text());
          body.put("content", Base64.getEncoder().encodeToString(file.content()));
          return CompletableFuture.completedFuture(
              new ApiResponse(200, api.json().writeValueAsBytes(body)));
        });
  }
}
