package org.provisioning.tftp.engine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** The octets a read transfer sends: a file on disk, or a file built in memory. */
public interface TransferSource extends Closeable {
  long size();

  /** Reads {@code length} octets at {@code position} (both inside the size) into the array. */
  void read(long position, byte[] into, int offset, int length) throws IOException;

  @Override
  default void close() throws IOException {}

  static TransferSource of(byte[] content) {
    return new TransferSource() {
      @Override
      public long size() {
        return content.length;
      }

      @Override
      public void read(long position, byte[] into, int offset, int length) {
        System.arraycopy(content, (int) position, into, offset, length);
      }
    };
  }

  /** A file read block by block with positional reads: memory stays a block per transfer. */
  static TransferSource of(FileChannel channel) throws IOException {
    long size = channel.size();
    return new TransferSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public void read(long position, byte[] into, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, offset, length);
        long at = position;
        while (buffer.hasRemaining()) {
          int n = channel.read(buffer, at);
          if (n < 0) {
            throw new IOException("the file shrank while it was being sent");
          }
          at += n;
        }
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }
}
