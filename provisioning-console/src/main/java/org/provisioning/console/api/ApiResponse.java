package org.provisioning.console.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reply: status code and body bytes, plus an {@code Allow} for 405 and any further headers
 * ({@code Set-Cookie} at login, {@code Retry-After}). The body is UTF-8 JSON unless {@code
 * contentType} says otherwise (the Prometheus text of {@code GET /metrics}).
 */
public record ApiResponse(
    int status, byte[] body, String allow, String contentType, Map<String, String> headers) {
  public static final String JSON = "application/json; charset=utf-8";

  public ApiResponse {
    contentType = contentType == null ? JSON : contentType;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  public ApiResponse(int status, byte[] body) {
    this(status, body, null, null, null);
  }

  public ApiResponse(int status, byte[] body, String allow) {
    this(status, body, allow, null, null);
  }

  public ApiResponse(int status, byte[] body, String allow, String contentType) {
    this(status, body, allow, contentType, null);
  }

  /** This reply with one more header. */
  public ApiResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ApiResponse(status, body, allow, contentType, more);
  }
}
