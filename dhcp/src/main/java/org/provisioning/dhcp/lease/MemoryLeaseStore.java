package org.provisioning.dhcp.lease;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.provisioning.common.lease.LeaseFilter;
import org.provisioning.common.lease.LeaseQuery;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.net.Ipv4Address;

/**
 * Leases in memory, indexed by address, client (option 61 or hardware address), hardware address
 * and option 82 remote-id. Durable because every change also goes to the state bus, which replays
 * it here at start-up. Concurrent maps let the console read while the engine writes.
 *
 * <p>The hardware index keeps every address a hardware address holds a lease record at (the newest
 * last, at most {@link #MAX_ADDRESSES_PER_HARDWARE}), so a console search by MAC finds the modem's
 * old leases in other subnets too, without a scan.
 */
public final class MemoryLeaseStore implements LeaseStore, LeaseQuery {
  /** Above this, indexes grow as leases arrive rather than being allocated up front. */
  private static final int MAX_PRESIZED_LEASES = 1 << 22;

  /**
   * A client that changes its client-id at each boot with one MAC keeps getting new leases: the
   * index remembers its newest addresses only.
   */
  static final int MAX_ADDRESSES_PER_HARDWARE = 16;

  private final Map<Integer, LeaseRecord> byAddress;
  private final Map<ClientKey, Integer> byClient;

  /** The addresses of each hardware address's lease records, oldest first; arrays never change. */
  private final Map<ByteKey, int[]> byHardware;

  private final Map<ByteKey, Set<Integer>> byRemoteId = new ConcurrentHashMap<>();

  public MemoryLeaseStore() {
    this(16);
  }

  /**
   * Indexes sized for {@code expectedLeases} (the pools' addresses, at most 4M) up front: a store
   * filling under load would otherwise rehash each index at every doubling, on the engine's thread.
   */
  public MemoryLeaseStore(long expectedLeases) {
    int capacity = (int) Math.max(16, Math.min(expectedLeases, MAX_PRESIZED_LEASES));
    byAddress = new ConcurrentHashMap<>(capacity);
    byClient = new ConcurrentHashMap<>(capacity);
    byHardware = new ConcurrentHashMap<>(capacity);
  }

  @Override
  public Optional<LeaseRecord> byAddress(Ipv4Address address) {
    return Optional.ofNullable(byAddress.get(address.value()));
  }

  @Override
  public Optional<LeaseRecord> byClient(ClientKey client) {
    return follow(byClient.get(client), lease -> ClientKey.of(lease).equals(client));
  }

  @Override
  public Optional<LeaseRecord> byHardwareAddress(byte[] hardwareAddress) {
    int[] addresses = byHardware.get(new ByteKey(hardwareAddress));
    return follow(
        addresses == null ? null : addresses[addresses.length - 1],
        lease -> Arrays.equals(lease.hardwareAddress(), hardwareAddress));
  }

  /** An index entry may point at an address since given to someone else: check it still fits. */
  private Optional<LeaseRecord> follow(Integer address, Predicate<LeaseRecord> stillTheirs) {
    if (address == null) {
      return Optional.empty();
    }
    LeaseRecord lease = byAddress.get(address);
    return lease != null && stillTheirs.test(lease) ? Optional.of(lease) : Optional.empty();
  }

  @Override
  public Optional<LeaseRecord> put(LeaseRecord lease) {
    int address = lease.address().value();
    // Boxed once for both indexes: every lease object less is one less for each GC cycle to mark.
    Integer boxed = address;
    LeaseRecord previous = byAddress.put(boxed, lease);
    if (previous != null && previous.remoteId().length > 0) {
      Set<Integer> held = byRemoteId.get(new ByteKey(previous.remoteId()));
      if (held != null) {
        held.remove(address);
      }
    }
    if (previous != null
        && previous.hardwareAddress().length > 0
        && !Arrays.equals(previous.hardwareAddress(), lease.hardwareAddress())) {
      byHardware.computeIfPresent(
          new ByteKey(previous.hardwareAddress()), (k, held) -> without(held, address));
    }
    byClient.put(ClientKey.of(lease), boxed);
    if (lease.hardwareAddress().length > 0) {
      byHardware.compute(new ByteKey(lease.hardwareAddress()), (k, held) -> newest(held, address));
    }
    if (lease.remoteId().length > 0) {
      byRemoteId
          .computeIfAbsent(new ByteKey(lease.remoteId()), k -> ConcurrentHashMap.newKeySet())
          .add(address);
    }
    return Optional.ofNullable(previous);
  }

