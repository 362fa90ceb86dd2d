package org.provisioning.dhcp.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

class LeaseTableTest {
  private static final int BASE = Ipv4Address.parse("127.16.0.0").value();

  static LeaseRecord lease(int address, LeaseState state) {
    return lease(address, state, null);
  }

  private static LeaseRecord lease(int address, LeaseState state, byte[] clientId) {
    return new LeaseRecord(
        new Ipv4Address(address),
        1,
        new byte[] {2, 0, 0, (byte) (address >>> 16), (byte) (address >>> 8), (byte) address},
        clientId,
        state,
        1_000,
        2_000,
        1,
        null,
        null,
        null,
        null);
  }

  @Test
  void aPutReplacesTheLeaseOfItsAddressAndSaysWhatItReplaced() {
    LeaseTable table = new LeaseTable(16);
    LeaseRecord bound = lease(BASE, LeaseState.BOUND);
    assertNull(table.put(bound.encode()));
    LeaseRecord released = bound.withState(LeaseState.RELEASED, 1_500);
    assertEquals(LeaseState.BOUND, table.put(released.encode()));
    assertEquals(released, table.get(BASE));
    assertNull(table.get(BASE + 1));
    assertEquals(1, table.size());
  }

  /** A record too long for its cell lives aside: a put still reads what it replaces. */
  @Test
  void aPutSaysWhatItReplacedWhenTheRecordLivesOutsideItsCell() {
    LeaseTable table = new LeaseTable(16);
    LeaseRecord bound = lease(BASE, LeaseState.BOUND, new byte[LeaseCells.CELL]);
    table.put(bound.encode());
    LeaseRecord declined = bound.withState(LeaseState.DECLINED, 1_500);
    assertEquals(LeaseState.BOUND, table.put(declined.encode()));
    assertEquals(LeaseState.DECLINED, table.put(lease(BASE, LeaseState.BOUND).encode()));
    assertEquals(lease(BASE, LeaseState.BOUND), table.get(BASE));
  }

  @Test
  void growingKeepsEveryLeaseAndClearEmpties() {
    LeaseTable table = new LeaseTable(16);
    int count = 100_000;
    for (int i = 0; i < count; i++) {
      table.put(lease(BASE + i, LeaseState.BOUND).encode());
    }
    // 0.0.0.0 and 255.255.255.255 are keys like any other.
    table.put(lease(0, LeaseState.BOUND).encode());
    table.put(lease(-1, LeaseState.BOUND).encode());
    assertEquals(count + 2, table.size());
    for (int i = 0; i < count; i++) {
      assertEquals(BASE + i, table.get(BASE + i).address().value());
    }
    assertEquals(0, table.get(0).address().value());
    assertEquals(-1, table.get(-1).address().value());
    Set<Integer> seen = new HashSet<>();
    table.forEach(lease -> seen.add(lease.address().value()));
    assertEquals(count + 2, seen.size());
    table.clear();
    assertEquals(0, table.size());
    assertNull(table.get(BASE));
  }

  /** A reader never misses a lease stored before it looked, while the writer grows the table. */
  @Test
  void readersSeeEveryStoredLeaseWhileTheTableGrows() throws InterruptedException {
    LeaseTable table = new LeaseTable(16);
    int count = 200_000;
    AtomicInteger stored = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              java.util.Random random = new java.util.Random(7);
              while (stored.get() < count && failure.get() == null) {
                int upTo = stored.get();
                if (upTo == 0) {
                  continue;
                }
                int address = BASE + random.nextInt(upTo);
                LeaseRecord found = table.get(address);
                if (found == null || found.address().value() != address) {
                  failure.set("lookup of a stored address gave " + found);
                }
              }
            });
    reader.start();
    for (int i = 0; i < count; i++) {
      table.put(lease(BASE + i, LeaseState.BOUND).encode());
      stored.set(i + 1);
    }
    reader.join();
    assertNull(failure.get());
  }
}
