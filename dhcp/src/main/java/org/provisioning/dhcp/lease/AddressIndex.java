package org.provisioning.dhcp.lease;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.provisioning.common.lease.LeaseRecord;

/**
 * A secondary index of the {@link LeaseTable}: from a key of a lease (its client, hardware address
 * or option 82 remote-id) to the addresses of the leases with that key. Each entry is one {@code
 * long}, the key's hash and an address, in an open-addressing array: no object per lease for the
 * collector to mark.
 *
 * <p>An entry stands while the lease at its address still has a key of its hash; an address that
 * passes to another client needs no removal, its entry simply stops standing. Probing reuses the
 * entries it has dropped on purpose ({@link #DROPPED}), and stale ones once the array fills up; a
 * rebuild, when the array is half full, leaves them out. A lookup compares the key itself on each
 * lease it reaches, so hashes that collide only cost a comparison.
 *
 * <p>Each key keeps its {@code maxPerKey} newest leases: the latest granted or renewed ({@code
 * startMillis}), and of equal ones the latest stored. One writer at a time; readers on any thread
 * read each entry whole (a {@code long} written and read with release and acquire semantics after
 * the lease it points to is in the table).
 */
final class AddressIndex {
  /**
   * How a lease yields the key this index is by, read from the lease's binary form ({@link
   * LeaseRecord#encode}) as the table keeps it: an add checks other leases without decoding them.
   */
  interface Key {
    /** Whether the lease has this key at all: a lease without option 82 has no remote-id. */
    boolean presentIn(byte[] lease);

    /** A hash of the key, equal for equal keys. */
    int hash(byte[] lease);

    boolean same(byte[] a, byte[] b);
  }

  /** Per key, no limit. */
  static final int UNBOUNDED = Integer.MAX_VALUE;

  /** An entry taken out: no real entry has it, as no hash is -1 (see {@link #spread}). */
  static final long DROPPED = -1L;

  private static final VarHandle ENTRIES = MethodHandles.arrayElementVarHandle(long[].class);

  private final LeaseTable leases;
  private final Key key;
  private final int maxPerKey;
  private final int initialCapacity;
  private volatile Slots slots;

  /** Put order, to tell apart leases granted in the same millisecond. */
  private long stamp;

  /** Slots of the stored key's standing entries, gathered by {@link #add}; the writer's own. */
  private final int[] sameKey;

  private static final class Slots {
    final long[] entries;

    /** When each entry was stored ({@link #stamp}); only where a key keeps several of many. */
    final long[] stamps;

    final int shift;

    /** Slots not empty: standing, stale or dropped. */
    int used;

    Slots(int capacity, boolean stamped) {
      entries = new long[capacity];
      stamps = stamped ? new long[capacity] : null;
      shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    int home(int hash) {
      return (hash * LeaseTable.SPREAD) >>> shift;
    }

    int next(int slot) {
      return (slot + 1) & (entries.length - 1);
    }

    /**
     * Past three eighths full, with a rebuild due at half: only then is another key's entry worth
     * its check (a lease lookup, likely a cache miss, and a hash of its key) for a stale slot to
     * reuse. Below, stale entries wait for the rebuild.
     */
    boolean isCrowded() {
      return used * 8L > entries.length * 3L;
    }
  }

  AddressIndex(LeaseTable leases, Key key, int maxPerKey, int expected) {
    if (maxPerKey < 1) {
      throw new IllegalArgumentException("maxPerKey must be at least 1");
    }
    this.leases = leases;
    this.key = key;
    this.maxPerKey = maxPerKey;
    this.initialCapacity = LeaseTable.capacityFor(expected);
    this.sameKey = new int[maxPerKey == UNBOUNDED ? 0 : maxPerKey + 1];
    this.slots = new Slots(initialCapacity, stamped());
  }

  private boolean stamped() {
    return maxPerKey > 1 && maxPerKey != UNBOUNDED;
  }

  /** The hash as stored: never 0 (an empty slot) nor -1 ({@link #DROPPED}). */
  private static int spread(int hash) {
    return hash == 0 ? 1 : hash == -1 ? -2 : hash;
  }

  private static long entry(int hash, int address) {
    return ((long) hash << 32) | (address & 0xffffffffL);
  }

  private static int hashOf(long entry) {
    return (int) (entry >>> 32);
  }

  private static int addressOf(long entry) {
    return (int) entry;
  }

  /** The lease an entry points at, in its binary form, if the entry still stands. */
  private byte[] standing(long entry) {
    if (entry == DROPPED) {
      return null;
    }
    byte[] lease = leases.encodedAt(addressOf(entry));
    return lease != null && key.presentIn(lease) && spread(key.hash(lease)) == hashOf(entry)
        ? lease
        : null;
  }

