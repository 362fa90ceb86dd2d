package org.provisioning.dhcp.failover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.provisioning.common.bus.ReplicatedState;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.dhcp.lease.LeaseStore;

/**
 * A lease snapshot a server sends its partner: copied once on the engine's thread, as of one
 * sequence of the sender's origin ({@link LeaseStore#copyEncoded}), decoded on the sync thread,
 * then sent page by page in address order. The sender keeps it while the partner lacks part of it,
 * so that a session that breaks halfway is taken up by the next one after the last lease the
 * partner applied, not from the beginning.
 *
 * @param covered the sender's sequence the snapshot covers; it names the snapshot
 * @param config the sender's config version as its config store encodes it
 * @param state the sender's other replicated state (users, audit, alert acknowledgements), sent
 *     after the config and before the leases; a resumed snapshot does not send it again
 */
record LeaseSnapshot(
    long covered, byte[] config, List<ReplicatedState.Entry> state, LeaseRecord[] leases) {

  /** Which leases a snapshot leaves out, told by their binary form. */
  @FunctionalInterface
  interface LeaveOut {
    boolean test(byte[] octets, int length);
  }

  /**
   * The copied leases decoded, in the store's order, but for those {@code leaveOut} names, which
   * are not decoded at all.
   */
  static LeaseRecord[] decode(LeaseStore.EncodedCopy copy, LeaveOut leaveOut) {
    List<LeaseRecord> kept = new ArrayList<>();
    copy.forEachEncoded(
        (octets, length) -> {
          if (!leaveOut.test(octets, length)) {
            kept.add(LeaseRecord.decode(Arrays.copyOf(octets, length)));
          }
        });
    return kept.toArray(new LeaseRecord[0]);
  }

  /**
   * Sorts the leases (in place) by address, unsigned: the order pages go in and resumes count in.
   */
  static LeaseSnapshot sorted(
      long covered, byte[] config, List<ReplicatedState.Entry> state, LeaseRecord[] leases) {
    Arrays.sort(
        leases, (a, b) -> Integer.compareUnsigned(a.address().value(), b.address().value()));
    return new LeaseSnapshot(covered, config, List.copyOf(state), leases);
  }

  int size() {
    return leases.length;
  }

  /** The leases from index {@code from}, at most {@code max} of them. */
  List<LeaseRecord> page(int from, int max) {
    return Arrays.asList(leases).subList(from, Math.min(leases.length, from + max));
  }

  /** The index of the first lease whose address is above {@code address} (unsigned order). */
  int indexAfter(int address) {
    long key = Integer.toUnsignedLong(address);
    int low = 0;
    int high = leases.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (Integer.toUnsignedLong(leases[mid].address().value()) <= key) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
