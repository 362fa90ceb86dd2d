package org.provisioning.common.config;

import org.provisioning.common.net.Ipv4Address;

/**
 * The management API (JSON over HTTP) that the console and {@code provisionctl} use. Loopback by
 * default: exposing it is a decision the operator makes in the config.
 */
public record ManagementConfig(Ipv4Address listen, Integer port, Integer maxBodyBytes) {
  public static final int DEFAULT_PORT = 8067;

  public ManagementConfig {
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? DEFAULT_PORT : port;
    maxBodyBytes = maxBodyBytes == null ? 1 << 20 : maxBodyBytes;
  }
}