  /**
   * Indexes a lease just stored in the table at its address. Its key then points at it unless the
   * key already has its {@code maxPerKey} leases and all are newer; the oldest beyond the bound is
   * dropped.
   */
  void add(byte[] lease) {
    if (!key.presentIn(lease)) {
      return;
    }
    int hash = spread(key.hash(lease));
    int address = LeaseRecord.Encoded.address(lease);
    Slots s = slots;
    int own = -1;
    int reusable = -1;
    int found = 0;
    boolean crowded = s.isCrowded();
    int i = s.home(hash);
    for (long e; (e = s.entries[i]) != 0; i = s.next(i)) {
      if (e == entry(hash, address)) {
        own = i;
      } else if (hashOf(e) == hash) {
        byte[] there = standing(e);
        if (there == null) {
          reusable = reusable < 0 ? i : reusable;
        } else if (maxPerKey != UNBOUNDED && key.same(there, lease) && found < sameKey.length) {
          // At most maxPerKey stand for a key (each add keeps that bound); the guard is for safety.
          sameKey[found++] = i;
        }
      } else if (reusable < 0 && (e == DROPPED || (crowded && standing(e) == null))) {
        reusable = i;
      }
    }
    if (maxPerKey == UNBOUNDED) {
      if (own < 0) {
        store(s, reusable >= 0 ? reusable : i, entry(hash, address), lease);
      }
      return;
    }
    stamp++;
    // The key's leases, this one included, beyond the newest maxPerKey: drop the oldest.
    int target = own;
    while (found + 1 > maxPerKey) {
      int oldest = oldestOf(s, found);
      if (isNewer(s, sameKey[oldest], lease)) {
        // This lease is the oldest: it does not stay in the index.
        if (own >= 0) {
          drop(s, own);
        }
        return;
      }
      int slot = sameKey[oldest];
      sameKey[oldest] = sameKey[--found];
      if (target < 0) {
        target = slot; // the dropped entry's slot takes this one
      } else {
        drop(s, slot);
      }
    }
    if (target == own && own >= 0) {
      if (s.stamps != null) {
        s.stamps[own] = stamp;
      }
      return;
    }
    if (target < 0) {
      target = reusable >= 0 ? reusable : i;
    }
    store(s, target, entry(hash, address), lease);
  }

  /** The index in {@link #sameKey} of the oldest of the first {@code found} (at least one). */
  private int oldestOf(Slots s, int found) {
    int oldest = 0;
    for (int k = 1; k < found; k++) {
      if (isOlder(s, sameKey[k], sameKey[oldest])) {
        oldest = k;
      }
    }
    return oldest;
  }

  private boolean isOlder(Slots s, int slot, int than) {
    long a = startMillisAt(s, slot);
    long b = startMillisAt(s, than);
    if (a != b) {
      return a < b;
    }
    return s.stamps != null && s.stamps[slot] < s.stamps[than];
  }

  /** Whether the entry's lease is newer than one being stored now (equal start: not newer). */
  private boolean isNewer(Slots s, int slot, byte[] storing) {
    return startMillisAt(s, slot) > LeaseRecord.Encoded.startMillis(storing);
  }

  private long startMillisAt(Slots s, int slot) {
    return LeaseRecord.Encoded.startMillis(leases.encodedAt(addressOf(s.entries[slot])));
  }

  private void drop(Slots s, int slot) {
    ENTRIES.setRelease(s.entries, slot, DROPPED);
  }

  /** Puts the lease's entry in a slot; taking an empty one past half full, rebuilds first. */
  private void store(Slots s, int slot, long entry, byte[] lease) {
    if (s.entries[slot] == 0) {
      if ((s.used + 1) * 2 > s.entries.length) {
        rebuild(s);
        add(lease); // again, in the rebuilt array
        return;
      }
      s.used++;
    }
    if (s.stamps != null) {
      s.stamps[slot] = stamp;
    }
    ENTRIES.setRelease(s.entries, slot, entry);
  }

  /**
   * Builds the array anew with the standing entries only, twice as large if they fill more than a
   * quarter of it, and publishes it.
   */
  private void rebuild(Slots old) {
    // Each entry is checked once (a lease lookup and a key hash): the slots of those that stand.
    int[] kept = new int[old.used];
    int standing = 0;
    for (int j = 0; j < old.entries.length; j++) {
      long e = old.entries[j];
      if (e != 0 && standing(e) != null) {
        kept[standing++] = j;
      }
    }
    int capacity = Math.max(initialCapacity, LeaseTable.capacityFor(standing * 2));
    Slots built = new Slots(capacity, stamped());
    for (int k = 0; k < standing; k++) {
      long e = old.entries[kept[k]];
      int i = built.home(hashOf(e));
      while (built.entries[i] != 0) {
        i = built.next(i);
      }
      built.entries[i] = e;
      if (built.stamps != null) {
        built.stamps[i] = old.stamps[kept[k]];
      }
    }
    built.used = standing;
    slots = built;
  }

  /** The newest lease with this key, or null. */
  LeaseRecord newest(int hash, Predicate<LeaseRecord> hasKey) {
    Slots s = slots;
    LeaseRecord newest = null;
    long newestStamp = 0;
    int stored = spread(hash);
    for (int i = s.home(stored); ; i = s.next(i)) {
      long e = (long) ENTRIES.getAcquire(s.entries, i);
      if (e == 0) {
        return newest;
      }
      if (hashOf(e) != stored) {
        continue;
      }
      LeaseRecord lease = leases.get(addressOf(e));
      if (lease == null || !hasKey.test(lease)) {
        continue;
      }
      long at = s.stamps == null ? 0 : s.stamps[i];
      if (newest == null
          || lease.startMillis() > newest.startMillis()
          || (lease.startMillis() == newest.startMillis() && at > newestStamp)) {
        newest = lease;
        newestStamp = at;
      }
    }
  }

  /** Every lease with this key. */
  void forEach(int hash, Predicate<LeaseRecord> hasKey, Consumer<LeaseRecord> action) {
    Slots s = slots;
    int stored = spread(hash);
    for (int i = s.home(stored); ; i = s.next(i)) {
      long e = (long) ENTRIES.getAcquire(s.entries, i);
      if (e == 0) {
        return;
      }
      if (hashOf(e) == stored) {
        LeaseRecord lease = leases.get(addressOf(e));
        if (lease != null && hasKey.test(lease)) {
          action.accept(lease);
        }
      }
    }
  }

  void clear() {
    slots = new Slots(initialCapacity, stamped());
  }

  /** Slots in the array now: it grows only when standing entries fill a quarter of it. */
  int capacity() {
    return slots.entries.length;
  }
}
