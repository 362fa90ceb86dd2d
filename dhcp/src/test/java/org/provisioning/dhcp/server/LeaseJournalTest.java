package org.provisioning.dhcp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.lease.MemoryLeaseStore;

class LeaseJournalTest {
  private static final int BASE = Ipv4Address.parse("127.16.0.0").value();

  /** A lease; a client-id of 120 octets makes its record too long for a cell of the store. */
  private static LeaseRecord lease(int n, boolean longRecord) {
    int address = BASE + n;
    return new LeaseRecord(
        new Ipv4Address(address),
        1,
        new byte[] {2, 0, 0, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n},
        longRecord ? new byte[120] : null,
        n % 3 == 0 ? LeaseState.EXPIRED : LeaseState.BOUND,
        1_000 + n,
        2_000 + n,
        1,
        null,
        null,
        null,
        null);
  }

  private static List<LeaseRecord> leases(int count) {
    List<LeaseRecord> leases = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      leases.add(lease(n, n % 10 == 0));
    }
    return leases;
  }

  private static List<LeaseRecord> stored(MemoryLeaseStore store) {
    List<LeaseRecord> leases = new ArrayList<>();
    store.forEach(leases::add);
    return leases;
  }

  @Test
  void aSnapshotRestoresEveryLeaseIntoAnotherStore() {
    MemoryLeaseStore store = new MemoryLeaseStore(5_000);
    List<LeaseRecord> leases = leases(5_000); // outgrows the snapshot's first guess of 64 a lease
    leases.forEach(store::put);
    store.put(leases.get(7).withState(LeaseState.RELEASED, 9_000));

    MemoryLeaseStore restored = new MemoryLeaseStore(5_000);
    new LeaseJournal(restored).restore(new LeaseJournal(store).snapshot());

    assertEquals(stored(store), stored(restored));
    assertEquals(LeaseState.RELEASED, restored.byAddress(new Ipv4Address(BASE + 7)).get().state());
  }

  /** Snapshots already on disk stay readable: the octets are those format 1 always had. */
  @Test
  void theSnapshotKeepsFormatOne() throws IOException {
    MemoryLeaseStore store = new MemoryLeaseStore(16);
    List<LeaseRecord> leases = List.of(lease(1, false), lease(2, true));
    leases.forEach(store::put);

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(expected);
    out.writeInt(1);
    for (LeaseRecord lease : leases) {
      byte[] encoded = lease.encode();
      out.writeShort(encoded.length);
      out.write(encoded);
    }
    out.writeShort(0);

    assertArrayEquals(expected.toByteArray(), new LeaseJournal(store).snapshot());
  }

  @Test
  void anEmptyStoreRestoresEmptyAndAnUnknownFormatIsRefused() {
    MemoryLeaseStore empty = new MemoryLeaseStore(16);
    byte[] snapshot = new LeaseJournal(empty).snapshot();
    MemoryLeaseStore restored = new MemoryLeaseStore(16);
    restored.put(lease(1, false));
    new LeaseJournal(restored).restore(snapshot);
    assertEquals(0, restored.size());

    snapshot[3] = 2;
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> new LeaseJournal(empty).restore(snapshot));
    assertEquals(
        "the lease snapshot cannot be read: lease snapshot format 2 is unknown",
        refused.getMessage());
  }
}
