package org.provisioning.tftp.message;

import java.util.Locale;

/** Transfer modes of RFC 1350; {@code mail} is obsolete and refused by the server. */
public enum TftpMode {
  NETASCII,
  OCTET,
  MAIL;

  /** The mode named case-insensitively, or null. */
  public static TftpMode of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "netascii" -> NETASCII;
      case "octet" -> OCTET;
      case "mail" -> MAIL;
      default -> null;
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
