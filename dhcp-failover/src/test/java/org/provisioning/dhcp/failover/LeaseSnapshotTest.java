package org.provisioning.dhcp.failover;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.lease.LeaseStore;
import org.provisioning.dhcp.lease.MemoryLeaseStore;

/** A snapshot's leases: copied from the store at once, decoded and filtered later. */
class LeaseSnapshotTest {
  private static final int LEASES = 5_000;

  /** Every third lease's long hostname takes it past a cell: its record is kept aside. */
  private static LeaseRecord lease(int n) {
    String hostname = n % 3 == 0 ? "cpe-" + "x".repeat(90) + n : "cpe-" + n;
    return new LeaseRecord(
        new Ipv4Address(Ipv4Address.parse("127.16.0.0").value() + n),
        1,
        new byte[] {0, 0x11, 0x22, 0, (byte) (n >> 8), (byte) n},
        new byte[] {1, 0, 0x11, 0x22, 0, (byte) (n >> 8), (byte) n},
        LeaseState.BOUND,
        1_000L * n,
        1_000L * n + 3_600_000,
        1 + n % 2,
        hostname,
        "docsis",
        new byte[] {(byte) n},
        new byte[0]);
  }

  private static MemoryLeaseStore storeOf(int count) {
    MemoryLeaseStore store = new MemoryLeaseStore();
    for (int n = 0; n < count; n++) {
      store.put(lease(n));
    }
    return store;
  }

  private static LeaseRecord[] asStored(MemoryLeaseStore store) {
    List<LeaseRecord> stored = new ArrayList<>();
    store.forEach(stored::add);
    return stored.toArray(new LeaseRecord[0]);
  }

  @Test
  void theCopyDecodesToEveryStoredLeaseInTheStoresOrder() {
    MemoryLeaseStore store = storeOf(LEASES);

    LeaseStore.EncodedCopy copy = store.copyEncoded();

    assertEquals(LEASES, copy.size());
    assertArrayEquals(asStored(store), LeaseSnapshot.decode(copy, (octets, length) -> false));
  }

  @Test
  void leasesThePartnerGaveAreLeftOutWhileTheyStandAsGiven() {
    MemoryLeaseStore store = storeOf(LEASES);
    Set<LeaseRecord> partnersGave = Set.of(lease(0), lease(7), lease(8), lease(LEASES - 1));
    PartnerGivenLeases given = new PartnerGivenLeases();
    partnersGave.forEach(lease -> given.remember(lease.encode()));
    // Changed here since the partner gave it: the partner lacks this version.
    LeaseRecord changed = lease(8).withState(LeaseState.RELEASED, 5_000);
    store.put(changed);

    LeaseRecord[] kept = LeaseSnapshot.decode(store.copyEncoded(), given::holds);

    assertEquals(LEASES - 3, kept.length);
    for (LeaseRecord lease : kept) {
      assertFalse(partnersGave.contains(lease), lease.address().toString());
    }
    assertTrue(List.of(kept).contains(changed));
  }

  @Test
  void changesToTheStoreAfterTheCopyDoNotReachIt() {
    MemoryLeaseStore store = storeOf(10);
    LeaseRecord[] before = asStored(store);
    LeaseStore.EncodedCopy copy = store.copyEncoded();

    store.put(lease(1).withState(LeaseState.RELEASED, 5_000)); // in its cell
    store.put(lease(3).withState(LeaseState.EXPIRED, 5_000)); // aside
    store.put(lease(10));

    assertEquals(10, copy.size());
    assertArrayEquals(before, LeaseSnapshot.decode(copy, (octets, length) -> false));
  }

  @Test
  void anEmptyStoreGivesAnEmptyCopy() {
    LeaseStore.EncodedCopy copy = new MemoryLeaseStore().copyEncoded();

    assertEquals(0, copy.size());
    assertEquals(0, LeaseSnapshot.decode(copy, (octets, length) -> false).length);
  }

  @Test
  void sortedPutsTheLeasesInAddressOrder() {
    LeaseRecord[] leases = {lease(5), lease(1), lease(3)};

    LeaseSnapshot snapshot = LeaseSnapshot.sorted(7, new byte[0], List.of(), leases);

    assertEquals(List.of(lease(1), lease(3), lease(5)), snapshot.page(0, 10));
    assertEquals(2, snapshot.indexAfter(lease(3).address().value()));
  }
}
