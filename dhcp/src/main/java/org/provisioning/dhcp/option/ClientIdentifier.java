package org.provisioning.dhcp.option;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Option 61, the key a server must use instead of chaddr when a client sends it (RFC 2131 §4.2, RFC
 * 2132 §9.14): a type octet (1 = Ethernet MAC follows, 255 = RFC 4361 IAID and DUID) and the
 * identifier. Compared by content, so it can key a lease table.
 */
public final class ClientIdentifier {
  private final byte[] value;

  private ClientIdentifier(byte[] value) {
    this.value = value;
  }

  /**
   * The identifier of a raw option 61 value.
   *
   * @throws IllegalArgumentException below the two octets RFC 2132 §9.14 requires
   */
  public static ClientIdentifier of(byte[] raw) {
    return of(raw, 0, raw.length);
  }

  static ClientIdentifier of(byte[] b, int off, int len) {
    if (len < 2) {
      throw new IllegalArgumentException("a client identifier has at least two octets");
    }
    return new ClientIdentifier(Arrays.copyOfRange(b, off, off + len));
  }

  /** The type octet: 1 for a hardware address, 255 for IAID plus DUID (RFC 4361 §6.1). */
  public int type() {
    return value[0] & 0xff;
  }

  /** A copy of the octets after the type. */
  public byte[] identifier() {
    return Arrays.copyOfRange(value, 1, value.length);
  }

  /** A copy of the option value, type included. */
  public byte[] toBytes() {
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientIdentifier other && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  /** Colon-separated hex of the whole value, type first, as dhcpd and Kea print it. */
  @Override
  public String toString() {
    return HexFormat.ofDelimiter(":").formatHex(value);
  }
}
