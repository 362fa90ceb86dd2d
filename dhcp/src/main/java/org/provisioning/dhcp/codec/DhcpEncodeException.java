package org.provisioning.dhcp.codec;

/**
 * A reply that cannot be put on the wire within the client's maximum message size, even with option
 * overload (RFC 2132 §9.3, §9.10). The engine drops or trims the reply and counts it.
 */
public final class DhcpEncodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DhcpEncodeException(String message) {
    super(message);
  }
}
