package org.provisioning.dhcp.engine;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Octet strings written in the config: hex pairs ({@code 00:11:22}, {@code 00-11-22}) or text. */
final class Octets {
  private static final Pattern HEX = Pattern.compile("(?i)[0-9a-f]{2}([:-][0-9a-f]{2})*");

  private Octets() {}

  static byte[] parseHex(String text) {
    return HexFormat.of().parseHex(text.replace(":", "").replace("-", ""));
  }

  /** Hex pairs if it reads as such, else the UTF-8 text itself. */
  static byte[] parseHexOrText(String text) {
    return HEX.matcher(text).matches() ? parseHex(text) : text.getBytes(StandardCharsets.UTF_8);
  }

  static boolean startsWith(byte[] value, byte[] prefix) {
    if (value.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (value[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
