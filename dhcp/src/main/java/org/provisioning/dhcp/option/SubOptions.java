package org.provisioning.dhcp.option;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.provisioning.common.net.Ipv4Address;

/**
 * Encapsulated sub-options: one code octet, one length octet, the value (RFC 2132 §8.4, RFC 3046
 * §2.0, RFC 3495 §4). Immutable. Order and unknown codes are kept, and {@link #toBytes()} of a
 * parsed instance returns exactly the octets it was parsed from, so a relay agent's option 82 can
 * be echoed unchanged (RFC 3046 §2.2).
 *
 * <p>Inside an encapsulation codes 0 and 255 are ordinary codes, not pad and end: Kea reads them
 * that way, and CableLabs spaces assign no framing meaning to them.
 */
public final class SubOptions {

  private static final SubOptions EMPTY = new SubOptions(new byte[0], new int[0], 0);

  private final byte[] data;

  /** Pairs of (offset of the code octet, value length). */
  private final int[] index;

  private final int count;

  private SubOptions(byte[] data, int[] index, int count) {
    this.data = data;
    this.index = index;
    this.count = count;
  }

  public static SubOptions empty() {
    return EMPTY;
  }

  /** Whether the octets split exactly into code/length/value triples. */
  static boolean isWellFramed(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      if (i + 2 > end) {
        return false;
      }
      i += 2 + (b[i + 1] & 0xff);
    }
    return i == end;
  }

  /** The sub-options of an encapsulating value; empty if the framing is broken. */
  public static Optional<SubOptions> parse(byte[] value) {
    return parse(value, 0, value.length);
  }

  /** The sub-options of {@code len} octets at {@code off}; empty if the framing is broken. */
  public static Optional<SubOptions> parse(byte[] b, int off, int len) {
    if (!isWellFramed(b, off, len)) {
      return Optional.empty();
    }
    return Optional.of(parseFramed(b, off, len));
  }

  /** Parses octets already checked with {@link #isWellFramed}. */
  static SubOptions parseFramed(byte[] b, int off, int len) {
    if (len == 0) {
      return EMPTY;
    }
    byte[] data = Arrays.copyOfRange(b, off, off + len);
    int[] index = new int[Math.min(len, 32)];
    int count = 0;
    int i = 0;
    while (i < len) {
      int l = data[i + 1] & 0xff;
      if (2 * count + 2 > index.length) {
        index = Arrays.copyOf(index, index.length * 2);
      }
      index[2 * count] = i;
      index[2 * count + 1] = l;
      count++;
      i += 2 + l;
    }
    return new SubOptions(data, index, count);
  }

  public static Builder builder() {
    return new Builder();
  }

  public int size() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The code of the sub-option at a position, in wire order (for unknown codes). */
  public int codeAt(int position) {
    checkPosition(position);
    return data[index[2 * position]] & 0xff;
  }

  /** A copy of the value of the sub-option at a position, in wire order. */
  public byte[] valueAt(int position) {
    checkPosition(position);
    int start = index[2 * position] + 2;
    return Arrays.copyOfRange(data, start, start + index[2 * position + 1]);
  }

  private void checkPosition(int position) {
    if (position < 0 || position >= count) {
      throw new IndexOutOfBoundsException(position);
    }
  }

  public boolean contains(int code) {
    return find(code) >= 0;
  }

  /** A copy of the first value with that code. */
  public Optional<byte[]> get(int code) {
    int p = find(code);
    if (p < 0) {
      return Optional.empty();
    }
    return Optional.of(valueAt(p));
  }

  /** A copy of the value of a defined sub-option, whatever its shape. */
  public Optional<byte[]> get(DhcpSubOptionDefinition definition) {
    return get(definition.code());
  }

  /** Whether the sub-option is present and its value does not fit its definition. */
  public boolean isMalformed(DhcpSubOptionDefinition definition) {
    int p = find(definition.code());
    return p >= 0 && !definition.accepts(data, index[2 * p] + 2, index[2 * p + 1]);
  }

  /** The value as text (byte-preserving ISO-8859-1, trailing NULs cut), if well-formed. */
  public Optional<String> string(DhcpSubOptionDefinition definition) {
    int p = wellFormed(definition);
    if (p < 0) {
      return Optional.empty();
    }
    return Optional.of(text(data, index[2 * p] + 2, index[2 * p + 1]));
  }

  public Optional<Ipv4Address> ipv4Address(DhcpSubOptionDefinition definition) {
    int p = wellFormed(definition);
    if (p < 0 || index[2 * p + 1] != 4) {
      return Optional.empty();
    }
    return Optional.of(new Ipv4Address(readInt(data, index[2 * p] + 2)));
  }

  /** Every address of an IPv4 list; empty if absent or malformed. */
  public List<Ipv4Address> ipv4Addresses(DhcpSubOptionDefinition definition) {
    int p = wellFormed(definition);
    if (p < 0) {
      return List.of();
    }
    return addresses(data, index[2 * p] + 2, index[2 * p + 1]);
  }

  public OptionalInt uint8(DhcpSubOptionDefinition definition) {
    int p = wellFormed(definition);
    if (p < 0 || index[2 * p + 1] != 1) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(data[index[2 * p] + 2] & 0xff);
  }

  public OptionalInt uint16(DhcpSubOptionDefinition definition) {
    int p = wellFormed(definition);
    if (p < 0 || index[2 * p + 1] != 2) {
      return OptionalInt.empty();
    }
    int at = index[2 * p] + 2;
    return OptionalInt.of((data[at] & 0xff) << 8 | (data[at + 1] & 0xff));
  }

  public OptionalLong uint32(DhcpSubOptionDefinition definition) {
    int p = wellFormed(definition);
    if (p < 0 || index[2 * p + 1] != 4) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Integer.toUnsignedLong(readInt(data, index[2 * p] + 2)));
  }

  /** The value of a sub-option in DNS wire format, as a dotted name. */
  public Optional<String> fqdn(DhcpSubOptionDefinition definition) {
    int p = wellFormed(definition);
    if (p < 0) {
      return Optional.empty();
    }
    return Optional.ofNullable(DnsNames.decode(data, index[2 * p] + 2, index[2 * p + 1]));
  }

  /** The position of the first sub-option with that code whose value fits, or -1. */
  private int wellFormed(DhcpSubOptionDefinition definition) {
    int p = find(definition.code());
    if (p < 0 || !definition.accepts(data, index[2 * p] + 2, index[2 * p + 1])) {
      return -1;
    }
    return p;
  }

  private int find(int code) {
    for (int p = 0; p < count; p++) {
      if ((data[index[2 * p]] & 0xff) == code) {
        return p;
      }
    }
    return -1;
  }

  /** The encoded sub-options; for a parsed instance, exactly the octets parsed. */
  public byte[] toBytes() {
    return data.clone();
  }

  /** Encoded length in octets. */
  public int length() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubOptions other && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  /** {@code {1=20000002, 2=20e52ab81514}}: codes and hex values, for logs. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    for (int p = 0; p < count; p++) {
      if (p > 0) {
        s.append(", ");
      }
      int at = index[2 * p];
      s.append(data[at] & 0xff)
          .append('=')
          .append(HexFormat.of().formatHex(data, at + 2, at + 2 + index[2 * p + 1]));
    }
    return s.append('}').toString();
  }

  static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | b[at + 3] & 0xff;
  }

  static String text(byte[] b, int off, int len) {
    int end = off + len;
    while (end > off && b[end - 1] == 0) {
      end--; // RFC 2132 §2: text is not NUL-terminated, yet some clients terminate it anyway.
    }
    return end == off ? "" : new String(b, off, end - off, StandardCharsets.ISO_8859_1);
  }

  static List<Ipv4Address> addresses(byte[] b, int off, int len) {
    int n = len / 4;
    Ipv4Address[] out = new Ipv4Address[n];
    for (int i = 0; i < n; i++) {
      out[i] = new Ipv4Address(readInt(b, off + 4 * i));
    }
    return List.of(out);
  }

  /** Builds sub-options in the order they are added; a code added twice appears twice. */
  public static final class Builder {
    private final List<byte[]> values = new ArrayList<>();
    private final List<Integer> codes = new ArrayList<>();
    private int length;

    private Builder() {}

    /**
     * Adds a sub-option.
     *
     * @throws IllegalArgumentException for a code outside 0-255 or a value over 255 octets (a
     *     sub-option cannot be split, RFC 3396 covers top-level options only)
     */
    public Builder add(int code, byte[] value) {
      if (code < 0 || code > 255) {
        throw new IllegalArgumentException("sub-option code " + code + " is outside 0-255");
      }
      if (value.length > 255) {
        throw new IllegalArgumentException(
            "sub-option " + code + " has " + value.length + " octets, more than 255");
      }
      codes.add(code);
      values.add(value.clone());
      length += 2 + value.length;
      return this;
    }

    public Builder add(DhcpSubOptionDefinition definition, byte[] value) {
      return add(definition.code(), value);
    }

    public Builder string(DhcpSubOptionDefinition definition, String value) {
      return add(definition.code(), value.getBytes(StandardCharsets.ISO_8859_1));
    }

    public Builder ipv4Address(DhcpSubOptionDefinition definition, Ipv4Address address) {
      return add(definition.code(), address.toBytes());
    }

    public Builder ipv4Addresses(DhcpSubOptionDefinition definition, List<Ipv4Address> list) {
      return add(definition.code(), DhcpOptions.addressBytes(list));
    }

    public Builder uint8(DhcpSubOptionDefinition definition, int value) {
      return add(definition.code(), DhcpOptions.uint8Bytes(value));
    }

    public Builder uint16(DhcpSubOptionDefinition definition, int value) {
      return add(definition.code(), DhcpOptions.uint16Bytes(value));
    }

    public Builder uint32(DhcpSubOptionDefinition definition, long value) {
      return add(definition.code(), DhcpOptions.uint32Bytes(value));
    }

    public Builder fqdn(DhcpSubOptionDefinition definition, String name) {
      return add(definition.code(), DnsNames.encode(name));
    }

    public SubOptions build() {
      byte[] out = new byte[length];
      int o = 0;
      for (int i = 0; i < codes.size(); i++) {
        byte[] v = values.get(i);
        out[o++] = (byte) (int) codes.get(i);
        out[o++] = (byte) v.length;
        System.arraycopy(v, 0, out, o, v.length);
        o += v.length;
      }
      return parseFramed(out, 0, out.length);
    }
  }
}
