package org.provisioning.console.api;

import java.util.Locale;

/**
 * Text a client sent, made safe for a log line: a line break ({@code %0A} in a path, {@code \n} in
 * a JSON string) would forge a line of its own, an AUDIT one say, and an escape sequence rewrite
 * the screen of whoever reads the log in a terminal. Control characters (C0, DEL, C1) are written
 * as {@code \\uXXXX}.
 */
public final class LogText {
  private LogText() {}

  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
