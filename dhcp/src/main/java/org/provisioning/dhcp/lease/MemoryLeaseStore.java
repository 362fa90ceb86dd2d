package org.provisioning.dhcp.lease;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.provisioning.common.lease.LeaseFilter;
import org.provisioning.common.lease.LeaseQuery;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

/**
 * Leases in memory, indexed by address, client (option 61 or hardware address), hardware address
 * and option 82 remote-id. Durable because every change also goes to the state bus, which replays
 * it here at start-up.
 *
 * <p>Built for millions of leases under a concurrent collector: the table and its indexes are
 * primitive arrays ({@link LeaseTable}, {@link AddressIndex}) and the leases are kept in their
 * binary form in large byte arrays ({@link LeaseCells}), so a lease costs the collector no object
 * to mark (maps of records cost it about ten a lease). A lookup decodes the lease it returns; an
 * index compares keys on the binary form. One writer at a time, the DHCP engine; the console, TFTP
 * and DNS read from any thread.
 *
 * <p>The hardware index keeps the newest {@link #MAX_ADDRESSES_PER_HARDWARE} addresses of each
 * hardware address, so a console search by MAC finds the modem's old leases in other subnets too,
 * without a scan.
 */
public final class MemoryLeaseStore implements LeaseStore, LeaseQuery {
  /**
   * Above this, the table and indexes grow as leases arrive rather than being allocated up front.
   */
  private static final int MAX_PRESIZED_LEASES = 1 << 20;

  /** Remote-ids come with cable CPE only: that index starts small. */
  private static final int INITIAL_REMOTE_IDS = 1024;

  /**
   * A client that changes its client-id at each boot with one MAC keeps getting new leases: the
   * index remembers its newest addresses only.
   */
  static final int MAX_ADDRESSES_PER_HARDWARE = 16;

  private final LeaseTable byAddress;
  private final AddressIndex byClient;
  private final AddressIndex byHardware;
  private final AddressIndex byRemoteId;

  public MemoryLeaseStore() {
    this(16);
  }

  /**
   * Table and indexes sized for {@code expectedLeases} (the pools' addresses, at most 1M) up front:
   * a store filling under load would otherwise rebuild them at every doubling, on the engine's
   * thread.
   */
  public MemoryLeaseStore(long expectedLeases) {
    int expected = (int) Math.max(16, Math.min(expectedLeases, MAX_PRESIZED_LEASES));
    byAddress = new LeaseTable(expected);
    byClient = new AddressIndex(byAddress, CLIENT, 1, expected);
    byHardware = new AddressIndex(byAddress, HARDWARE, MAX_ADDRESSES_PER_HARDWARE, expected);
    byRemoteId =
        new AddressIndex(
            byAddress, REMOTE_ID, AddressIndex.UNBOUNDED, Math.min(expected, INITIAL_REMOTE_IDS));
  }

  /** The key of the client index: option 61, or the hardware type and address. */
  private static final AddressIndex.Key CLIENT =
      new AddressIndex.Key() {
        @Override
        public boolean presentIn(byte[] lease) {
          return true;
        }

        @Override
        public int hash(byte[] lease) {
          return ClientKey.hashOfEncoded(lease);
        }

        @Override
        public boolean same(byte[] a, byte[] b) {
          return ClientKey.sameEncoded(a, b);
        }
      };

  private static final OctetsKey HARDWARE =
      new OctetsKey(
          record -> LeaseRecord.Encoded.hardwareAddressOffset(), LeaseRecord::hardwareAddress);
  private static final OctetsKey REMOTE_ID =
      new OctetsKey(LeaseRecord.Encoded::remoteIdOffset, LeaseRecord::remoteId);

  /**
   * A key that is one of the lease's octet strings, found at {@code offset} in the binary form
   * (after its length octet) and by {@code octets} in a record; a lease whose string is empty has
   * none.
   */
  private record OctetsKey(ToIntFunction<byte[]> offset, Function<LeaseRecord, byte[]> octets)
      implements AddressIndex.Key {
    @Override
    public boolean presentIn(byte[] lease) {
      return length(lease, offset.applyAsInt(lease)) > 0;
    }

    @Override
    public int hash(byte[] lease) {
      int at = offset.applyAsInt(lease);
      return ByteKey.mix(ByteKey.FNV_BASIS, lease, at, length(lease, at));
    }

    @Override
    public boolean same(byte[] a, byte[] b) {
      int aAt = offset.applyAsInt(a);
      int bAt = offset.applyAsInt(b);
      return Arrays.equals(a, aAt, aAt + length(a, aAt), b, bAt, bAt + length(b, bAt));
    }

    private static int length(byte[] lease, int at) {
      return lease[at - 1] & 0xff;
    }

    /** Whether a lease holds these octets: what a lookup by them compares on each candidate. */
    Predicate<LeaseRecord> holding(byte[] value) {
      return lease -> Arrays.equals(octets.apply(lease), value);
    }
  }

