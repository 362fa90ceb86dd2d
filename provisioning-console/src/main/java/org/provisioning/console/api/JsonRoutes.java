package org.provisioning.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** JSON in and out for the routes whose body is optional (an empty one reads as {@code {}}). */
public final class JsonRoutes {
  private JsonRoutes() {}

  /** The request's body as JSON; an empty body is an empty object, anything else not JSON a 400. */
  public static JsonNode body(ObjectMapper json, ApiRequest r) {
    if (r.body() == null || r.body().length == 0) {
      return json.createObjectNode();
    }
    try {
      return json.readTree(new String(r.body(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ManagementApi.BadRequestException("the body is not JSON: " + e.getMessage());
    }
  }

  /** 200 with the body as JSON. */
  public static CompletableFuture<ApiResponse> ok(ObjectMapper json, JsonNode body)
      throws IOException {
    return CompletableFuture.completedFuture(new ApiResponse(200, json.writeValueAsBytes(body)));
  }
}
