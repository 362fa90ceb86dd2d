package org.provisioning.dhcp.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.lease.LeaseChange;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

/** The lease detail's history: kinds, servers, the client's other addresses, the bound. */
class LeaseHistoryIndexTest {
  private static final Ipv4Address A = Ipv4Address.parse("127.16.0.10");
  private static final Ipv4Address B = Ipv4Address.parse("127.16.0.11");
  private final LeaseHistoryIndex history = new LeaseHistoryIndex(8);
  private long sequence;

  private static LeaseRecord bound(Ipv4Address address, String mac, long at) {
    return new LeaseRecord(
        address,
        1,
        HexFormat.ofDelimiter(":").parseHex(mac),
        null,
        LeaseState.BOUND,
        at,
        at + 3_600_000,
        1,
        "host",
        "",
        null,
        null);
  }

  private BusRecord record(int origin, LeaseRecord lease) {
    return new BusRecord(origin, ++sequence, lease.startMillis(), RecordType.LEASE, lease.encode());
  }

  private List<String> kinds(Ipv4Address address) {
    return history.changes(address, 100).stream()
        .map(c -> c.lease().address() + " " + c.kind().label() + " by " + c.origin())
        .toList();
  }

  @Test
  void leaseRecordsItCannotReadAreSkipped() {
    LeaseRecord lease = bound(A, "02:00:00:00:00:01", 1_000);
    byte[] truncated = Arrays.copyOf(lease.encode(), 9);
    history.onDurable(new BusRecord(1, ++sequence, 1_000, RecordType.LEASE, truncated));
    assertEquals(0, history.added());
    // Readable in place but not whole (its tail cut): kept, and left out of what is shown.
    byte[] tailCut = Arrays.copyOf(lease.encode(), lease.encode().length - 1);
    history.onDurable(new BusRecord(1, ++sequence, 1_000, RecordType.LEASE, tailCut));
    history.onDurable(record(1, bound(A, "02:00:00:00:00:01", 2_000)));
    assertEquals(List.of(A + " allocated by 1"), kinds(A));
  }

  @Test
  void showsEachChangeOfTheAddressAndItsClientNewestFirst() {
    LeaseRecord first = bound(A, "02:00:00:00:00:01", 1_000);
    history.onDurable(record(1, first));
    history.onDurable(record(1, bound(A, "02:00:00:00:00:01", 2_000)));
    history.onDurable(record(2, first.withState(LeaseState.RELEASED, 3_000)));
    history.onDurable(record(2, bound(B, "02:00:00:00:00:01", 4_000))); // the client moves
    history.onDurable(record(1, bound(A, "02:00:00:00:00:02", 5_000))); // A to someone else
    history.onDurable(
        new BusRecord(1, ++sequence, 6_000, RecordType.CONFIG, new byte[] {1})); // not a lease

    assertEquals(
        List.of(
            "127.16.0.10 allocated by 1",
            "127.16.0.10 released by 2",
            "127.16.0.10 renewed by 1",
            "127.16.0.10 allocated by 1"),
        kinds(A),
        "every change of the address, whoever held it");
    assertEquals(
        List.of(
            "127.16.0.11 allocated by 2",
            "127.16.0.10 released by 2",
            "127.16.0.10 renewed by 1",
            "127.16.0.10 allocated by 1"),
        kinds(B),
        "the address's changes and those of its client at its other addresses");
    LeaseChange newest = history.changes(A, 1).get(0);
    assertEquals(5_000, newest.timeMillis());
    assertEquals(5, newest.sequence());
    assertEquals(1, history.changes(A, 1).size(), "at most the limit");
    assertTrue(history.changes(Ipv4Address.parse("127.16.0.99"), 10).isEmpty());
  }

  @Test
  void aRecordSeenAtReplayAndAgainFromTheBusIsKeptOnce() {
    LeaseRecord lease = bound(A, "02:00:00:00:00:01", 1_000);
    BusRecord record = record(1, lease);
    history.add(record, lease);
    history.onDurable(record);
    assertEquals(1, history.added());
  }

  @Test
  void keepsTheNewestRecordsOnlyAndSaysSinceWhen() {
    for (int i = 1; i <= 10; i++) {
      history.onDurable(record(1, bound(A, "02:00:00:00:00:01", i * 1_000L)));
    }
    List<LeaseChange> kept = history.changes(A, 100);
    assertEquals(8, kept.size());
    assertEquals(10_000, kept.get(0).timeMillis());
    assertEquals(3_000, history.keptSinceMillis().orElseThrow());
    assertEquals(
        LeaseChange.Kind.BOUND,
        kept.get(kept.size() - 1).kind(),
        "the record before the oldest kept is gone: allocated or renewed, nobody knows");
  }

  @Test
  void afterASnapshotAFirstBindingMayBeARenewal() {
    history.restoredFromSnapshot();
    history.onDurable(record(1, bound(A, "02:00:00:00:00:01", 1_000)));
    history.onDurable(record(1, bound(A, "02:00:00:00:00:01", 2_000)));
    assertEquals(List.of("127.16.0.10 renewed by 1", "127.16.0.10 bound by 1"), kinds(A));
    assertTrue(new LeaseHistoryIndex().keptSinceMillis().isEmpty());
  }
}
