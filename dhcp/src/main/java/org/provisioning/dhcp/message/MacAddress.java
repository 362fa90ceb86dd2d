package org.provisioning.dhcp.message;

/**
 * A 48-bit IEEE MAC address as a number: compact enough to key millions of leases, free of arrays,
 * ordered as the unsigned value.
 */
public record MacAddress(long value) implements Comparable<MacAddress> {

  public MacAddress {
    if ((value & ~0xffff_ffff_ffffL) != 0) {
      throw new IllegalArgumentException("a MAC address has 48 bits: " + Long.toHexString(value));
    }
  }

  /** The six octets at {@code off}. */
  public static MacAddress of(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 6; i++) {
      v = v << 8 | (b[off + i] & 0xff);
    }
    return new MacAddress(v);
  }

  /**
   * Parses six hex pairs separated by colons or hyphens ({@code 20:e5:2a:b8:15:14}).
   *
   * @throws IllegalArgumentException otherwise
   */
  public static MacAddress parse(String text) {
    if (text.length() != 17) {
      throw new IllegalArgumentException("'" + text + "' is not a MAC like 20:e5:2a:b8:15:14");
    }
    char sep = text.charAt(2);
    if (sep != ':' && sep != '-') {
      throw new IllegalArgumentException("'" + text + "' is not a MAC like 20:e5:2a:b8:15:14");
    }
    long v = 0;
    for (int i = 0; i < 6; i++) {
      int at = 3 * i;
      if (i > 0 && text.charAt(at - 1) != sep) {
        throw new IllegalArgumentException("'" + text + "' mixes separators");
      }
      int hi = Character.digit(text.charAt(at), 16);
      int lo = Character.digit(text.charAt(at + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("'" + text + "' has a non-hex digit");
      }
      v = v << 8 | hi << 4 | lo;
    }
    return new MacAddress(v);
  }

  public byte[] toBytes() {
    byte[] b = new byte[6];
    for (int i = 0; i < 6; i++) {
      b[i] = (byte) (value >>> (8 * (5 - i)));
    }
    return b;
  }

  @Override
  public int compareTo(MacAddress other) {
    return Long.compare(value, other.value);
  }

  /** Lower-case hex pairs with colons. */
  @Override
  public String toString() {
    char[] out = new char[17];
    for (int i = 0; i < 6; i++) {
      int octet = (int) (value >>> (8 * (5 - i))) & 0xff;
      out[3 * i] = Character.forDigit(octet >>> 4, 16);
      out[3 * i + 1] = Character.forDigit(octet & 0xf, 16);
      if (i < 5) {
        out[3 * i + 2] = ':';
      }
    }
    return new String(out);
  }
}
