package org.provisioning.dhcp.option;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One enterprise's block of option 124, V-I Vendor Class (RFC 3925 §3). The class data are opaque
 * octets; they are held as byte-preserving ISO-8859-1 text because every CableLabs device sends
 * ASCII there ({@code docsis3.0}, {@code eRouter1.0}).
 *
 * @param enterpriseNumber IANA private enterprise number, 4491 for CableLabs
 */
public record VendorClass(long enterpriseNumber, List<String> data) {

  public VendorClass {
    if (enterpriseNumber < 0 || enterpriseNumber > 0xffffffffL) {
      throw new IllegalArgumentException("enterprise number " + enterpriseNumber);
    }
    data = List.copyOf(data);
  }

  /** Whether octets split into length-prefixed items exactly. */
  static boolean isWellFramed(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      i += 1 + (b[i] & 0xff);
    }
    return i == end;
  }

  /** The blocks of an option 124 value; empty if the framing is broken. */
  public static Optional<List<VendorClass>> parse(byte[] value) {
    if (!DhcpOptionFormat.VENDOR_CLASSES.accepts(value, 0, value.length, false, List.of())) {
      return Optional.empty();
    }
    return Optional.of(parseFramed(value, 0, value.length));
  }

  static List<VendorClass> parseFramed(byte[] b, int off, int len) {
    List<VendorClass> out = new ArrayList<>(1);
    int i = off;
    int end = off + len;
    while (i < end) {
      long enterprise = Integer.toUnsignedLong(SubOptions.readInt(b, i));
      int dataEnd = i + 5 + (b[i + 4] & 0xff);
      List<String> items = new ArrayList<>(1);
      int k = i + 5;
      while (k < dataEnd) {
        int itemLen = b[k] & 0xff;
        items.add(new String(b, k + 1, itemLen, StandardCharsets.ISO_8859_1));
        k += 1 + itemLen;
      }
      out.add(new VendorClass(enterprise, items));
      i = dataEnd;
    }
    return List.copyOf(out);
  }

  /**
   * The option 124 value of several blocks.
   *
   * @throws IllegalArgumentException if an item or a block exceeds 255 octets
   */
  public static byte[] encode(List<VendorClass> classes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (VendorClass c : classes) {
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      for (String item : c.data) {
        byte[] b = item.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length > 255) {
          throw new IllegalArgumentException("vendor class item over 255 octets");
        }
        block.write(b.length);
        block.writeBytes(b);
      }
      if (block.size() > 255) {
        throw new IllegalArgumentException("vendor class data over 255 octets");
      }
      out.writeBytes(DhcpOptions.uint32Bytes(c.enterpriseNumber));
      out.write(block.size());
      out.writeBytes(block.toByteArray());
    }
    return out.toByteArray();
  }
}
