package org.provisioning.tftp.engine;

/** Why a transfer that had started did not complete; counted as {@code tftp.transfers.failed.*}. */
public enum TransferFailure {
  /** No answer after every retransmission. */
  TIMEOUT,
  /** More timeouts than the blocks moved allow: a client answering each block at its last try. */
  TOO_SLOW,
  /** The client sent an ERROR (for instance: it refused our OACK). */
  CLIENT_ERROR,
  /** Reading the file failed (removed or shrunk while sent). */
  READ_ERROR,
  /** Writing an upload failed, or it outgrew {@code maxWriteBytes}. */
  WRITE_ERROR,
  /** The client sent a packet that has no place in the transfer. */
  ILLEGAL_PACKET,
  /** The client asked for another file from the same port: it has given this one up. */
  SUPERSEDED,
  /** The server stopped or was reconfigured while the transfer ran. */
  SHUTDOWN
}
