package org.provisioning.console.api;

/** A JSON reply: status code and body bytes (UTF-8 JSON), plus an {@code Allow} for 405. */
public record ApiResponse(int status, byte[] body, String allow) {

  public ApiResponse(int status, byte[] body) {
    this(status, body, null);
  }
}
