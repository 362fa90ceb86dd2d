package org.provisioning.dhcp.lease;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.provisioning.common.lease.LeaseQuery;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

/**
 * Leases in memory, indexed by address, client (option 61 or hardware address), hardware address
 * and option 82 remote-id. Durable because every change also goes to the state bus, which replays
 * it here at start-up. Concurrent maps let the console read while the engine writes.
 */
public final class MemoryLeaseStore implements LeaseStore, LeaseQuery {
  /** Above this, indexes grow as leases arrive rather than being allocated up front. */
  private static final int MAX_PRESIZED_LEASES = 1 << 22;

  private final Map<Integer, LeaseRecord> byAddress;
  private final Map<ClientKey, Integer> byClient;
  private final Map<ByteKey, Integer> byHardware;
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
    return follow(
        byHardware.get(new ByteKey(hardwareAddress)),
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
    LeaseRecord previous = byAddress.put(address, lease);
    if (previous != null && previous.remoteId().length > 0) {
      Set<Integer> held = byRemoteId.get(new ByteKey(previous.remoteId()));
      if (held != null) {
        held.remove(address);
      }
    }
    byClient.put(ClientKey.of(lease), address);
    if (lease.hardwareAddress().length > 0) {
      byHardware.put(new ByteKey(lease.hardwareAddress()), address);
    }
    if (lease.remoteId().length > 0) {
      byRemoteId
          .computeIfAbsent(new ByteKey(lease.remoteId()), k -> ConcurrentHashMap.newKeySet())
          .add(address);
    }
    return Optional.ofNullable(previous);
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

  @Override
  public java.util.List<LeaseRecord> find(
      Ipv4Address address, byte[] hardwareAddress, LeaseState state, int limit) {
    java.util.stream.Stream<LeaseRecord> candidates;
    if (address != null) {
      candidates = byAddress(address).stream();
    } else if (hardwareAddress != null) {
      candidates =
          byAddress.values().stream()
              .filter(lease -> Arrays.equals(lease.hardwareAddress(), hardwareAddress));
    } else {
      candidates = byAddress.values().stream();
    }
    return candidates
        .filter(lease -> state == null || lease.state() == state)
        .sorted(java.util.Comparator.comparing(LeaseRecord::address))
        .limit(limit)
        .toList();
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
