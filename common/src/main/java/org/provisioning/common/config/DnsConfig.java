package org.provisioning.common.config;

import org.provisioning.common.net.Ipv4Address;

/** The authoritative DNS service for the provisioning zones. */
public record DnsConfig(Boolean enabled, Ipv4Address listen, Integer port) {

  public DnsConfig {
    enabled = enabled != null && enabled;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 53 : port;
  }
}
