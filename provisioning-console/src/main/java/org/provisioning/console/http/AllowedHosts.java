package org.provisioning.console.http;

import io.netty.util.NetUtil;
import java.util.Locale;

/**
 * The names a request's {@code Host} header may give, against DNS rebinding: a page of another site
 * whose name is made to resolve to this server (or to 127.0.0.1 in the operator's own browser) is
 * the same origin to the browser as its own, and could read {@code /metrics} or lock accounts by
 * failing logins. Over plain HTTP (loopback only) its requests name its own host, so only an IP
 * literal and {@code localhost} are answered. Over HTTPS every name is: a rebound name is not in
 * the certificate, so the browser refuses the connection before any request is sent, while an
 * operator who reaches the console by a name its self-signed certificate lacks, past the browser's
 * warning, must still be served.
 */
final class AllowedHosts {
  private final boolean overTls;

  AllowedHosts(boolean overTls) {
    this.overTls = overTls;
  }

  /** Whether a {@code Host} header's value ({@code host}, {@code host:port}, {@code [v6]:port}). */
  boolean allows(String hostHeader) {
    if (overTls) {
      return true;
    }
    String host = hostHeader.strip();
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end > 0
          && isPort(host.substring(end + 1))
          && NetUtil.isValidIpV6Address(host.substring(1, end));
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      if (!isPort(host.substring(colon))) {
        return false;
      }
      host = host.substring(0, colon);
    }
    String name = host.toLowerCase(Locale.ROOT);
    return NetUtil.isValidIpV4Address(name)
        || name.equals("localhost")
        || name.equals("localhost.");
  }

  /** Nothing, or {@code :} and digits. */
  private static boolean isPort(String rest) {
    return rest.isEmpty() || rest.matches(":[0-9]{1,5}");
  }
}
