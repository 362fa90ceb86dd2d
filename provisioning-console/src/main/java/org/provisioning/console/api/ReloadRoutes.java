package org.provisioning.console.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigException;
import org.provisioning.common.config.ConfigSyntaxException;
import org.provisioning.common.config.ConfigVersion;

/**
 * {@code POST /api/v1/config/reload}: the server reads its config file again, with the checks of
 * {@code provisiond --check-config} and of an API change ({@code systemctl reload} runs {@code
 * provisionctl config reload}). 200 with the version running and whether it changed; 422 (400 for a
 * file that is not YAML) with every error, the running config unchanged; 409 when the server was
 * started without a config file.
 */
public final class ReloadRoutes {
  private ReloadRoutes() {}

  /** Re-reads the config file; completes with the version running afterwards. */
  @FunctionalInterface
  public interface ConfigReloader {
    CompletableFuture<ConfigVersion> reload() throws IOException, ConfigException;
  }

  public static void register(ManagementApi api, ConfigReloader reloader) {
    api.route(
        "POST",
        "/config/reload",
        request -> {
          CompletableFuture<ConfigVersion> reloaded;
          try {
            reloaded = reloader.reload();
          } catch (ConfigSyntaxException e) {
            return CompletableFuture.completedFuture(invalid(api, 400, e));
          } catch (ConfigException e) {
            return CompletableFuture.completedFuture(invalid(api, 422, e));
          } catch (IllegalStateException | IOException e) {
            ObjectNode body = api.json().createObjectNode();
            body.put("error", e.getMessage());
            return CompletableFuture.completedFuture(
                new ApiResponse(409, api.json().writeValueAsBytes(body)));
          }
          return reloaded.thenApply(
              version -> {
                ObjectNode body = api.json().createObjectNode();
                body.put("version", version.number());
                body.put("source", version.source());
                body.put("changedAt", version.changedAt().toString());
                return new ApiResponse(200, bytes(api, body));
              });
        });
  }

  private static ApiResponse invalid(ManagementApi api, int status, ConfigException e) {
    ObjectNode body = api.json().createObjectNode();
    body.put("error", "the config file was refused; the running config is unchanged");
    ArrayNode errors = body.putArray("errors");
    ArrayNode messages = body.putArray("messages");
    for (ConfigError error : e.errors()) {
      errors.addObject().put("path", error.path()).put("message", error.message());
      messages.add(error.toString());
    }
    return new ApiResponse(status, bytes(api, body));
  }

  private static byte[] bytes(ManagementApi api, ObjectNode body) {
    try {
      return api.json().writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree cannot fail to serialise", e);
    }
  }
}
