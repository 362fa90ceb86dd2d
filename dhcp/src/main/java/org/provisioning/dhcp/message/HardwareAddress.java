package org.provisioning.dhcp.message;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The client hardware address: {@code htype}, {@code hlen} and the first {@code hlen} octets of
 * {@code chaddr} (RFC 2131 §2). At most 16 octets, the size of chaddr. Compared by content.
 */
public final class HardwareAddress {
  /** The size of the chaddr field. */
  public static final int MAX_LENGTH = 16;

  private static final byte[] NONE = new byte[0];

  private final HardwareType type;
  private final byte[] address;

  private HardwareAddress(HardwareType type, byte[] address) {
    this.type = type;
    this.address = address;
  }

  /**
   * @throws IllegalArgumentException over 16 octets
   */
  public static HardwareAddress of(HardwareType type, byte[] address) {
    return of(type, address, 0, address.length);
  }

  /**
   * @throws IllegalArgumentException over 16 octets
   */
  public static HardwareAddress of(HardwareType type, byte[] b, int off, int len) {
    if (len > MAX_LENGTH) {
      throw new IllegalArgumentException("a hardware address has at most 16 octets, not " + len);
    }
    return new HardwareAddress(type, len == 0 ? NONE : Arrays.copyOfRange(b, off, off + len));
  }

  public static HardwareAddress ethernet(MacAddress mac) {
    return new HardwareAddress(HardwareType.ETHERNET, mac.toBytes());
  }

  public HardwareType type() {
    return type;
  }

  /** {@code hlen}. */
  public int length() {
    return address.length;
  }

  public byte[] toBytes() {
    return address.clone();
  }

  /** Writes the address octets into {@code dst} without allocating. */
  public void copyTo(byte[] dst, int off) {
    System.arraycopy(address, 0, dst, off, address.length);
  }

  /** The MAC, for an Ethernet (or IEEE 802) address of six octets. */
  public Optional<MacAddress> macAddress() {
    if (address.length != 6
        || (type.code() != HardwareType.ETHERNET.code()
            && type.code() != HardwareType.IEEE802.code())) {
      return Optional.empty();
    }
    return Optional.of(MacAddress.of(address, 0));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HardwareAddress other
        && other.type.equals(type)
        && Arrays.equals(other.address, address);
  }

  @Override
  public int hashCode() {
    return 31 * type.hashCode() + Arrays.hashCode(address);
  }

  /** {@code 20:e5:2a:b8:15:14} for Ethernet; {@code TYPE(n)/hex:...} for anything else. */
  @Override
  public String toString() {
    String hex = HexFormat.ofDelimiter(":").formatHex(address);
    return type.code() == HardwareType.ETHERNET.code() ? hex : type + "/" + hex;
  }
}
