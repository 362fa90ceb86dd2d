package org.provisioning.tftp.message;

/** The opcodes of RFC 1350 and RFC 2347: a closed set, anything else is a malformed packet. */
public enum TftpOpcode {
  RRQ(1),
  WRQ(2),
  DATA(3),
  ACK(4),
  ERROR(5),
  OACK(6);

  private final int code;

  TftpOpcode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The opcode, or null when {@code code} is none of them. */
  public static TftpOpcode of(int code) {
    return code >= 1 && code <= 6 ? values()[code - 1] : null;
  }
}
