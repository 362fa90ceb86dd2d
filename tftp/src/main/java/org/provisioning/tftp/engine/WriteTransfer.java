package org.provisioning.tftp.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.provisioning.common.io.DurableFiles;
import org.provisioning.tftp.codec.TftpCodec;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpPacket;

/**
 * Receives one file into the writable area (RFC 1350 write), in octet mode as sent, in netascii
 * with its line ends made local (LF) as tftp-hpa's server does. The upload goes to a hidden
 * temporary file beside its target and replaces the target only once complete, so a reader never
 * sees half a file and a failed upload leaves nothing behind. A duplicate of the last DATA is
 * acknowledged again (its ACK was lost); an upload over {@code maxBytes} (the size it declared, or
 * the most allowed) is refused with DISK_FULL. Its room on disk is given back ({@code release})
 * when it ends, whichever way.
 */
public final class WriteTransfer implements TftpTransfer {
  private final Path target;
  private final Path temporary;
  private final FileChannel channel;
  private final TftpOptions options;
  private final long maxBytes;
  private final int maxRetries;
  private final TftpStatistics stats;
  private final Runnable release;
  private final Netascii.Decoder netascii; // null in octet mode
  private boolean released;

  private long received;
  private long bytes;
  private byte[] lastSent;
  private int retries;
  private long timeouts; // over the whole transfer: retries start again at each DATA
  private long timeout;
  private long deadline;
  private TransferFailure failure;
  private boolean closed;

  public WriteTransfer(
      Path target,
      TftpOptions options,
      boolean netascii,
      long maxBytes,
      int maxRetries,
      TftpStatistics stats,
      Runnable release)
      throws IOException {
    this.target = target;
    this.temporary =
        target.resolveSibling("." + target.getFileName() + ".upload-" + System.nanoTime());
    this.channel =
        FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.options = options;
    this.maxBytes = maxBytes;
    this.maxRetries = maxRetries;
    this.stats = stats;
    this.release = release;
    this.netascii = netascii ? new Netascii.Decoder() : null;
    this.timeout = options.timeoutMillis();
  }

  @Override
  public Status start(long now, Output out) {
    lastSent =
        options.oack().isEmpty()
            ? TftpCodec.encode(new TftpPacket.Ack(0))
            : TftpCodec.encode(new TftpPacket.OptionAck(options.oack()));
    out.send(lastSent);
    deadline = now + timeout;
    return Status.RUNNING;
  }

  @Override
  public Status onPacket(TftpPacket packet, long now, Output out) {
    if (packet instanceof TftpPacket.Error) {
      return fail(TransferFailure.CLIENT_ERROR);
    }
    if (!(packet instanceof TftpPacket.Data data) || data.data().length > options.blockSize()) {
      out.send(TftpCodec.error(TftpErrorCode.ILLEGAL_OPERATION, "only DATA is expected here"));
      return fail(TransferFailure.ILLEGAL_PACKET);
    }
    int expected = (int) ((received + 1) & 0xFFFF);
    if (data.block() != expected) {
      if (data.block() == (int) (received & 0xFFFF)) {
        out.send(lastSent);
      }
      return Status.RUNNING;
    }
    bytes += data.data().length;
    if (bytes > maxBytes) {
      out.send(TftpCodec.error(TftpErrorCode.DISK_FULL, "the upload exceeds the size allowed"));
      return fail(TransferFailure.WRITE_ERROR);
    }
    try {
      boolean last = data.data().length < options.blockSize();
      write(netascii == null ? data.data() : netascii.decode(data.data()));
      if (last && netascii != null) {
        write(netascii.finish());
      }
      received++;
      stats.bytesReceived.add(data.data().length);
      lastSent = TftpCodec.encode(new TftpPacket.Ack(data.block()));
      if (last) {
        channel.force(true);
        channel.close();
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        closed = true;
        releaseRoom();
        // The rename too is on disk before the last ACK tells the client the file is stored.
        DurableFiles.syncDirectory(target.getParent());
        out.send(lastSent);
        stats.completed.increment();
        return Status.COMPLETED;
      }
    } catch (IOException e) {
      out.send(TftpCodec.error(TftpErrorCode.DISK_FULL, "the upload could not be stored"));
      return fail(TransferFailure.WRITE_ERROR);
    }
    out.send(lastSent);
    retries = 0;
    timeout = options.timeoutMillis();
    deadline = now + timeout;
    return Status.RUNNING;
  }

  private void write(byte[] octets) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(octets);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  @Override
  public Status onTimer(long now, Output out) {
    if (now < deadline) {
      return Status.RUNNING;
    }
    if (retries == maxRetries) {
      return fail(TransferFailure.TIMEOUT);
    }
    if (TftpTransfer.tooManyTimeouts(++timeouts, maxRetries, received)) {
      out.send(TftpTransfer.tooSlowError());
      return fail(TransferFailure.TOO_SLOW);
    }
    retries++;
    timeout = TftpTransfer.backedOff(timeout, options.timeoutMillis());
    stats.retransmits.increment();
    out.send(lastSent);
    deadline = now + timeout;
    return Status.RUNNING;
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
    return bytes;
  }

  @Override
  public TransferFailure failure() {
    return failure;
  }

  private void releaseRoom() {
    if (!released) {
      released = true;
      release.run();
    }
  }

  @Override
  public void close() {
    releaseRoom();
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      // The temporary file is hidden and named as an upload: an operator can remove it.
    }
  }
}
