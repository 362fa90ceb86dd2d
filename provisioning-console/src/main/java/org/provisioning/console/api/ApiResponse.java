package org.provisioning.console.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
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

  /**
   * {@code {"error": message}}, written by hand where no JSON mapper is at hand. The message may
   * hold a request's decoded path: every character a JSON string cannot hold raw is escaped, or a
   * path with a quote in it added fields of its own.
   */
  public static byte[] errorJson(String message) {
    StringBuilder body = new StringBuilder("{\"error\":\"");
    for (char c : message.toCharArray()) {
      if (c == '"' || c == '\\') {
        body.append('\\').append(c);
      } else if (c < 0x20) {
        body.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        body.append(c);
      }
    }
    return body.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** This reply with one more header. */
  public ApiResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ApiResponse(status, body, allow, contentType, more);
  }
}
