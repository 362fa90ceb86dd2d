package org.provisioning.dhcp.lease;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leases in their binary form ({@link org.provisioning.common.lease.LeaseRecord#encode}), each in a
 * fixed cell of a few large byte arrays (chunks), by a dense id. A collector cycle marks the
 * arrays, not the leases: a million leases held as records cost it about five million objects to
 * mark (record, address, hardware address, client-id...), which took a core for a third of a second
 * under load.
 *
 * <p>A cell holds its version (four octets), a length octet and a record of up to {@link
 * #MAX_IN_CELL} octets (a modem's lease takes about 50, a CPE's with hostname and option 82 about
 * 80); a longer record lives in a map aside, the cell's length octet then 0. The version sits in
 * the cell, not in an array of its own, so a lookup among a million leases touches the cache lines
 * of the cell alone, not one more for its version.
 *
 * <p>One writer; readers on any thread. A cell's version is odd while the writer rewrites the cell:
 * a reader copies the cell between two reads of an even, unchanged version (a sequence lock), so it
 * never sees half of one record and half of the next. The version is read and written plainly,
 * ordered by fences: from JDK 22 on, a view of a {@code byte[]} as ints offers no other access mode
 * (acquire, release and opaque throw {@link UnsupportedOperationException} there), and an aligned
 * plain int is still read and written whole.
 */
final class LeaseCells implements LeaseStore.EncodedCopy {
  /** Octets a cell: a multiple of four, so that each cell's version is an aligned int. */
  static final int CELL = 96;

  private static final int VERSION_OCTETS = 4;
  private static final int LENGTH = VERSION_OCTETS;
  private static final int RECORD = LENGTH + 1;

  /** The longest record a cell holds. */
  static final int MAX_IN_CELL = CELL - RECORD;

  /**
   * 192 KB a chunk: under ZGC's 256 KB limit for small objects. A larger one takes a 32 MB medium
   * page, and committing one stalled the thread that stored a lease for 20-35 ms under load.
   */
  private static final int CELLS_PER_CHUNK = 2048;

  /** A cell's version: plain get and set only, the order given by the fences around them. */
  private static final VarHandle VERSION =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

  /** Chunks made as ids reach them; the array grows by doubling. */
  private volatile byte[][] chunks = new byte[0][];

  private final Map<Integer, byte[]> longRecords = new ConcurrentHashMap<>();

  /** Ids written: 0 to size - 1. */
  private volatile int size;

  /**
   * Stores the record of an id, replacing the one it had; a new id is the next one, {@link #size}.
   */
  void write(int id, byte[] encoded) {
    if (id > size) {
      throw new IllegalArgumentException("id " + id + " skips ids from " + size);
    }
    byte[] chunk = chunkForWriting(id);
    int at = (id % CELLS_PER_CHUNK) * CELL;
    int version = (int) VERSION.get(chunk, at);
    boolean wasLong = version != 0 && chunk[at + LENGTH] == 0;
    VERSION.set(chunk, at, version + 1);
    // The odd version before any octet of the record, every octet before the even version.
    VarHandle.storeStoreFence();
    if (encoded.length <= MAX_IN_CELL) {
      chunk[at + LENGTH] = (byte) encoded.length;
      System.arraycopy(encoded, 0, chunk, at + RECORD, encoded.length);
      if (wasLong) {
        longRecords.remove(id);
      }
    } else {
      longRecords.put(id, encoded);
      chunk[at + LENGTH] = 0;
    }
    VarHandle.releaseFence();
    VERSION.set(chunk, at, version + 2);
    if (id == size) {
      size = id + 1;
    }
  }

  @Override
  public int size() {
    return size;
  }

  /**
   * A copy of every cell, for the writer only (no rewrite can tear it): whole chunks at memory
   * speed, the records aside shared (never changed once stored). Nothing writes the copy.
   */
  LeaseCells copy() {
    LeaseCells copy = new LeaseCells();
    int count = size;
    byte[][] copied = new byte[(count + CELLS_PER_CHUNK - 1) / CELLS_PER_CHUNK][];
    for (int i = 0; i < copied.length; i++) {
      copied[i] = chunks[i].clone();
    }
    copy.chunks = copied;
    copy.longRecords.putAll(longRecords);
    copy.size = count;
    return copy;
  }

  /** A copy of the record of an id below {@link #size}: ids are the store's order. */
  @Override
  public byte[] encodedAt(int id) {
    byte[] chunk = chunks[id / CELLS_PER_CHUNK];
    int at = (id % CELLS_PER_CHUNK) * CELL;
    while (true) {
      int version = evenVersion(chunk, at);
      int length = lengthIn(chunk, at);
      byte[] encoded =
          length == 0
              ? longRecords.get(id)
              : Arrays.copyOfRange(chunk, at + RECORD, at + RECORD + length);
      if (encoded != null && unchanged(chunk, at, version)) {
        return encoded;
      }
    }
  }

  /**
   * Hands the record of every id below {@link #size}, in id order, to {@code action}: a record in
   * its cell copied into one buffer reused for all, one aside as it is (never changed once stored).
   */
  @Override
  public void forEachEncoded(LeaseStore.EncodedLeaseConsumer action) {
    byte[] scratch = new byte[MAX_IN_CELL];
    for (int id = 0, count = size; id < count; id++) {
      int length = copyFromCell(id, scratch);
      if (length > 0) {
        action.accept(scratch, length);
      } else {
        byte[] aside = encodedAt(id);
        action.accept(aside, aside.length);
      }
    }
  }

  /**
   * Copies the record of an id below {@link #size} into {@code scratch} when it lies in its cell
   * and returns its length; returns 0 when it lies aside.
   */
  private int copyFromCell(int id, byte[] scratch) {
    byte[] chunk = chunks[id / CELLS_PER_CHUNK];
    int at = (id % CELLS_PER_CHUNK) * CELL;
    while (true) {
      int version = evenVersion(chunk, at);
      int length = lengthIn(chunk, at);
      System.arraycopy(chunk, at + RECORD, scratch, 0, length);
      if (unchanged(chunk, at, version)) {
        return length;
      }
    }
  }

  // A reader's side of a cell's sequence lock: take an even version, copy, check it is unchanged.

  /** The cell's version once the writer is not rewriting it (even). */
  private static int evenVersion(byte[] chunk, int at) {
    while (true) {
      int version = (int) VERSION.get(chunk, at);
      // An acquire: the copy's reads come after this one (and the loop reads the version anew).
      VarHandle.acquireFence();
      if ((version & 1) == 0) {
        return version;
      }
      Thread.onSpinWait();
    }
  }

  /** The length octet of a cell, bounded: read while the writer is at it, it may be anything. */
  private static int lengthIn(byte[] chunk, int at) {
    return Math.min(chunk[at + LENGTH] & 0xff, MAX_IN_CELL);
  }

  /** Whether the cell still has the version read before its copy: then the copy is whole. */
  private static boolean unchanged(byte[] chunk, int at, int version) {
    VarHandle.acquireFence(); // the copy's reads before this read of the version
    return (int) VERSION.get(chunk, at) == version;
  }

  /**
   * One octet of the record of an id below {@link #size}, read in place: for the writer only, whom
   * no other thread's rewrite can tear.
   */
  int octetForWriter(int id, int index) {
    byte[] chunk = chunks[id / CELLS_PER_CHUNK];
    int at = (id % CELLS_PER_CHUNK) * CELL;
    int length = chunk[at + LENGTH] & 0xff;
    return length == 0 ? longRecords.get(id)[index] & 0xff : chunk[at + RECORD + index] & 0xff;
  }

  /**
   * The id's chunk, made if new. Readers reach a chunk only through an id published after this (a
   * release that orders the plain store of the chunk before it).
   */
  private byte[] chunkForWriting(int id) {
    int index = id / CELLS_PER_CHUNK;
    byte[][] now = chunks;
    if (index >= now.length) {
      now = Arrays.copyOf(now, Math.max(index + 1, now.length * 2));
      chunks = now;
    }
    if (now[index] == null) {
      now[index] = new byte[CELLS_PER_CHUNK * CELL];
    }
    return now[index];
  }
}
