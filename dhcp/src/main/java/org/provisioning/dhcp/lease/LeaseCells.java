package org.provisioning.dhcp.lease;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>A record of up to {@link #CELL}{@code - 1} octets (a modem's lease takes about 50, a CPE's
 * with hostname and option 82 about 80) lives in its cell after a length octet; a longer one lives
 * in a map aside, the cell's length octet then 0.
 *
 * <p>One writer; readers on any thread. Each cell has a version, odd while the writer rewrites the
 * cell: a reader copies the cell between two reads of an even, unchanged version (a sequence lock),
 * so it never sees half of one record and half of the next.
 */
final class LeaseCells {
  /** Octets a cell: a length octet and a record of up to 95 octets. */
  static final int CELL = 96;

  /**
   * 192 KB a chunk: under ZGC's 256 KB limit for small objects. A larger one takes a 32 MB medium
   * page, and committing one stalled the thread that stored a lease for 20-35 ms under load.
   */
  private static final int CELLS_PER_CHUNK = 2048;

  private static final VarHandle VERSIONS = MethodHandles.arrayElementVarHandle(int[].class);

  private record Chunk(byte[] cells, int[] versions) {
    Chunk() {
      this(new byte[CELLS_PER_CHUNK * CELL], new int[CELLS_PER_CHUNK]);
    }
  }

  /** Chunks made as ids reach them; the array grows by doubling. */
  private volatile Chunk[] chunks = new Chunk[0];

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
    Chunk chunk = chunkForWriting(id);
    int cell = id % CELLS_PER_CHUNK;
    int at = cell * CELL;
    int version = chunk.versions[cell];
    boolean wasLong = version != 0 && chunk.cells[at] == 0;
    VERSIONS.setOpaque(chunk.versions, cell, version + 1);
    VarHandle.storeStoreFence();
    if (encoded.length < CELL) {
      chunk.cells[at] = (byte) encoded.length;
      System.arraycopy(encoded, 0, chunk.cells, at + 1, encoded.length);
      if (wasLong) {
        longRecords.remove(id);
      }
    } else {
      longRecords.put(id, encoded);
      chunk.cells[at] = 0;
    }
    VERSIONS.setRelease(chunk.versions, cell, version + 2);
    if (id == size) {
      size = id + 1;
    }
  }

  int size() {
    return size;
  }

  /** A copy of the record of an id below {@link #size}. */
  byte[] read(int id) {
    Chunk chunk = chunks[id / CELLS_PER_CHUNK];
    int cell = id % CELLS_PER_CHUNK;
    int at = cell * CELL;
    while (true) {
      int version = (int) VERSIONS.getAcquire(chunk.versions, cell);
      if ((version & 1) == 0) {
        // Bounded: a length read while the writer is at it may be anything.
        int length = Math.min(chunk.cells[at] & 0xff, CELL - 1);
        byte[] encoded =
            length == 0
                ? longRecords.get(id)
                : Arrays.copyOfRange(chunk.cells, at + 1, at + 1 + length);
        VarHandle.acquireFence();
        if (encoded != null && (int) VERSIONS.getOpaque(chunk.versions, cell) == version) {
          return encoded;
        }
      }
      Thread.onSpinWait();
    }
  }

  /**
   * The id's chunk, made if new. Readers reach a chunk only through an id published after this (a
   * release that orders the plain store of the chunk before it).
   */
  private Chunk chunkForWriting(int id) {
    int index = id / CELLS_PER_CHUNK;
    Chunk[] now = chunks;
    if (index >= now.length) {
      now = Arrays.copyOf(now, Math.max(index + 1, now.length * 2));
      chunks = now;
    }
    if (now[index] == null) {
      now[index] = new Chunk();
    }
    return now[index];
  }
}
