package org.provisioning.dhcp.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Test packets: golden captures from resources, and crafted ones. */
final class Packets {
  private Packets() {}

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** A golden packet from src/test/resources/org/provisioning/dhcp/codec (see README.md). */
  static byte[] golden(String name) {
    try (InputStream in = Packets.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name);
      }
      return hex(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A BOOTREQUEST from an Ethernet client 00:11:22:33:44:55, xid 0x01020304, with the magic cookie
   * and then the given option octets (hex); no End is added.
   */
  static byte[] request(String optionsHex) {
    byte[] options = hex(optionsHex);
    byte[] p = new byte[240 + options.length];
    p[0] = 1;
    p[1] = 1;
    p[2] = 6;
    p[4] = 1;
    p[5] = 2;
    p[6] = 3;
    p[7] = 4;
    byte[] mac = hex("001122334455");
    System.arraycopy(mac, 0, p, 28, 6);
    p[236] = 0x63;
    p[237] = (byte) 0x82;
    p[238] = 0x53;
    p[239] = 0x63;
    System.arraycopy(options, 0, p, 240, options.length);
    return p;
  }

  /** Writes octets (hex) into a packet at an offset, e.g. options into the file field. */
  static byte[] put(byte[] packet, int offset, String octetsHex) {
    byte[] b = hex(octetsHex);
    System.arraycopy(b, 0, packet, offset, b.length);
    return packet;
  }

  /** Writes text into a packet at an offset, e.g. a name into sname. */
  static byte[] putText(byte[] packet, int offset, String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(b, 0, packet, offset, b.length);
    return packet;
  }
}
