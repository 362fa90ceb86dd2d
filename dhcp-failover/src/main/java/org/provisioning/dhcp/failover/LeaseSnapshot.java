package org.provisioning.dhcp.failover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.provisioning.common.bus.ReplicatedState;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.dhcp.lease.LeaseStore;

/**
 * A lease snapshot a server sends its partner: copied once on the engine's thread, as of one
 * sequence of the sender's origin ({@link LeaseStore#copyEncoded}), then sent page by page in
 * address order. The sender keeps it while the partner lacks part of it, so that a session that
 * breaks halfway is taken up by the next one after the last lease the partner applied, not from the
 * beginning.
 *
 * <p>The leases stay in the copy's binary form, with one {@code long} each to put them in address
 * order, and are decoded a page at a time as they are sent: a million leases held as records for
 * the whole session took 200 MB and five million objects for the collector to mark, on a server
 * that serves DHCP meanwhile.
 */
final class LeaseSnapshot {
  /** Which leases a snapshot leaves out, told by their binary form. */
  @FunctionalInterface
  interface LeaveOut {
    boolean test(byte[] octets, int length);
  }

  private final long covered;
  private final byte[] config;
  private final List<ReplicatedState.Entry> state;
  private final LeaseStore.EncodedCopy leases;

  /**
   * The leases sent, in address order: each the lease's address (flipped at its top bit, so that
   * signed order is the addresses' unsigned order) above its position in {@link #leases}.
   */
  private final long[] order;

  private LeaseSnapshot(
      long covered,
      byte[] config,
      List<ReplicatedState.Entry> state,
      LeaseStore.EncodedCopy leases,
      long[] order) {
    this.covered = covered;
    this.config = config;
    this.state = List.copyOf(state);
    this.leases = leases;
    this.order = order;
  }

  /**
   * A snapshot of the copied leases but for those {@code leaveOut} names, in address order.
   *
   * @param covered the sender's sequence the snapshot covers; it names the snapshot
   * @param config the sender's config version as its config store encodes it
   * @param state the sender's other replicated state (users, audit, alert acknowledgements), sent
   *     after the config and before the leases; a resumed snapshot does not send it again
   */
  static LeaseSnapshot of(
      long covered,
      byte[] config,
      List<ReplicatedState.Entry> state,
      LeaseStore.EncodedCopy leases,
      LeaveOut leaveOut) {
    long[] order = new long[leases.size()];
    int[] counts = new int[2]; // positions read, leases kept
    leases.forEachEncoded(
        (octets, length) -> {
          int position = counts[0]++;
          if (!leaveOut.test(octets, length)) {
            order[counts[1]++] = key(LeaseRecord.Encoded.address(octets), position);
          }
        });
    long[] kept = Arrays.copyOf(order, counts[1]);
    Arrays.sort(kept);
    return new LeaseSnapshot(covered, config, state, leases, kept);
  }

  private static long key(int address, long position) {
    return ((long) (address ^ Integer.MIN_VALUE) << 32) | position;
  }

  long covered() {
    return covered;
  }

  byte[] config() {
    return config;
  }

  List<ReplicatedState.Entry> state() {
    return state;
  }

  int size() {
    return order.length;
  }

  /** The leases from index {@code from} in address order, at most {@code max} of them, decoded. */
  List<LeaseRecord> page(int from, int max) {
    int to = Math.min(order.length, from + max);
    List<LeaseRecord> page = new ArrayList<>(Math.max(0, to - from));
    for (int i = from; i < to; i++) {
      page.add(LeaseRecord.decode(leases.encodedAt((int) order[i])));
    }
    return page;
  }

  /** The index of the first lease whose address is above {@code address} (unsigned order). */
  int indexAfter(int address) {
    long bound = key(address, 0xffffffffL);
    int low = 0;
    int high = order.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (order[mid] <= bound) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
