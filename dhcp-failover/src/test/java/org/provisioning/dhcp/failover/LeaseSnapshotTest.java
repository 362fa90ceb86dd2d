package org.provisioning.dhcp.failover;

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
    return lease(new Ipv4Address(Ipv4Address.parse("127.16.0.0").value() + n), n);
  }

  private static LeaseRecord lease(Ipv4Address address, int n) {
    String hostname = n % 3 == 0 ? "cpe-" + "x".repeat(90) + n : "cpe-" + n;
    return new LeaseRecord(
        address,
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

  private static List<LeaseRecord> asStored(MemoryLeaseStore store) {
    List<LeaseRecord> stored = new ArrayList<>();
    store.forEach(stored::add);
    return stored;
  }

  /** The leases in unsigned address order, as a snapshot sends them. */
  private static List<LeaseRecord> inAddressOrder(List<LeaseRecord> leases) {
    List<LeaseRecord> sorted = new ArrayList<>(leases);
    sorted.sort((a, b) -> Integer.compareUnsigned(a.address().value(), b.address().value()));
    return sorted;
  }

  private static LeaseSnapshot snapshotOf(
      LeaseStore.EncodedCopy copy, LeaseSnapshot.LeaveOut leaveOut) {
    return LeaseSnapshot.of(7, new byte[0], List.of(), copy, leaveOut);
  }

  private static final LeaseSnapshot.LeaveOut NONE = (octets, length) -> false;

  @Test
  void everyStoredLeaseGoesInAddressOrderPageByPage() {
    MemoryLeaseStore store = storeOf(LEASES);
    // Addresses above 127.255.255.255 sort after, not before (unsigned order).
    LeaseRecord high = lease(Ipv4Address.parse("200.0.0.1"), 1);
    LeaseRecord low = lease(Ipv4Address.parse("1.0.0.1"), 2);
    store.put(high);
    store.put(low);

    LeaseSnapshot snapshot = snapshotOf(store.copyEncoded(), NONE);

    assertEquals(LEASES + 2, snapshot.size());
    List<LeaseRecord> sent = new ArrayList<>();
    for (int i = 0; i < snapshot.size(); i += 1_000) {
      sent.addAll(snapshot.page(i, 1_000));
    }
    assertEquals(inAddressOrder(asStored(store)), sent);
    assertEquals(low, sent.get(0));
    assertEquals(high, sent.get(sent.size() - 1));
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

    List<LeaseRecord> kept = snapshotOf(store.copyEncoded(), given::holds).page(0, LEASES);

    assertEquals(LEASES - 3, kept.size());
    for (LeaseRecord lease : kept) {
      assertFalse(partnersGave.contains(lease), lease.address().toString());
    }
    assertTrue(kept.contains(changed));
  }

  @Test
  void changesToTheStoreAfterTheCopyDoNotReachIt() {
    MemoryLeaseStore store = storeOf(10);
    List<LeaseRecord> before = asStored(store);
    LeaseSnapshot snapshot = snapshotOf(store.copyEncoded(), NONE);

    store.put(lease(1).withState(LeaseState.RELEASED, 5_000)); // in its cell
    store.put(lease(3).withState(LeaseState.EXPIRED, 5_000)); // aside
    store.put(lease(10));

    assertEquals(10, snapshot.size());
    assertEquals(inAddressOrder(before), snapshot.page(0, 100));
  }

  @Test
  void anEmptyStoreGivesAnEmptySnapshot() {
    LeaseSnapshot snapshot = snapshotOf(new MemoryLeaseStore().copyEncoded(), NONE);

    assertEquals(0, snapshot.size());
    assertEquals(List.of(), snapshot.page(0, 10));
    assertEquals(0, snapshot.indexAfter(0));
  }

  @Test
  void aResumeStartsAfterTheLastAddressThePartnerApplied() {
    MemoryLeaseStore store = new MemoryLeaseStore();
    store.put(lease(5));
    store.put(lease(1));
    store.put(lease(3));
    LeaseSnapshot snapshot = snapshotOf(store.copyEncoded(), NONE);

    assertEquals(List.of(lease(1), lease(3), lease(5)), snapshot.page(0, 10));
    assertEquals(2, snapshot.indexAfter(lease(3).address().value()));
    assertEquals(
        List.of(lease(5)), snapshot.page(snapshot.indexAfter(lease(4).address().value()), 10));
    assertEquals(0, snapshot.indexAfter(lease(0).address().value()));
    assertEquals(3, snapshot.indexAfter(Ipv4Address.parse("255.255.255.255").value()));
  }
}
