package org.provisioning.console.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.function.Function;

/**
 * The snapshot form of the console's stores (users, audit log): a count, then each item's encoded
 * record preceded by its length, so that a snapshot replays the same records the bus carries.
 */
final class SnapshotFrames {
  private SnapshotFrames() {}

  /** What takes each item's record back out of a snapshot. */
  interface ItemReader {
    void read(byte[] encoded) throws IOException;
  }

  static <T> byte[] write(Collection<T> items, Function<T, byte[]> encoder) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(items.size());
      for (T item : items) {
        byte[] encoded = encoder.apply(item);
        out.writeInt(encoded.length);
        out.write(encoded);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Hands each item's record to {@code reader}, in order.
   *
   * @throws IOException if the snapshot is cut short or an item cannot be read
   */
  static void read(byte[] snapshot, ItemReader reader) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
          throw new IOException(
              "item " + (i + 1) + " of " + count + " claims " + length + " octets, beyond the end");
        }
        byte[] encoded = new byte[length];
        in.readFully(encoded);
        reader.read(encoded);
      }
    }
  }
}
