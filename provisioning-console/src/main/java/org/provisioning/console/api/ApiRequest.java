package org.provisioning.console.api;

import java.util.List;
import java.util.Map;

/**
 * One management request, free of any HTTP library so that routes are tested without sockets.
 *
 * @param path the path without query, e.g. {@code /api/v1/config}
 * @param query decoded query parameters
 * @param authorization the {@code Authorization} header, or null
 * @param ifMatch the {@code If-Match} header, or null
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    String authorization,
    String ifMatch,
    byte[] body) {

  public String queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
