package org.provisioning.common.config;

import org.provisioning.common.net.Ipv4Address;

/** The RFC 868 Time of Day service, on TCP and UDP at the same port. */
public record TodConfig(Boolean enabled, Ipv4Address listen, Integer port) {

  public TodConfig {
    enabled = enabled != null && enabled;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 37 : port;
  }
}
