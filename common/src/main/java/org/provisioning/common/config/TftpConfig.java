package org.provisioning.common.config;

import org.provisioning.common.net.Ipv4Address;

/**
 * The TFTP service.
 *
 * @param root the directory files are served from; relative to the installation directory
 */
public record TftpConfig(Boolean enabled, Ipv4Address listen, Integer port, String root) {

  public TftpConfig {
    enabled = enabled != null && enabled;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 69 : port;
    root = root == null ? "tftp" : root;
  }
}
