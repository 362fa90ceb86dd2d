package org.provisioning.dhcp.option;

import java.nio.charset.StandardCharsets;

/**
 * Domain names in DNS wire format without compression (RFC 1035 §3.1), as CableLabs sub-options
 * (RFC 3495 §5) and the client FQDN option (RFC 4702 §2.1) carry them. A name that ends with the
 * root label is written with a trailing dot; one without it is a partial name (RFC 4702 §2.1).
 */
final class DnsNames {
  private DnsNames() {}

  /**
   * Whether the octets are a sequence of labels of 1-63 octets, optionally ending with root.
   * Allocates nothing: it runs for every FQDN-format value a decoder meets.
   */
  static boolean isValid(byte[] b, int off, int len) {
    if (len == 0) {
      return false;
    }
    int i = off;
    int end = off + len;
    while (i < end) {
      int labelLen = b[i] & 0xff;
      if (labelLen == 0) {
        return i + 1 == end;
      }
      if (labelLen > 63 || i + 1 + labelLen > end) {
        return false;
      }
      i += 1 + labelLen;
    }
    return true;
  }

  /** The dotted name, with a trailing dot if the root label ends it; null if not well-formed. */
  static String decode(byte[] b, int off, int len) {
    if (!isValid(b, off, len)) {
      return null;
    }
    StringBuilder name = new StringBuilder(len);
    int i = off;
    int end = off + len;
    while (i < end) {
      int labelLen = b[i] & 0xff;
      if (labelLen == 0) {
        if (i + 1 != end) {
          return null; // data after the root label
        }
        name.append('.');
        return name.length() == 1 ? "." : name.toString();
      }
      if (labelLen > 63 || i + 1 + labelLen > end) {
        return null; // a compression pointer, an extended label type, or an overrun
      }
      if (name.length() > 0) {
        name.append('.');
      }
      name.append(new String(b, i + 1, labelLen, StandardCharsets.ISO_8859_1));
      i += 1 + labelLen;
    }
    return name.toString();
  }

  /**
   * The wire form of a dotted name; a trailing dot writes the root label.
   *
   * @throws IllegalArgumentException for an empty label or one longer than 63 octets
   */
  static byte[] encode(String name) {
    if (name.equals(".")) {
      return new byte[] {0};
    }
    boolean absolute = name.endsWith(".");
    String body = absolute ? name.substring(0, name.length() - 1) : name;
    byte[] text = body.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[text.length + 1 + (absolute ? 1 : 0)];
    int labelStart = 0;
    int o = 0;
    for (int i = 0; i <= text.length; i++) {
      if (i == text.length || text[i] == '.') {
        int labelLen = i - labelStart;
        if (labelLen == 0 || labelLen > 63) {
          throw new IllegalArgumentException(
              "'" + name + "' has an empty label or one longer than 63 octets");
        }
        out[o++] = (byte) labelLen;
        System.arraycopy(text, labelStart, out, o, labelLen);
        o += labelLen;
        labelStart = i + 1;
      }
    }
    if (absolute) {
      out[o] = 0;
    }
    return out;
  }
}
