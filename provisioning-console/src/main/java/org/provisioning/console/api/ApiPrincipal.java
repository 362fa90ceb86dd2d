package org.provisioning.console.api;

import java.util.Objects;

/**
 * Who a request comes from, once authenticated.
 *
 * @param name the console user's name, or {@value #TOKEN_NAME} for the API token
 * @param role what it may do
 * @param via {@code session} (a browser's cookie) or {@code token} (the machine credential that
 *     provisionctl sends)
 */
public record ApiPrincipal(String name, Role role, String via) {
  public static final String TOKEN_NAME = "api-token";
  public static final String VIA_TOKEN = "token";
  public static final String VIA_SESSION = "session";

  public ApiPrincipal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(via, "via");
  }

  /** The holder of the API token: admin-equivalent. */
  public static ApiPrincipal token() {
    return new ApiPrincipal(TOKEN_NAME, Role.ADMIN, VIA_TOKEN);
  }

  public boolean viaSession() {
    return VIA_SESSION.equals(via);
  }
}
