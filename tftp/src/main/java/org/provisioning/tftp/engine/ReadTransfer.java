package org.provisioning.tftp.engine;

import java.io.IOException;
import org.provisioning.tftp.codec.TftpCodec;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpPacket;

/**
 * Sends one file (RFC 1350 read): an OACK first when options were granted (awaiting ACK 0), then
 * windows of {@code windowSize} DATA blocks (RFC 7440), each window awaited by the ACK of its last
 * block. The final block is shorter than the block size, empty if the file fills its last block.
 * Block numbers wrap from 65535 to 0 for files larger than 65535 blocks, as tftp-hpa does.
 *
 * <p>Only the timer retransmits, with a timeout that doubles up to eight times the first: a
 * duplicate ACK is counted and ignored, so a delayed packet never doubles the traffic (the
 * Sorcerer's Apprentice, RFC 1123 4.2.3.1). An ACK for a block inside the window that was sent
 * means the blocks after it were lost: the window is sent again from there (RFC 7440 section 4).
 */
public final class ReadTransfer implements TftpTransfer {
  private final TransferSource source;
  private final TftpOptions options;
  private final int maxRetries;
  private final TftpStatistics stats;
  private final long lastBlock;

  private boolean awaitingOackAck;

  /** Highest block acknowledged (0: none), and highest sent, as indices that never wrap. */
  private long acked;

  private long sent;
  private int retries;
  private long timeouts; // over the whole transfer: retries start again at each ACK
  private long timeout;
  private long deadline;
  private TransferFailure failure;
  private byte[] buffer;

  public ReadTransfer(
      TransferSource source, TftpOptions options, int maxRetries, TftpStatistics stats) {
    this.source = source;
    this.options = options;
    this.maxRetries = maxRetries;
    this.stats = stats;
    this.lastBlock = source.size() / options.blockSize() + 1;
    this.timeout = options.timeoutMillis();
  }

  @Override
  public Status start(long now, Output out) {
    if (!options.oack().isEmpty()) {
      awaitingOackAck = true;
      out.send(TftpCodec.encode(new TftpPacket.OptionAck(options.oack())));
      deadline = now + timeout;
      return Status.RUNNING;
    }
    return sendWindow(now, out);
  }

  @Override
  public Status onPacket(TftpPacket packet, long now, Output out) {
    if (packet instanceof TftpPacket.Ack ack) {
      return onAck(ack.block(), now, out);
    }
    if (packet instanceof TftpPacket.Error) {
      return fail(TransferFailure.CLIENT_ERROR);
    }
    out.send(TftpCodec.error(TftpErrorCode.ILLEGAL_OPERATION, "only ACK is expected here"));
    return fail(TransferFailure.ILLEGAL_PACKET);
  }

  private Status onAck(int block, long now, Output out) {
    if (awaitingOackAck) {
      if (block != 0) {
        stats.duplicateAcks.increment();
        return Status.RUNNING;
      }
      awaitingOackAck = false;
      return acknowledged(now, out);
    }
    long index = acked + ((block - acked) & 0xFFFF);
    if (index == acked || index > sent) {
      // The same ACK again, or one for a block not sent yet: never answered (RFC 1123 4.2.3.1).
      stats.duplicateAcks.increment();
      return Status.RUNNING;
    }
    acked = index;
    if (acked == lastBlock) {
      stats.completed.increment();
      return Status.COMPLETED;
    }
    // An ACK short of the window's end means the rest of the window was lost: go back to it.
    sent = acked;
    return acknowledged(now, out);
  }

  private Status acknowledged(long now, Output out) {
    retries = 0;
    timeout = options.timeoutMillis();
    return sendWindow(now, out);
  }

  private Status sendWindow(long now, Output out) {
    long until = Math.min(acked + options.windowSize(), lastBlock);
    int blockSize = options.blockSize();
    if (buffer == null) {
      buffer = new byte[blockSize];
    }
    try {
      for (long index = sent + 1; index <= until; index++) {
        long offset = (index - 1) * blockSize;
        int length = (int) Math.min(blockSize, source.size() - offset);
        source.read(offset, buffer, 0, length);
        out.send(TftpCodec.data((int) (index & 0xFFFF), buffer, 0, length));
        stats.bytesSent.add(length);
        sent = index;
      }
    } catch (IOException e) {
      out.send(TftpCodec.error(TftpErrorCode.NOT_DEFINED, "the file could not be read"));
      return fail(TransferFailure.READ_ERROR);
    }
    deadline = now + timeout;
    return Status.RUNNING;
  }

  @Override
  public Status onTimer(long now, Output out) {
    if (now < deadline) {
      return Status.RUNNING;
    }
    if (retries == maxRetries) {
      return fail(TransferFailure.TIMEOUT);
    }
    if (TftpTransfer.tooManyTimeouts(++timeouts, maxRetries, acked)) {
      out.send(TftpTransfer.tooSlowError());
      return fail(TransferFailure.TOO_SLOW);
    }
    retries++;
    timeout = TftpTransfer.backedOff(timeout, options.timeoutMillis());
    if (awaitingOackAck) {
      stats.retransmits.increment();
      out.send(TftpCodec.encode(new TftpPacket.OptionAck(options.oack())));
      deadline = now + timeout;
      return Status.RUNNING;
    }
    stats.retransmits.add(sent - acked);
    sent = acked;
    return sendWindow(now, out);
  }

  private Status fail(TransferFailure reason) {
    failure = reason;
    stats.failed(reason);
    return Status.FAILED;
  }

  @Override
  public long deadline() {
    return deadline;
  }

  @Override
  public long octets() {
    return Math.min(source.size(), acked * options.blockSize());
  }

  @Override
  public TransferFailure failure() {
    return failure;
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      // Nothing was written; a failed close of a read-only file loses nothing.
    }
  }
}
