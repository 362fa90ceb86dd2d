package org.provisioning.console.api;

/**
 * A reply: status code and body bytes, UTF-8 JSON unless {@code contentType} names another type (a
 * backup's octets), plus an {@code Allow} for 405.
 */
public record ApiResponse(int status, byte[] body, String allow, String contentType) {

  public ApiResponse(int status, byte[] body) {
    this(status, body, null, null);
  }

  public ApiResponse(int status, byte[] body, String allow) {
    this(status, body, allow, null);
  }
}
