package org.provisioning.common.service;

/**
 * A service of {@code provisiond} (DHCP, TFTP, DNS, ToD, the console): started and stopped by the
 * composition root in {@code dist}, in dependency order.
 */
public interface ProvisioningService {

  /** Short stable name, also the prefix of its statistics: {@code dhcp}, {@code tftp}. */
  String name();

  /** Binds sockets and starts serving; throws if it cannot (a port in use). */
  void start() throws Exception;

  /** Stops serving and releases every resource; safe to call twice. */
  void stop();

  ServiceState state();
}
