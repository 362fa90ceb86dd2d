package org.provisioning.dhcp.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

/**
 * The index by a lease's key, with a key whose hash collides on purpose (the first octet of the
 * hostname is the key, its hash the key modulo 3), so that every path meets other keys' entries.
 */
class AddressIndexTest {
  private static final int BASE = Ipv4Address.parse("127.16.0.0").value();

  /** The key is the hostname; hostnames "k0", "k3", "k6" all hash alike. */
  private static final AddressIndex.Key BY_HOSTNAME =
      new AddressIndex.Key() {
        @Override
        public boolean presentIn(byte[] lease) {
          return !hostnameOf(lease).isEmpty();
        }

        @Override
        public int hash(byte[] lease) {
          return hashOf(hostnameOf(lease));
        }

        @Override
        public boolean same(byte[] a, byte[] b) {
          return hostnameOf(a).equals(hostnameOf(b));
        }
      };

  private final LeaseTable table = new LeaseTable(16);

  /** Keys in tests decode the lease: the index only asks them, it never reads the form itself. */
  private static String hostnameOf(byte[] lease) {
    return LeaseRecord.decode(lease).hostname();
  }

  private static int hashOf(String hostname) {
    return Integer.parseInt(hostname.substring(1)) % 3;
  }

  private static LeaseRecord lease(int offset, String hostname, long start) {
    return new LeaseRecord(
        new Ipv4Address(BASE + offset),
        1,
        new byte[] {2, 0, 0, 0, 0, (byte) offset},
        null,
        LeaseState.BOUND,
        start,
        start + 3_600_000,
        1,
        hostname,
        null,
        null,
        null);
  }

  private void put(AddressIndex index, LeaseRecord lease) {
    byte[] encoded = lease.encode();
    table.put(encoded);
    index.add(encoded);
  }

  private static LeaseRecord newest(AddressIndex index, String hostname) {
    return index.newest(hashOf(hostname), l -> l.hostname().equals(hostname));
  }

  private static List<Integer> offsets(AddressIndex index, String hostname) {
    List<Integer> found = new ArrayList<>();
    index.forEach(
        hashOf(hostname),
        l -> l.hostname().equals(hostname),
        l -> found.add(l.address().value() - BASE));
    found.sort(null);
    return found;
  }

  @Test
  void oneAddressPerKeyFollowsTheNewestLeaseAmongCollidingKeys() {
    AddressIndex index = new AddressIndex(table, BY_HOSTNAME, 1, 16);
    put(index, lease(1, "k0", 100));
    put(index, lease(2, "k3", 100));
    put(index, lease(3, "k6", 100));
    assertEquals(BASE + 2, newest(index, "k3").address().value());
    put(index, lease(4, "k3", 200)); // k3 moves
    assertEquals(BASE + 4, newest(index, "k3").address().value());
    assertEquals(List.of(4), offsets(index, "k3"), "one address per key");
    // The old lease of k3 changes state later: it is older, the index keeps the newer one.
    put(index, lease(2, "k3", 100).withState(LeaseState.EXPIRED, 150));
    assertEquals(BASE + 4, newest(index, "k3").address().value());
    // Its address passes to k0 (same hash): k0's newest is the newer of its two.
    put(index, lease(2, "k0", 300));
    assertEquals(BASE + 2, newest(index, "k0").address().value());
    assertEquals(BASE + 3, newest(index, "k6").address().value());
    assertNull(newest(index, "k9"));
  }

  @Test
  void severalAddressesPerKeyKeepTheNewestAndDropTheOldest() {
    AddressIndex index = new AddressIndex(table, BY_HOSTNAME, 3, 16);
    for (int i = 0; i < 5; i++) {
      put(index, lease(i, "k1", 100)); // equal starts: the order stored decides
      put(index, lease(10 + i, "k4", 100 + i));
    }
    assertEquals(List.of(2, 3, 4), offsets(index, "k1"));
    assertEquals(List.of(12, 13, 14), offsets(index, "k4"));
    assertEquals(BASE + 4, newest(index, "k1").address().value());
    assertEquals(BASE + 14, newest(index, "k4").address().value());
    // Renewing an old one makes it the newest without dropping anything.
    put(index, lease(2, "k1", 100));
    assertEquals(BASE + 2, newest(index, "k1").address().value());
    assertEquals(List.of(2, 3, 4), offsets(index, "k1"));
    // A lease older than all three kept is not indexed.
    put(index, lease(20, "k4", 50));
    assertEquals(List.of(12, 13, 14), offsets(index, "k4"));
  }

  @Test
  void anAddressThatPassesToAnotherKeyLeavesTheFirstKeysEntries() {
    AddressIndex index = new AddressIndex(table, BY_HOSTNAME, AddressIndex.UNBOUNDED, 16);
    put(index, lease(1, "k2", 100));
    put(index, lease(2, "k2", 100));
    put(index, lease(1, "k7", 200));
    assertEquals(List.of(2), offsets(index, "k2"));
    assertEquals(List.of(1), offsets(index, "k7"));
    put(index, lease(1, "k7", 300)); // a renewal adds nothing
    assertEquals(List.of(1), offsets(index, "k7"));
  }