  @Override
  public Optional<LeaseRecord> byAddress(Ipv4Address address) {
    return Optional.ofNullable(byAddress.get(address.value()));
  }

  @Override
  public Optional<LeaseRecord> byClient(ClientKey client) {
    return Optional.ofNullable(byClient.newest(client.hashCode(), client::matches));
  }

  @Override
  public Optional<LeaseRecord> byHardwareAddress(byte[] hardwareAddress) {
    return Optional.ofNullable(
        byHardware.newest(ByteKey.hash(hardwareAddress), HARDWARE.holding(hardwareAddress)));
  }

  @Override
  public LeaseState put(LeaseRecord lease) {
    byte[] encoded = lease.encode();
    LeaseState previous = byAddress.put(encoded);
    byClient.add(encoded);
    byHardware.add(encoded);
    byRemoteId.add(encoded);
    return previous;
  }

  @Override
  public int countHeldByRemoteId(byte[] remoteId, long nowMillis, Predicate<LeaseRecord> which) {
    int[] count = {0};
    byRemoteId.forEach(
        ByteKey.hash(remoteId),
        REMOTE_ID.holding(remoteId),
        lease -> {
          if (lease.holdsAddressAt(nowMillis) && which.test(lease)) {
            count[0]++;
          }
        });
    return count[0];
  }

  @Override
  public void forEach(Consumer<LeaseRecord> action) {
    byAddress.forEach(action);
  }

  @Override
  public void forEachEncoded(EncodedLeaseConsumer action) {
    byAddress.forEachEncoded(action);
  }

  @Override
  public EncodedCopy copyEncoded() {
    return byAddress.copyEncoded();
  }

  /**
   * Answers from an index when the filter names an address, a hardware address, an option 82
   * remote-id or a client-id (in that order); else from a pool's range when it is smaller than the
   * store; else by looking at every lease. Lowest addresses first, at most the filter's limit.
   */
  @Override
  public List<LeaseRecord> find(LeaseFilter filter) {
    Lowest lowest = new Lowest(filter);
    if (filter.address() != null) {
      byAddress(filter.address()).ifPresent(lowest);
    } else if (filter.hardwareAddress() != null) {
      byte[] hardware = filter.hardwareAddress();
      byHardware.forEach(ByteKey.hash(hardware), HARDWARE.holding(hardware), lowest);
    } else if (filter.remoteId() != null) {
      byte[] remoteId = filter.remoteId();
      byRemoteId.forEach(ByteKey.hash(remoteId), REMOTE_ID.holding(remoteId), lowest);
    } else if (filter.clientId() != null) {
      byClient(ClientKey.ofClientId(filter.clientId())).ifPresent(lowest);
    } else if (filter.range() != null && filter.range().size() < byAddress.size()) {
      inRange(filter, lowest);
    } else {
      byAddress.forEach(lowest);
    }
    return lowest.sorted();
  }

  /** The range's matching leases in address order, stopping once the limit is met. */
  private void inRange(LeaseFilter filter, Lowest lowest) {
    long last = filter.range().last().unsigned();
    int found = 0;
    for (long a = filter.range().first().unsigned(); a <= last && found < filter.limit(); a++) {
      LeaseRecord lease = byAddress.get((int) a);
      if (lease != null && filter.matches(lease)) {
        lowest.accept(lease);
        found++;
      }
    }
  }

  /** The matching leases with the lowest addresses, in a heap of {@code limit} at most. */
  private static final class Lowest implements Consumer<LeaseRecord> {
    private static final Comparator<LeaseRecord> ADDRESS_ORDER =
        Comparator.comparing(LeaseRecord::address);

    private final LeaseFilter filter;
    private final PriorityQueue<LeaseRecord> highestFirst;

    Lowest(LeaseFilter filter) {
      this.filter = filter;
      this.highestFirst =
          new PriorityQueue<>(Math.min(filter.limit(), 1024) + 1, ADDRESS_ORDER.reversed());
    }

    @Override
    public void accept(LeaseRecord lease) {
      if (!filter.matches(lease)) {
        return;
      }
      if (highestFirst.size() < filter.limit()) {
        highestFirst.add(lease);
      } else if (ADDRESS_ORDER.compare(lease, highestFirst.peek()) < 0) {
        highestFirst.poll();
        highestFirst.add(lease);
      }
    }

    List<LeaseRecord> sorted() {
      List<LeaseRecord> sorted = new ArrayList<>(highestFirst);
      sorted.sort(ADDRESS_ORDER);
      return sorted;
    }
  }

  @Override
  public int size() {
    return byAddress.size();
  }

  @Override
  public void clear() {
    byAddress.clear();
    byClient.clear();
    byHardware.clear();
    byRemoteId.clear();
  }
}
