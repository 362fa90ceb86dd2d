package org.provisioning.console.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.control.ConfigFileRenderer;
import org.provisioning.common.control.ConfigFileRenderer.RenderedFile;

/**
 * {@code GET /api/v1/tftp/render?mac=00:11:22:33:44:55[&file=NAME][&class=CLASS]}: the DOCSIS
 * config file a modem would get, as template text (MICs as comments) and as its octets in base64,
 * built exactly as TFTP would build it but without any lease. 400 when nothing can be built.
 */
public final class TftpRoutes {
  private TftpRoutes() {}

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