  /**
   * The addresses with this one last (the newest), the oldest dropped beyond the bound; the same
   * array, no allocation, when it is last already (a renewal).
   */
  private static int[] newest(int[] held, int address) {
    if (held == null) {
      return new int[] {address};
    }
    if (held[held.length - 1] == address) {
      return held;
    }
    int others = 0;
    for (int a : held) {
      if (a != address) {
        others++;
      }
    }
    int keep = Math.min(others, MAX_ADDRESSES_PER_HARDWARE - 1);
    int skip = others - keep;
    int[] next = new int[keep + 1];
    int j = 0;
    for (int a : held) {
      if (a == address) {
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      next[j++] = a;
    }
    next[keep] = address;
    return next;
  }

  /** The addresses without this one; null (the entry goes) when none is left. */
  private static int[] without(int[] held, int address) {
    int at = -1;
    for (int i = 0; i < held.length; i++) {
      if (held[i] == address) {
        at = i;
      }
    }
    if (at < 0) {
      return held;
    }
    if (held.length == 1) {
      return null;
    }
    int[] next = new int[held.length - 1];
    System.arraycopy(held, 0, next, 0, at);
    System.arraycopy(held, at + 1, next, at, held.length - at - 1);
    return next;
  }

  @Override
  public int countHeldByRemoteId(byte[] remoteId, long nowMillis, Predicate<LeaseRecord> which) {
    Set<Integer> addresses = byRemoteId.get(new ByteKey(remoteId));
    if (addresses == null) {
      return 0;
    }
    int count = 0;
    for (Integer address : addresses) {
      LeaseRecord lease = byAddress.get(address);
      if (lease != null && lease.holdsAddressAt(nowMillis) && which.test(lease)) {
        count++;
      }
    }
    return count;
  }

  @Override
  public void forEach(Consumer<LeaseRecord> action) {
    byAddress.values().forEach(action);
  }

  /**
   * Answers from an index when the filter names an address, a hardware address, an option 82
   * remote-id or a client-id (in that order); else from a pool's range when it is smaller than the
   * store; else by looking at every lease. Lowest addresses first, at most the filter's limit.
   */
  @Override
  public List<LeaseRecord> find(LeaseFilter filter) {
    Collection<LeaseRecord> candidates;
    if (filter.address() != null) {
      candidates = byAddress(filter.address()).stream().toList();
    } else if (filter.hardwareAddress() != null) {
      candidates = atAddresses(byHardware.get(new ByteKey(filter.hardwareAddress())));
    } else if (filter.remoteId() != null) {
      Set<Integer> held = byRemoteId.get(new ByteKey(filter.remoteId()));
      candidates = held == null ? List.of() : atAddresses(held);
    } else if (filter.clientId() != null) {
      candidates = byClient(ClientKey.ofClientId(filter.clientId())).stream().toList();
    } else if (filter.range() != null && filter.range().size() < byAddress.size()) {
      candidates = inRange(filter);
    } else {
      candidates = byAddress.values();
    }
    return lowest(candidates, filter);
  }

  private List<LeaseRecord> atAddresses(int[] addresses) {
    if (addresses == null) {
      return List.of();
    }
    List<LeaseRecord> found = new ArrayList<>(addresses.length);
    for (int address : addresses) {
      LeaseRecord lease = byAddress.get(address);
      if (lease != null) {
        found.add(lease);
      }
    }
    return found;
  }

  private List<LeaseRecord> atAddresses(Collection<Integer> addresses) {
    List<LeaseRecord> found = new ArrayList<>(addresses.size());
    for (Integer address : addresses) {
      LeaseRecord lease = byAddress.get(address);
      if (lease != null) {
        found.add(lease);
      }
    }
    return found;
  }

  /** The range's leases in address order, stopping once the limit is met. */
  private List<LeaseRecord> inRange(LeaseFilter filter) {
    List<LeaseRecord> found = new ArrayList<>();
    long last = filter.range().last().unsigned();
    for (long a = filter.range().first().unsigned(); a <= last; a++) {
      LeaseRecord lease = byAddress.get((int) a);
      if (lease != null && filter.matches(lease)) {
        found.add(lease);
        if (found.size() == filter.limit()) {
          break;
        }
      }
    }
    return found;
  }

  /** The matching candidates with the lowest addresses, sorted: a heap of {@code limit} at most. */
  private static List<LeaseRecord> lowest(Collection<LeaseRecord> candidates, LeaseFilter filter) {
    Comparator<LeaseRecord> byAddressOrder = Comparator.comparing(LeaseRecord::address);
    int limit = filter.limit();
    PriorityQueue<LeaseRecord> highestFirst =
        new PriorityQueue<>(Math.min(limit, 1024) + 1, byAddressOrder.reversed());
    for (LeaseRecord lease : candidates) {
      if (!filter.matches(lease)) {
        continue;
      }
      if (highestFirst.size() < limit) {
        highestFirst.add(lease);
      } else if (byAddressOrder.compare(lease, highestFirst.peek()) < 0) {
        highestFirst.poll();
        highestFirst.add(lease);
      }
    }
    List<LeaseRecord> sorted = new ArrayList<>(highestFirst);
    sorted.sort(byAddressOrder);
    return sorted;
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
