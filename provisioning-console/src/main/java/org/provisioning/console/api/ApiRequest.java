package org.provisioning.console.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One management request, free of any HTTP library so that routes are tested without sockets.
 *
 * @param path the path without query, e.g. {@code /api/v1/config}
 * @param query decoded query parameters
 * @param authorization the {@code Authorization} header, or null
 * @param ifMatch the {@code If-Match} header, or null
 * @param headers every header by lower-case name (repeated ones joined), for cookies and CSRF
 * @param remoteAddress where the request came from ({@code 192.0.2.7:50312}), or null
 * @param principal who sent it, once the guard admitted it; null before, and on public routes
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    String authorization,
    String ifMatch,
    byte[] body,
    Map<String, String> headers,
    String remoteAddress,
    ApiPrincipal principal) {

  public ApiRequest {
    headers = headers == null ? Map.of() : headers;
  }

  public ApiRequest(
      String method,
      String path,
      Map<String, List<String>> query,
      String authorization,
      String ifMatch,
      byte[] body) {
    this(method, path, query, authorization, ifMatch, body, Map.of(), null, null);
  }

  public String queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** A header's value, or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The path for a log line: decoded, it may hold a line break ({@code %0A}) and so forge a line of
   * its own, an AUDIT one say ({@link LogText}).
   */
  public String pathForLog() {
    return LogText.escape(path);
  }

  public ApiRequest withPath(String newPath) {
    return new ApiRequest(
        method, newPath, query, authorization, ifMatch, body, headers, remoteAddress, principal);
  }

  public ApiRequest withPrincipal(ApiPrincipal who) {
    return new ApiRequest(
        method, path, query, authorization, ifMatch, body, headers, remoteAddress, who);
  }
}
