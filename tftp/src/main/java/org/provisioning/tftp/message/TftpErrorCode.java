package org.provisioning.tftp.message;

/**
 * A TFTP error code (RFC 1350 section 5, 8 from RFC 2347). An open space: unknown codes are kept
 * and print as {@code UNKNOWN(n)}.
 */
public record TftpErrorCode(int code) {
  public static final TftpErrorCode NOT_DEFINED = new TftpErrorCode(0);
  public static final TftpErrorCode FILE_NOT_FOUND = new TftpErrorCode(1);
  public static final TftpErrorCode ACCESS_VIOLATION = new TftpErrorCode(2);
  public static final TftpErrorCode DISK_FULL = new TftpErrorCode(3);
  public static final TftpErrorCode ILLEGAL_OPERATION = new TftpErrorCode(4);
  public static final TftpErrorCode UNKNOWN_TID = new TftpErrorCode(5);
  public static final TftpErrorCode FILE_EXISTS = new TftpErrorCode(6);
  public static final TftpErrorCode NO_SUCH_USER = new TftpErrorCode(7);
  public static final TftpErrorCode OPTION_REFUSED = new TftpErrorCode(8);

  private static final String[] NAMES = {
    "NOT_DEFINED",
    "FILE_NOT_FOUND",
    "ACCESS_VIOLATION",
    "DISK_FULL",
    "ILLEGAL_OPERATION",
    "UNKNOWN_TID",
    "FILE_EXISTS",
    "NO_SUCH_USER",
    "OPTION_REFUSED"
  };

  public TftpErrorCode {
    if (code < 0 || code > 0xFFFF) {
      throw new IllegalArgumentException("TFTP error code " + code + " is not 16 bits");
    }
  }

  @Override
  public String toString() {
    return (code < NAMES.length ? NAMES[code] : "UNKNOWN") + "(" + code + ")";
  }
}
