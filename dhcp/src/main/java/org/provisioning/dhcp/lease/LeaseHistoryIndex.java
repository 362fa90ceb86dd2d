package org.provisioning.dhcp.lease;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.provisioning.common.bus.BusListener;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.lease.LeaseChange;
import org.provisioning.common.lease.LeaseHistory;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

/**
 * The newest lease records of the state bus, kept for the console's lease detail: a ring of their
 * payloads (copied into the cells of a few large arrays, {@link LeaseCells}, rather than kept as an
 * object each for every collector cycle to mark) with, beside each, the address and a hash of the
 * client in primitive arrays. A lookup scans those arrays (a quarter of a million ints in well
 * under a millisecond) and decodes only the records that match, so recording costs the bus writer a
 * few octets read in place, a copy of some 50 and a few array stores, and nothing touches the DHCP
 * engine's thread.
 *
 * <p>Fed twice over on purpose: by the lease journal as it replays at start-up, and as a {@link
 * BusListener} with every record made durable since (this server's and its partner's). A record
 * whose sequence is not above the last one kept of its origin is one already seen and is skipped.
 * Records taken from a snapshot are not changes and are not here: the window begins at the oldest
 * journal record replayed.
 */
public final class LeaseHistoryIndex implements BusListener, LeaseHistory {
  /** About 100 octets a record: 13 MB, hours of renewals of a million leases. */
  public static final int DEFAULT_CAPACITY = 131_072;

  private final int capacity;

  /** The payloads, copied into a few large arrays: no object per record for the collector. */
  private final LeaseCells payloads = new LeaseCells();

  private final long[] times;
  private final long[] sequences;
  private final byte[] origins;
  private final int[] addresses;
  private final int[] clients;
  private final Map<Integer, Long> lastSequence = new HashMap<>();
  private long added;

  /**
   * Whether every change since the journal began is kept: no snapshot stood before the replay and
   * the ring has not wrapped. Then an address with no earlier record was free, and its first
   * binding is an allocation; otherwise it may be a renewal whose record is gone.
   */
  private boolean fromTheBeginning = true;

  public LeaseHistoryIndex() {
    this(DEFAULT_CAPACITY);
  }

  public LeaseHistoryIndex(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    times = new long[capacity];
    sequences = new long[capacity];
    origins = new byte[capacity];
    addresses = new int[capacity];
    clients = new int[capacity];
  }

  @Override
  public void onDurable(BusRecord record) {
    if (!record.type().equals(RecordType.LEASE)) {
      return;
    }
    byte[] payload = record.payload();
    if (!LeaseRecord.Encoded.isReadable(payload)) {
      return; // the lease journal reports unreadable records
    }
    // Read in place: the bus writer's thread decodes nothing for a lookup that may never come.
    keep(record, LeaseRecord.Encoded.address(payload), ClientKey.hashOfEncoded(payload));
  }

  /** Keeps a record already decoded (the lease journal's replay). */
  public void add(BusRecord record, LeaseRecord lease) {
    keep(record, lease.address().value(), ClientKey.hashOf(lease));
  }

  private synchronized void keep(BusRecord record, int address, int clientHash) {
    Long last = lastSequence.get(record.origin());
    if (last != null && record.sequence() <= last) {
      return;
    }
    lastSequence.put(record.origin(), record.sequence());
    int slot = (int) (added % capacity);
    payloads.write(slot, record.payload());
    times[slot] = record.timeMillis();
    sequences[slot] = record.sequence();
    origins[slot] = (byte) record.origin();
    addresses[slot] = address;
    clients[slot] = clientHash;
    added++;
  }

  /** The leases came from a snapshot: changes before it are not in the window. */
  public synchronized void restoredFromSnapshot() {
    fromTheBeginning = false;
  }

  @Override
  public List<LeaseChange> changes(Ipv4Address address, int limit) {
    return collect(address.value()).changes(limit);
  }

  @Override
  public synchronized Optional<Long> keptSinceMillis() {
    if (added == 0) {
      return Optional.empty();
    }
    long oldest = Math.max(0, added - capacity);
    return Optional.of(times[(int) (oldest % capacity)]);
  }

  /** How many records were ever kept, those the ring has since overwritten included. */
  public synchronized long added() {
    return added;
  }

  /**
   * The records of the address, and of every client that held it, oldest first. The address's
   * newest record names its current client; the scan then also takes that client's records at other
   * addresses (hashes that match are checked on the decoded record).
   */
  private synchronized Kept collect(int address) {
    long from = Math.max(0, added - capacity);
    List<Long> positions = new ArrayList<>();
    for (long i = from; i < added; i++) {
      if (addresses[(int) (i % capacity)] == address) {
        positions.add(i);
      }
    }
    if (positions.isEmpty()) {
      return new Kept(List.of(), true);
    }
    int newestSlot = (int) (positions.get(positions.size() - 1) % capacity);
    LeaseRecord current = decoded(payloads.encodedAt(newestSlot));
    ClientKey client = current == null ? null : ClientKey.of(current);
    int clientHash = clients[newestSlot];
    List<Entry> entries = new ArrayList<>();
    for (long i = from; i < added; i++) {
      int slot = (int) (i % capacity);
      boolean ofAddress = addresses[slot] == address;
      if (!ofAddress && (client == null || clients[slot] != clientHash)) {
        continue;
      }
      LeaseRecord lease = decoded(payloads.encodedAt(slot));
      if (lease != null && (ofAddress || client.matches(lease))) {
        entries.add(new Entry(times[slot], origins[slot] & 0xff, sequences[slot], lease));
      }
    }
    return new Kept(entries, fromTheBeginning && added <= capacity);
  }

  /** The record decoded, or null for one whose fields past those read in place are unreadable. */
  private static LeaseRecord decoded(byte[] payload) {
    try {
      return LeaseRecord.decode(payload);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private record Entry(long time, int origin, long sequence, LeaseRecord lease) {}

  /**
   * Entries oldest first; each change's kind comes from its address's entry before it.
   *
   * @param complete no record older than these was ever left out
   */
  private record Kept(List<Entry> entries, boolean complete) {
    List<LeaseChange> changes(int limit) {
      Map<Integer, LeaseRecord> before = new HashMap<>();
      List<LeaseChange> changes = new ArrayList<>(entries.size());
      for (Entry entry : entries) {
        int at = entry.lease().address().value();
        LeaseRecord previous = before.put(at, entry.lease());
        LeaseChange.Kind kind =
            previous == null && !complete && entry.lease().state() == LeaseState.BOUND
                ? LeaseChange.Kind.BOUND
                : LeaseChange.Kind.of(previous, entry.lease());
        changes.add(
            new LeaseChange(entry.time(), entry.origin(), entry.sequence(), kind, entry.lease()));
      }
      List<LeaseChange> newestFirst = new ArrayList<>(changes.size());
      for (int i = changes.size() - 1; i >= 0 && newestFirst.size() < limit; i--) {
        newestFirst.add(changes.get(i));
      }
      return newestFirst;
    }
  }

  @Override
  public String toString() {
    return "LeaseHistoryIndex[capacity=" + capacity + ", added=" + added + "]";
  }
}
