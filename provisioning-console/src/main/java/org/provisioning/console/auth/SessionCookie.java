package org.provisioning.console.auth;

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends
 * it), Path=/, no Domain, no Max-Age (it dies with the browser; the server ends it sooner when
 * idle). Over HTTPS it is Secure and named with the {@code __Host-} prefix, which browsers accept
 * only so (RFC 6265bis 4.1.3.2).
 */
final class SessionCookie {
  static final String PLAIN_NAME = "provisiond-session";
  static final String TLS_NAME = "__Host-provisiond-session";

  private SessionCookie() {}

  static String name(boolean tls) {
    return tls ? TLS_NAME : PLAIN_NAME;
  }

  /** The session id in a {@code Cookie} header, or null. */
  static String read(String cookieHeader, boolean tls) {
    if (cookieHeader == null) {
      return null;
    }
    String wanted = name(tls);
    for (String pair : cookieHeader.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).strip().equals(wanted)) {
        String value = pair.substring(eq + 1).strip();
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }

  static String set(String id, boolean tls) {
    return name(tls) + "=" + id + attributes(tls);
  }

  static String clear(boolean tls) {
    return name(tls) + "=; Max-Age=0" + attributes(tls);
  }

  private static String attributes(boolean tls) {
    return "; Path=/; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
  }
}
