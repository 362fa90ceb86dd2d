package org.provisioning.dhcp.message;

import java.util.Optional;

/** The {@code op} field (RFC 2131 §2): a closed set of two. */
public enum BootOp {
  BOOTREQUEST(1),
  BOOTREPLY(2);

  private final int code;

  BootOp(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<BootOp> fromCode(int code) {
    return switch (code) {
      case 1 -> Optional.of(BOOTREQUEST);
      case 2 -> Optional.of(BOOTREPLY);
      default -> Optional.empty();
    };
  }
}
