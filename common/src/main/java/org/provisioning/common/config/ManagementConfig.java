package org.provisioning.common.config;

import org.provisioning.common.net.Ipv4Address;

/**
 * The management API (JSON over HTTP) that the console and {@code provisionctl} use. Loopback by
 * default: exposing it is a decision the operator makes in the config, and off loopback it is
 * served over HTTPS only ({@link #tls}).
 *
 * @param metricsRequireToken whether {@code GET /metrics} (Prometheus) needs the API token like the
 *     rest of the API. Left out, it does only when {@code listen} is not a loopback address:
 *     Prometheus scrapes without credentials by default, the statistics hold no secret, and on
 *     loopback only this machine can ask; once the API is reachable from the network, the counts
 *     are kept to whoever holds the token (Prometheus: {@code authorization: {credentials_file:
 *     ...}}) unless this is set to false.
 * @param tls HTTPS: when, and with which certificate
 * @param login browser sessions and failed logins
 */
public record ManagementConfig(
    Ipv4Address listen,
    Integer port,
    Integer maxBodyBytes,
    Boolean metricsRequireToken,
    ManagementTlsConfig tls,
    ManagementLoginConfig login) {
  public static final int DEFAULT_PORT = 8067;

  public ManagementConfig {
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? DEFAULT_PORT : port;
    maxBodyBytes = maxBodyBytes == null ? 1 << 20 : maxBodyBytes;
    tls = tls == null ? ManagementTlsConfig.defaults() : tls;
    login = login == null ? ManagementLoginConfig.defaults() : login;
  }

  /** {@link #metricsRequireToken} as given, else true unless the API listens on loopback only. */
  public boolean metricsTokenRequired() {
    return metricsRequireToken != null
        ? metricsRequireToken
        : !listen.toInetAddress().isLoopbackAddress();
  }

  /** Whether the listener serves HTTPS: always off loopback, on loopback when asked to. */
  public boolean tlsRequired() {
    return tls.enabled() != null
        ? tls.enabled() || !listen.toInetAddress().isLoopbackAddress()
        : !listen.toInetAddress().isLoopbackAddress();
  }
}
