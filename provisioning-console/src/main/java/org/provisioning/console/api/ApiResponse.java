package org.provisioning.console.api;

/**
 * A reply: status code and body bytes, plus an {@code Allow} for 405. The body is UTF-8 JSON unless
 * {@code contentType} says otherwise (the Prometheus text of {@code GET /metrics}).
 */
public record ApiResponse(int status, byte[] body, String allow, String contentType) {
  public static final String JSON = "application/json; charset=utf-8";

  public ApiResponse {
    contentType = contentType == null ? JSON : contentType;
  }

  public ApiResponse(int status, byte[] body) {
    this(status, body, null, null);
  }

  public ApiResponse(int status, byte[] body, String allow) {
    this(status, body, allow, null);
  }
}
