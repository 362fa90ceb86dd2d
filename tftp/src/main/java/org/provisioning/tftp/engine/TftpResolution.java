package org.provisioning.tftp.engine;

import org.provisioning.tftp.message.TftpErrorCode;

/** What a requested name resolves to: the octets to send, or a refusal to count and answer. */
public sealed interface TftpResolution {

  record Found(TransferSource source) implements TftpResolution {}

  /**
   * @param reason the statistic it is counted under, {@code tftp.refused.<reason>}
   */
  record Refused(TftpErrorCode code, String message, String reason) implements TftpResolution {}

  static Refused notFound() {
    return new Refused(TftpErrorCode.FILE_NOT_FOUND, "file not found", "not_found");
  }
}
