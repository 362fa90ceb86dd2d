package org.provisioning.console.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.provisioning.console.api.ApiRequest;
import org.provisioning.console.api.ApiResponse;
import org.provisioning.console.api.ManagementApi.BadRequestException;

/** JSON in and out for the console's routes. */
final class Replies {
  private final ObjectMapper json;

  Replies(ObjectMapper json) {
    this.json = json;
  }

  ObjectNode object() {
    return json.createObjectNode();
  }

  ApiResponse reply(int status, JsonNode body) {
    try {
      return new ApiResponse(status, json.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  CompletableFuture<ApiResponse> ok(JsonNode body) {
    return CompletableFuture.completedFuture(reply(200, body));
  }

  ApiResponse error(int status, String message) {
    return reply(status, object().put("error", message));
  }

  /** The request's JSON object body. */
  JsonNode body(ApiRequest request) {
    if (request.body() == null || request.body().length == 0) {
      throw new BadRequestException("the body is empty; send a JSON object");
    }
    try {
      JsonNode tree = json.readTree(new String(request.body(), StandardCharsets.UTF_8));
      if (tree == null || !tree.isObject()) {
        throw new BadRequestException("the body is not a JSON object");
      }
      return tree;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRequestException("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestException("the body is not JSON: " + e.getMessage());
    }
  }

  /** A text field of the body; 400 if it is missing and required. */
  static String text(JsonNode body, String field, boolean required) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new BadRequestException("give '" + field + "'");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new BadRequestException("'" + field + "' must be a string");
    }
    return value.asText();
  }
}
