package org.provisioning.console.alert;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * One syslog message in the format of RFC 5424 (section 6): {@code <PRI>1 TIMESTAMP HOSTNAME
 * APP-NAME PROCID MSGID [SD-ID param="value"...] BOM MSG}. Header fields are printable US-ASCII
 * without spaces, cut to their RFC lengths; a missing one is the nil value {@code -}. The suite's
 * stable event names are the MSGID, so a collector filters on them the way an operator greps the
 * log.
 */
public final class SyslogMessage {
  /**
   * The enterprise number in structured data IDs: 32473, which RFC 5612 reserves for documentation,
   * until the suite has a private enterprise number of its own.
   */
  public static final String ENTERPRISE = "32473";

  /** Severities of RFC 5424 section 6.2.1. */
  public static final int CRITICAL = 2;

  public static final int ERROR = 3;
  public static final int WARNING = 4;
  public static final int NOTICE = 5;
  public static final int INFORMATIONAL = 6;
  public static final int DEBUG = 7;

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private SyslogMessage() {}

  /**
   * The message as octets (UTF-8; the MSG part starts with a byte order mark, as RFC 5424 section
   * 6.4 asks of UTF-8 text).
   *
   * @param sdId a structured data ID ({@code alert@32473}), or null for none
   * @param params its parameters, in order
   */
  public static byte[] format(
      int facility,
      int severity,
      Instant time,
      String hostname,
      String appName,
      String procId,
      String msgId,
      String sdId,
      Map<String, String> params,
      String message) {
    StringBuilder header = new StringBuilder(128);
    header
        .append('<')
        .append(facility * 8 + severity)
        .append(">1 ")
        .append(time.truncatedTo(ChronoUnit.MILLIS))
        .append(' ')
        .append(field(hostname, 255))
        .append(' ')
        .append(field(appName, 48))
        .append(' ')
        .append(field(procId, 128))
        .append(' ')
        .append(field(msgId, 32))
        .append(' ');
    if (sdId == null) {
      header.append('-');
    } else {
      header.append('[').append(field(sdId, 32));
      params.forEach(
          (name, value) ->
              header
                  .append(' ')
                  .append(field(name, 32))
                  .append("=\"")
                  .append(escape(value == null ? "" : value))
                  .append('"'));
      header.append(']');
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(header.length() + 256);
    out.writeBytes(header.toString().getBytes(StandardCharsets.UTF_8));
    if (message != null && !message.isEmpty()) {
      out.write(' ');
      out.writeBytes(BOM);
      out.writeBytes(message.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** A header field: printable US-ASCII (33-126) only, at most {@code max} characters. */
  static String field(String value, int max) {
    if (value == null || value.isEmpty()) {
      return "-";
    }
    StringBuilder field = new StringBuilder(Math.min(value.length(), max));
    for (int i = 0; i < value.length() && field.length() < max; i++) {
      char c = value.charAt(i);
      field.append(c >= 33 && c <= 126 && c != '=' && c != ']' && c != '"' ? c : '_');
    }
    return field.toString();
  }

  /** A parameter value: {@code "}, {@code \} and {@code ]} escaped (RFC 5424 section 6.3.3). */
  static String escape(String value) {
    StringBuilder escaped = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == ']') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }
}
