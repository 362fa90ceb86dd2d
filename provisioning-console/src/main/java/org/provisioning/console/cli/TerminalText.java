package org.provisioning.console.cli;

/**
 * Text from the network made safe to print on an operator's terminal. Host names come from DHCP
 * clients, alert messages and audit entries may quote them: a line break would print a row of the
 * client's making into a table that scripts read, and an escape sequence could clear or rewrite the
 * operator's screen. Control characters (C0, DEL, C1) and the Unicode marks that reorder text on
 * screen print as {@code \\uXXXX}.
 */
final class TerminalText {
  private TerminalText() {}

  static String safe(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (unsafe(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static boolean unsafe(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e'
        || c == '\u200f';
  }
}
