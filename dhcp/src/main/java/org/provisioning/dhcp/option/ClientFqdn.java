package org.provisioning.dhcp.option;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Option 81, the client's FQDN and who updates DNS (RFC 4702 §2). The name is in DNS wire format
 * when flag E is set, in the deprecated ASCII form otherwise; {@link #domainName()} is dotted
 * either way, with a trailing dot for a fully qualified wire-format name and none for a partial one
 * (RFC 4702 §2.1).
 *
 * @param flags the flags octet: S, O, E, N (see the constants); other bits are kept
 * @param rcode1 deprecated, sent as 0, 255 by a server (RFC 4702 §2.2)
 * @param rcode2 deprecated, as rcode1
 */
public record ClientFqdn(int flags, int rcode1, int rcode2, String domainName) {
  /** S: the server should perform the A update. */
  public static final int FLAG_S = 0x01;

  /** O: the server overrode the client's S preference (server to client only). */
  public static final int FLAG_O = 0x02;

  /** E: the name is in canonical wire format. */
  public static final int FLAG_E = 0x04;

  /** N: the server should perform no update. */
  public static final int FLAG_N = 0x08;

  public ClientFqdn {
    if (flags < 0 || flags > 0xff || rcode1 < 0 || rcode1 > 0xff || rcode2 < 0 || rcode2 > 0xff) {
      throw new IllegalArgumentException("flags and rcodes are single octets");
    }
    if (domainName == null) {
      throw new NullPointerException("domainName");
    }
  }

  /** Parses a value; empty if shorter than 3 octets or the wire-format name is broken. */
  public static Optional<ClientFqdn> parse(byte[] value) {
    return parse(value, 0, value.length);
  }

  static Optional<ClientFqdn> parse(byte[] b, int off, int len) {
    if (len < 3) {
      return Optional.empty();
    }
    int flags = b[off] & 0xff;
    String name;
    if (len == 3) {
      name = "";
    } else if ((flags & FLAG_E) != 0) {
      name = DnsNames.decode(b, off + 3, len - 3);
      if (name == null) {
        return Optional.empty();
      }
    } else {
      name = new String(b, off + 3, len - 3, StandardCharsets.ISO_8859_1);
    }
    return Optional.of(new ClientFqdn(flags, b[off + 1] & 0xff, b[off + 2] & 0xff, name));
  }

  public boolean hasFlag(int flag) {
    return (flags & flag) != 0;
  }

  /** Whether the name is fully qualified; always false for the ASCII form, which cannot say. */
  public boolean isFullyQualified() {
    return hasFlag(FLAG_E) && domainName.endsWith(".");
  }

  /** The option value; wire format if flag E is set. */
  public byte[] toBytes() {
    byte[] name =
        domainName.isEmpty()
            ? new byte[0]
            : hasFlag(FLAG_E)
                ? DnsNames.encode(domainName)
                : domainName.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[3 + name.length];
    out[0] = (byte) flags;
    out[1] = (byte) rcode1;
    out[2] = (byte) rcode2;
    System.arraycopy(name, 0, out, 3, name.length);
    return out;
  }
}
