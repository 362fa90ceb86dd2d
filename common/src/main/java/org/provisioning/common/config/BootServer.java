package org.provisioning.common.config;

import org.provisioning.common.net.Ipv4Address;

/**
 * Where a client fetches its boot file ({@code siaddr}): an address, or {@code self}, the server
 * identifier of whichever server answers. A failover pair runs the primary's config, so an address
 * there is the primary's; a modem the secondary serves after a takeover must be sent to a TFTP
 * server that answers, and with {@code self} each server names itself (ISC's advice for dhcpd
 * failover too).
 *
 * @param address the server's address; null for {@code self}
 */
public record BootServer(Ipv4Address address) {
  public static final String SELF_TEXT = "self";

  /** Whichever server answers. */
  public static final BootServer SELF = new BootServer(null);

  /** {@code self}, or an IPv4 address. */
  public static BootServer parse(String text) {
    return SELF_TEXT.equals(text) ? SELF : new BootServer(Ipv4Address.parse(text));
  }

  /** The address to hand out from the server whose identifier this is. */
  public Ipv4Address resolve(Ipv4Address serverIdentifier) {
    return address == null ? serverIdentifier : address;
  }

  @Override
  public String toString() {
    return address == null ? SELF_TEXT : address.toString();
  }
}
