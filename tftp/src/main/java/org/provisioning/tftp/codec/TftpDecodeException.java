package org.provisioning.tftp.codec;

/** A datagram that is no TFTP packet; {@link #reason()} names the statistic it is counted under. */
public final class TftpDecodeException extends Exception {
  /** Why a datagram was dropped: the last part of {@code tftp.dropped.<reason>}. */
  public enum Reason {
    TRUNCATED,
    UNKNOWN_OPCODE,
    UNTERMINATED_STRING,
    EMPTY_FILENAME,
    UNKNOWN_MODE,
    BAD_OPTION,
    DUPLICATE_OPTION,
    OPTION_STORM,
    OVERSIZED;

    public String statName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;

  public TftpDecodeException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
