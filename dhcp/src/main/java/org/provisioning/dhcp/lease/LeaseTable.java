package org.provisioning.dhcp.lease;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;
import org.provisioning.common.lease.LeaseRecord;

/**
 * The lease of each address: an open-addressing table of two arrays (addresses and records), so
 * that a million leases cost the collector two arrays to mark rather than a map node and a boxed
 * key each. Addresses are never removed (a lease only changes state), so probing needs no
 * tombstones.
 *
 * <p>One writer at a time (the DHCP engine, under its lock); readers on any thread. A writer fills
 * a new slot's address before it publishes the record with release semantics, and a reader reads
 * the record with acquire semantics before the address, so a reader sees each slot whole or empty.
 * A growing table is built aside and published at once; readers still on the old one see the leases
 * as they were a moment ago.
 */
final class LeaseTable {
  private static final VarHandle RECORDS = MethodHandles.arrayElementVarHandle(LeaseRecord[].class);

  /** Golden-ratio multiplier: consecutive addresses, as pools hand them out, land far apart. */
  static final int SPREAD = 0x9E3779B9;

  private final int initialCapacity;
  private volatile Slots slots;
  private volatile int size;

  private static final class Slots {
    final int[] addresses;
    final LeaseRecord[] records;
    final int shift;

    Slots(int capacity) {
      addresses = new int[capacity];
      records = new LeaseRecord[capacity];
      shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    int home(int address) {
      return (address * SPREAD) >>> shift;
    }

    int next(int slot) {
      return (slot + 1) & (records.length - 1);
    }
  }

  /** A table that holds {@code expected} leases before it grows (half full at most). */
  LeaseTable(int expected) {
    initialCapacity = capacityFor(expected);
    slots = new Slots(initialCapacity);
  }

  /** The power of two at least twice {@code entries}: linear probing stays short at half full. */
  static int capacityFor(int entries) {
    return Math.max(16, Integer.highestOneBit(Math.max(1, entries) * 2 - 1) << 1);
  }

  LeaseRecord get(int address) {
    Slots s = slots;
    for (int i = s.home(address); ; i = s.next(i)) {
      LeaseRecord record = (LeaseRecord) RECORDS.getAcquire(s.records, i);
      if (record == null) {
        return null;
      }
      if (s.addresses[i] == address) {
        return record;
      }
    }
  }

  /** Stores the record at its address; returns the one it replaces, or null. */
  LeaseRecord put(LeaseRecord record) {
    int address = record.address().value();
    Slots s = slots;
    int i = s.home(address);
    for (LeaseRecord there; (there = s.records[i]) != null; i = s.next(i)) {
      if (s.addresses[i] == address) {
        RECORDS.setRelease(s.records, i, record);
        return there;
      }
    }
    if ((size + 1) * 2 > s.records.length) {
      s = grow(s);
      i = s.home(address);
      while (s.records[i] != null) {
        i = s.next(i);
      }
    }
    s.addresses[i] = address;
    RECORDS.setRelease(s.records, i, record);
    size++;
    return null;
  }

  private Slots grow(Slots old) {
    Slots grown = new Slots(old.records.length * 2);
    for (int j = 0; j < old.records.length; j++) {
      LeaseRecord record = old.records[j];
      if (record != null) {
        int i = grown.home(old.addresses[j]);
        while (grown.records[i] != null) {
          i = grown.next(i);
        }
        grown.addresses[i] = old.addresses[j];
        grown.records[i] = record;
      }
    }
    slots = grown;
    return grown;
  }

  /** Every lease, in no particular order. */
  void forEach(Consumer<LeaseRecord> action) {
    LeaseRecord[] records = slots.records;
    for (int i = 0; i < records.length; i++) {
      LeaseRecord record = (LeaseRecord) RECORDS.getAcquire(records, i);
      if (record != null) {
        action.accept(record);
      }
    }
  }

  int size() {
    return size;
  }

  void clear() {
    slots = new Slots(initialCapacity);
    size = 0;
  }
}
