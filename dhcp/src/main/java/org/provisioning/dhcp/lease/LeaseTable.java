package org.provisioning.dhcp.lease;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;

/**
 * The lease of each address: an open-addressing table of int pairs (address, and the id of the
 * lease's cell in {@link LeaseCells}), so a million leases cost the collector a few large arrays to
 * mark, not an object each. A pair's two ints share a cache line: among a million leases a probe
 * touches one line, not one per array. A lease is a {@link LeaseRecord} only while a caller holds
 * what {@link #get} made of its cell. Addresses are never removed (a lease only changes state), so
 * probing needs no tombstones and ids stay dense: the n-th address stored has id n.
 *
 * <p>One writer at a time (the DHCP engine, under its lock); readers on any thread. The writer
 * fills a new lease's cell and its slot's address before it publishes the slot's id with release
 * semantics; a reader reads the id with acquire semantics first. A growing table is built aside and
 * published at once.
 */
final class LeaseTable {
  private static final VarHandle SLOT_INTS = MethodHandles.arrayElementVarHandle(int[].class);

  /** Golden-ratio multiplier: consecutive addresses, as pools hand them out, land far apart. */
  static final int SPREAD = 0x9E3779B9;

  private final int initialCapacity;

  /** Replaced whole when the table grows or is cleared: a reader works on one it read once. */
  private volatile Slots slots;

  private static final class Slots {
    /** The leases the ids name; a grown table keeps them, a cleared one starts anew. */
    final LeaseCells cells;

    /**
     * Slot i's address at {@code 2i}, and at {@code 2i + 1} the id of its lease plus one: 0 is an
     * empty slot.
     */
    final int[] pairs;

    final int shift;

    Slots(int capacity, LeaseCells cells) {
      this.cells = cells;
      pairs = new int[2 * capacity];
      shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    int capacity() {
      return pairs.length / 2;
    }

    int home(int address) {
      return (address * SPREAD) >>> shift;
    }

    int next(int slot) {
      return (slot + 1) & (capacity() - 1);
    }

    int address(int slot) {
      return pairs[2 * slot];
    }

    /** The slot's id plus one, read after the writer published it with its address and cell. */
    int publishedId(int slot) {
      return (int) SLOT_INTS.getAcquire(pairs, 2 * slot + 1);
    }

    /** For the writer, whose own stores need no ordering. */
    int id(int slot) {
      return pairs[2 * slot + 1];
    }

    void publish(int slot, int address, int idPlusOne) {
      pairs[2 * slot] = address;
      SLOT_INTS.setRelease(pairs, 2 * slot + 1, idPlusOne);
    }
  }

  /** A table that holds {@code expected} leases before it grows (half full at most). */
  LeaseTable(int expected) {
    initialCapacity = capacityFor(expected);
    slots = new Slots(initialCapacity, new LeaseCells());
  }

  /** The power of two at least twice {@code entries}: linear probing stays short at half full. */
  static int capacityFor(int entries) {
    return Math.max(16, Integer.highestOneBit(Math.max(1, entries) * 2 - 1) << 1);
  }

  /** The lease of an address, or null; a record made anew at each call. */
  LeaseRecord get(int address) {
    byte[] encoded = encodedAt(address);
    return encoded == null ? null : LeaseRecord.decode(encoded);
  }

  /** The lease of an address in its binary form ({@link LeaseRecord#encode}), a copy; or null. */
  byte[] encodedAt(int address) {
    Slots s = slots;
    for (int i = s.home(address); ; i = s.next(i)) {
      int id = s.publishedId(i);
      if (id == 0) {
        return null;
      }
      if (s.address(i) == address) {
        return s.cells.encodedAt(id - 1);
      }
    }
  }

  /**
   * Stores a lease, in its binary form, at its address; returns the state of the one it replaces,
   * or null. Only the state: the whole record would be decoded for nothing.
   */
  LeaseState put(byte[] encoded) {
    int address = LeaseRecord.Encoded.address(encoded);
    Slots s = slots;
    int i = s.home(address);
    for (int id; (id = s.id(i)) != 0; i = s.next(i)) {
      if (s.address(i) == address) {
        LeaseState previous =
            LeaseState.fromCode(s.cells.octetForWriter(id - 1, LeaseRecord.Encoded.stateOffset()));
        s.cells.write(id - 1, encoded);
        return previous;
      }
    }
    int id = s.cells.size();
    if ((id + 1) * 2 > s.capacity()) {
      s = grow(s);
      i = s.home(address);
      while (s.id(i) != 0) {
        i = s.next(i);
      }
    }
    s.cells.write(id, encoded);
    s.publish(i, address, id + 1);
    return null;
  }

  private Slots grow(Slots old) {
    Slots grown = new Slots(old.capacity() * 2, old.cells);
    for (int j = 0; j < old.capacity(); j++) {
      int id = old.id(j);
      if (id != 0) {
        int i = grown.home(old.address(j));
        while (grown.id(i) != 0) {
          i = grown.next(i);
        }
        grown.publish(i, old.address(j), id);
      }
    }
    slots = grown;
    return grown;
  }

  /** Every lease, in the order their addresses were first stored. */
  void forEach(Consumer<LeaseRecord> action) {
    LeaseCells cells = slots.cells;
    int count = cells.size();
    for (int id = 0; id < count; id++) {
      action.accept(LeaseRecord.decode(cells.encodedAt(id)));
    }
  }

  /** Every lease's binary form, in the same order, copied into one reused buffer. */
  void forEachEncoded(LeaseStore.EncodedLeaseConsumer action) {
    slots.cells.forEachEncoded(action);
  }

  /** For the writer: every lease's binary form, copied at once ({@link LeaseCells#copy}). */
  LeaseStore.EncodedCopy copyEncoded() {
    return slots.cells.copy();
  }

  int size() {
    return slots.cells.size();
  }

  void clear() {
    slots = new Slots(initialCapacity, new LeaseCells());
  }
}
