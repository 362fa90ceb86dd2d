package org.provisioning.dhcp.lease;

import java.util.Optional;
import java.util.function.Consumer;
import org.provisioning.common.lease.LeaseLookup;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

/**
 * Where leases live: find, put and list, nothing else (limits and statistics are elsewhere). Writes
 * come from one thread, the DHCP engine's; reads may come from any thread.
 */
public interface LeaseStore extends LeaseLookup {

  @Override
  Optional<LeaseRecord> byAddress(Ipv4Address address);

  /** The newest lease granted to this client, whatever its state. */
  Optional<LeaseRecord> byClient(ClientKey client);

  /** The newest lease of a hardware address, whatever the client id. */
  Optional<LeaseRecord> byHardwareAddress(byte[] hardwareAddress);

  /** Stores a lease's new state; returns the state the address's lease had before, or null. */
  LeaseState put(LeaseRecord lease);

  /** How many leases are held now behind this option 82 remote-id, counting those that match. */
  int countHeldByRemoteId(
      byte[] remoteId, long nowMillis, java.util.function.Predicate<LeaseRecord> which);

  void forEach(Consumer<LeaseRecord> action);

  /**
   * Every lease in its binary form ({@link LeaseRecord#encode}), as stored: nothing decoded, no
   * array per lease. What a snapshot reads: decoding a million leases and encoding them again took
   * a core for 0.4 s from a server under load.
   */
  void forEachEncoded(EncodedLeaseConsumer action);

  /**
   * Every lease in its binary form as it stands now, copied wholesale (the store's storage, not
   * lease by lease): for the thread that writes the store, which no change can then overtake. A
   * failover snapshot holds the engine for this copy alone (15-17 ms for a million leases), filters
   * and orders it on a thread of its own and decodes a page at a time as it sends it.
   */
  EncodedCopy copyEncoded();

  /** A store's leases frozen in their binary form, for any thread to read at leisure. */
  interface EncodedCopy {
    int size();

    /** Every lease, in the store's order, as {@link LeaseStore#forEachEncoded} hands them. */
    void forEachEncoded(EncodedLeaseConsumer action);

    /** The binary form of the lease at this position of that order (0 to size - 1), a copy. */
    byte[] encodedAt(int position);
  }

  /** Receives one lease's binary form: octets 0 to length - 1, of a buffer reused for the next. */
  @FunctionalInterface
  interface EncodedLeaseConsumer {
    void accept(byte[] octets, int length);
  }

  int size();

  /** Drops every lease: a snapshot from the failover peer or a restore replaces them all. */
  void clear();
}