  /**
   * Addresses that keep passing between clients leave entries that no longer stand; probing reuses
   * them and a rebuild leaves them out, so the array does not grow with the churn.
   */
  @Test
  void churnReusesStaleEntriesInsteadOfGrowing() {
    AddressIndex index = new AddressIndex(table, LeaseKeys.HOSTNAME, 1, 64);
    int capacity = index.capacity();
    for (int round = 0; round < 200; round++) {
      for (int i = 0; i < 20; i++) {
        put(index, lease(i, "h" + round + "-" + i, round));
      }
    }
    assertEquals(capacity, index.capacity());
    for (int i = 0; i < 20; i++) {
      assertEquals(BASE + i, byHostname(index, "h199-" + i).address().value());
    }
  }

  /**
   * Below three eighths full, an add reads no other key's lease: each such check is a lease lookup
   * and a hash, cache misses on a large table, on the engine's thread. Stale entries then wait for
   * the rebuild, which still leaves them out.
   */
  @Test
  void aSparseIndexChecksNoOtherKeysLeaseOnAdd() {
    AtomicInteger hashed = new AtomicInteger();
    AddressIndex.Key counting =
        new AddressIndex.Key() {
          @Override
          public boolean presentIn(byte[] lease) {
            return LeaseKeys.HOSTNAME.presentIn(lease);
          }

          @Override
          public int hash(byte[] lease) {
            hashed.incrementAndGet();
            return LeaseKeys.HOSTNAME.hash(lease);
          }

          @Override
          public boolean same(byte[] a, byte[] b) {
            return LeaseKeys.HOSTNAME.same(a, b);
          }
        };
    AddressIndex index = new AddressIndex(table, counting, 1, 1024);
    // An eighth full, then a quarter with the stale entries: as a store sized for its pools runs.
    int count = index.capacity() / 8;
    for (int i = 0; i < count; i++) {
      put(index, lease(i, "s" + i, 1));
    }
    // Addresses pass to new clients: each old entry turns stale, and no add looks at it.
    hashed.set(0);
    for (int i = 0; i < count; i++) {
      put(index, lease(i, "t" + i, 2));
    }
    assertEquals(count, hashed.get(), "one hash per add, its own");
    for (int i = 0; i < count; i++) {
      assertEquals(BASE + i, byHostname(index, "t" + i).address().value());
      assertNull(byHostname(index, "s" + i));
    }
  }

  @Test
  void itGrowsWhenStandingEntriesFillItAndClearEmpties() {
    AddressIndex index = new AddressIndex(table, LeaseKeys.HOSTNAME, 1, 16);
    int count = 10_000;
    for (int i = 0; i < count; i++) {
      put(index, lease(i, "n" + i, 1));
    }
    assertTrue(index.capacity() >= 2 * count, "capacity " + index.capacity());
    for (int i = 0; i < count; i++) {
      assertEquals(BASE + i, byHostname(index, "n" + i).address().value());
    }
    index.clear();
    assertNull(byHostname(index, "n1"));
  }

  /** While the writer adds and rebuilds, a reader finds each key stored before it looked. */
  @Test
  void readersFindStoredKeysWhileTheIndexRebuilds() throws InterruptedException {
    AddressIndex index = new AddressIndex(table, LeaseKeys.HOSTNAME, 1, 16);
    int count = 100_000;
    AtomicInteger stored = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              java.util.Random random = new java.util.Random(11);
              while (stored.get() < count && failure.get() == null) {
                int upTo = stored.get();
                if (upTo == 0) {
                  continue;
                }
                String name = "r" + random.nextInt(upTo);
                LeaseRecord found = byHostname(index, name);
                if (found == null || !found.hostname().equals(name)) {
                  failure.set(name + " gave " + found);
                }
              }
            });
    reader.start();
    for (int i = 0; i < count; i++) {
      put(index, lease(i, "r" + i, 1));
      stored.set(i + 1);
    }
    reader.join();
    assertNull(failure.get());
  }

  /** The newest lease of a hostname, through an index by {@link LeaseKeys#HOSTNAME}. */
  private static LeaseRecord byHostname(AddressIndex index, String hostname) {
    return index.newest(
        LeaseKeys.HOSTNAME.hash(lease(0, hostname, 0).encode()),
        l -> l.hostname().equals(hostname));
  }

  /** A key by hostname with a real hash. */
  private enum LeaseKeys implements AddressIndex.Key {
    HOSTNAME;

    @Override
    public boolean presentIn(byte[] lease) {
      return !hostnameOf(lease).isEmpty();
    }

    @Override
    public int hash(byte[] lease) {
      return ByteKey.hash(hostnameOf(lease).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public boolean same(byte[] a, byte[] b) {
      return hostnameOf(a).equals(hostnameOf(b));
    }
  }
}
