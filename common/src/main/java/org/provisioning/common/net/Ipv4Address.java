package org.provisioning.common.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address as its 32-bit value: compact (a lease store holds millions), ordered as an
 * unsigned number, and free of DNS look-ups (unlike {@link InetAddress#getByName}).
 */
public record Ipv4Address(int value) implements Comparable<Ipv4Address> {

  public static final Ipv4Address ANY = new Ipv4Address(0);

  /**
   * Parses a dotted quad strictly: four decimal parts 0-255, no leading zeros (which some parsers
   * read as octal), nothing else.
   *
   * @throws IllegalArgumentException with a message fit for an operator
   */
  public static Ipv4Address parse(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 address like 127.0.0.1");
    }
    int value = 0;
    for (String part : parts) {
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(Character::isDigit)
          || (part.length() > 1 && part.charAt(0) == '0')) {
        throw new IllegalArgumentException("'" + text + "' is not an IPv4 address like 127.0.0.1");
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        throw new IllegalArgumentException("'" + text + "' has a part above 255");
      }
      value = (value << 8) | octet;
    }
    return new Ipv4Address(value);
  }

  public static Ipv4Address of(InetAddress address) {
    if (!(address instanceof Inet4Address)) {
      throw new IllegalArgumentException(address + " is not IPv4");
    }
    byte[] b = address.getAddress();
    return new Ipv4Address(
        (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff));
  }

  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(toBytes());
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an address", e);
    }
  }

  public byte[] toBytes() {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  /** The value as an unsigned number, for arithmetic across 128.0.0.0. */
  public long unsigned() {
    return Integer.toUnsignedLong(value);
  }

  public Ipv4Address plus(long n) {
    return new Ipv4Address((int) (unsigned() + n));
  }

  @Override
  public int compareTo(Ipv4Address other) {
    return Integer.compareUnsigned(value, other.value);
  }

  @Override
  public String toString() {
    return (value >>> 24)
        + "."
        + ((value >>> 16) & 0xff)
        + "."
        + ((value >>> 8) & 0xff)
        + "."
        + (value & 0xff);
  }
}
