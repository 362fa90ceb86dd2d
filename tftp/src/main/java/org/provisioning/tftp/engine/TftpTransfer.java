package org.provisioning.tftp.engine;

import org.provisioning.tftp.codec.TftpCodec;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpPacket;

/**
 * One transfer with one client TID, as a state machine. The caller serialises every call (the
 * server runs a transfer on one event loop), sends what {@link Output} receives, and calls {@link
 * #onTimer} once {@link #deadline()} has passed.
 */
public interface TftpTransfer {

  /** Where a transfer's packets go. */
  @FunctionalInterface
  interface Output {
    void send(byte[] packet);
  }

  enum Status {
    RUNNING,
    COMPLETED,
    FAILED
  }

  /** Sends the first packet(s): an OACK, the first DATA window, or ACK 0. */
  Status start(long nowMillis, Output out);

  /** A packet from the client's TID. */
  Status onPacket(TftpPacket packet, long nowMillis, Output out);

  /** Retransmits, or gives up, if the deadline has passed; otherwise does nothing. */
  Status onTimer(long nowMillis, Output out);

  /** When {@link #onTimer} next has work to do, in the caller's clock. */
  long deadline();

  /** Why it failed, once {@link Status#FAILED} was returned. */
  TransferFailure failure();

  /** File octets sent (acknowledged) or received so far. */
  long octets();

  /** Releases the file (and deletes an unfinished upload). Safe to call twice. */
  void close();

  /** The retransmission timeout after {@code timeout}: doubled, up to 8 times the first. */
  static long backedOff(long timeout, long firstTimeout) {
    return Math.min(timeout * 2, 8L * firstTimeout);
  }

  /**
   * Whether a transfer has timed out too often for the blocks it moved: more than the retries of
   * two blocks, plus one for every two blocks. A client that answers each block just before its
   * last try starts the retries again every time and would hold a transfer slot for days (a 10 MB
   * file at half a minute a block): it is ended at its third block. A link that loses a packet in
   * every four blocks stays well inside.
   */
  static boolean tooManyTimeouts(long timeouts, int retries, long blocks) {
    return timeouts > 2L * retries + blocks / 2;
  }

  /** The ERROR a transfer ends with when {@link #tooManyTimeouts} says so. */
  static byte[] tooSlowError() {
    return TftpCodec.error(TftpErrorCode.NOT_DEFINED, "too many timeouts for the blocks moved");
  }

  /** How long every try of one block takes, from the first timeout through its retries. */
  static long allTries(long firstTimeout, int retries) {
    long timeout = firstTimeout;
    long total = 0;
    for (int attempt = 0; attempt <= retries; attempt++) {
      total += timeout;
      timeout = backedOff(timeout, firstTimeout);
    }
    return total;
  }
}
