package org.provisioning.dhcp.server;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;
import org.provisioning.common.bus.BusParticipant;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.dhcp.lease.LeaseHistoryIndex;
import org.provisioning.dhcp.lease.LeaseStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease store's side of the state bus: at start-up it restores the leases from the snapshot and
 * replays the journal into the store; afterwards records from the failover peer go to whoever the
 * composition root routes them to (the engine's thread, so pools follow).
 */
public final class LeaseJournal implements BusParticipant {
  private static final Logger log = LoggerFactory.getLogger(LeaseJournal.class);

  private final LeaseStore store;
  private final LeaseHistoryIndex history;
  private volatile Consumer<LeaseRecord> sink;

  public LeaseJournal(LeaseStore store) {
    this(store, null);
  }

  /**
   * @param history also told of every record replayed, so the console's lease history reaches back
   *     to the start of the journal; null for none
   */
  public LeaseJournal(LeaseStore store, LeaseHistoryIndex history) {
    this.store = store;
    this.history = history;
    this.sink = store::put;
  }

  /** Routes later records (the peer's) somewhere other than straight into the store. */
  public void routeTo(Consumer<LeaseRecord> sink) {
    this.sink = sink;
  }

  @Override
  public String name() {
    return "leases";
  }

  @Override
  public Set<RecordType> types() {
    return Set.of(RecordType.LEASE);
  }

  @Override
  public void apply(BusRecord record) {
    LeaseRecord lease;
    try {
      lease = LeaseRecord.decode(record.payload());
    } catch (IllegalArgumentException e) {
      log.warn(
          "DHCP_LEASE_RECORD_UNREADABLE origin={} seq={}: {}",
          record.origin(),
          record.sequence(),
          e.getMessage());
      return;
    }
    if (history != null) {
      history.add(record, lease);
    }
    sink.accept(lease);
  }

  /**
   * Format 1, then each lease as a length (two octets) and its binary form, then a length of 0. The
   * store hands over the bytes it keeps: taken on the snapshot thread while the server serves, a
   * snapshot must not cost it a core (decoding and encoding a million leases did, for 0.4 s).
   */
  @Override
  public byte[] snapshot() {
    SnapshotBuilder snapshot = new SnapshotBuilder(store.size());
    store.forEachEncoded(snapshot::lease);
    return snapshot.finish();
  }

  /** The snapshot's octets, in one array that doubles when the leases outgrow it. */
  private static final class SnapshotBuilder {
    private static final int FORMAT = 1;
    private static final int TYPICAL_LEASE = 64;

    private byte[] octets;
    private int size;

    SnapshotBuilder(int leases) {
      octets = new byte[6 + TYPICAL_LEASE * Math.max(leases, 16)];
      writeInt(FORMAT);
    }

    void lease(byte[] encoded, int length) {
      writeShort(length);
      ensure(length);
      System.arraycopy(encoded, 0, octets, size, length);
      size += length;
    }

    byte[] finish() {
      writeShort(0);
      return Arrays.copyOf(octets, size);
    }

    private void writeInt(int value) {
      writeShort(value >>> 16);
      writeShort(value);
    }

    private void writeShort(int value) {
      ensure(2);
      octets[size++] = (byte) (value >>> 8);
      octets[size++] = (byte) value;
    }

    private void ensure(int more) {
      if (size + more > octets.length) {
        octets = Arrays.copyOf(octets, Math.max(octets.length * 2, size + more));
      }
    }
  }

  @Override
  public void restore(byte[] snapshot) {
    store.clear();
    if (history != null) {
      history.restoredFromSnapshot();
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(snapshot))) {
      int format = in.readInt();
      if (format != 1) {
        throw new IOException("lease snapshot format " + format + " is unknown");
      }
      int length;
      while ((length = in.readUnsignedShort()) != 0) {
        byte[] encoded = new byte[length];
        in.readFully(encoded);
        store.put(LeaseRecord.decode(encoded));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("the lease snapshot cannot be read: " + e.getMessage(), e);
    }
  }
}
