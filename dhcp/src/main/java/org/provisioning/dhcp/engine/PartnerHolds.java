package org.provisioning.dhcp.engine;

import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;

/**
 * Addresses kept for the client of their last lease after a failover server started and serves
 * before a sync with its partner: alone, its partner silent since it started, or as a primary whose
 * first sync runs. While this server was away the partner may have served those clients and renewed
 * their leases: by this server's copy such a lease has run out, by the client's it holds, and
 * giving the address to another client would give one address to two. So each stays its last
 * client's until the partner could no longer have a lease on it out (the longest lease time
 * configured, counted from when the holds began: the partner was silent by then), or until a sync
 * brings the partner's leases, whichever comes first.
 *
 * <p>Which leases: those bound or run out (not released, not declined) whose end lies at or after
 * the last moment this server knew it was level with its partner; the partner could have renewed
 * none that had ended before it, as it knew the same. Not thread-safe: the engine's thread.
 */
final class PartnerHolds {
  /** The held addresses, sorted, each once (for binary search); a hold ended is marked apart. */
  private int[] addresses = new int[0];

  private BitSet ended = new BitSet();
  private int held;
  private int collected;
  private long untilMillis;

  /** Whether the partner may have renewed this stored lease after {@code levelMillis}. */
  static boolean mayHaveBeenRenewed(byte[] lease, long levelMillis) {
    LeaseState state = LeaseRecord.Encoded.state(lease);
    return (state == LeaseState.BOUND || state == LeaseState.EXPIRED)
        && LeaseRecord.Encoded.expiresAtMillis(lease) >= levelMillis;
  }

  /**
   * Starts (or restarts) holding until then: the addresses still held stay, those {@link #add}ed
   * join them at {@link #seal}.
   */
  void begin(long untilMillis) {
    this.untilMillis = untilMillis;
    int[] kept = new int[Math.max(16, held * 2)];
    collected = 0;
    forEach(address -> kept[collected++] = address);
    addresses = kept;
  }

  void add(int address) {
    if (collected == addresses.length) {
      addresses = Arrays.copyOf(addresses, collected * 2);
    }
    addresses[collected++] = address;
  }

  /** Ends collecting: a million addresses cost 4 MB and a binary search per lookup. */
  void seal() {
    int[] all = Arrays.copyOf(addresses, collected);
    Arrays.sort(all);
    int unique = 0;
    for (int i = 0; i < all.length; i++) {
      if (unique == 0 || all[unique - 1] != all[i]) {
        all[unique++] = all[i];
      }
    }
    addresses = Arrays.copyOf(all, unique);
    ended = new BitSet(unique);
    held = unique;
  }

  boolean holds(int address) {
    return held > 0 && indexOf(address) >= 0;
  }

  /** Stops holding one address (its client took it again, the partner or an operator spoke). */
  boolean remove(int address) {
    int i = held > 0 ? indexOf(address) : -1;
    if (i < 0) {
      return false;
    }
    ended.set(i);
    held--;
    return true;
  }

  int size() {
    return held;
  }

  long untilMillis() {
    return untilMillis;
  }

  /** Whether holds remain that time has ended. */
  boolean runOutBy(long nowMillis) {
    return held > 0 && nowMillis >= untilMillis;
  }

  /** Ends the holds of the addresses that {@code which} accepts; returns those addresses. */
  int[] removeIf(IntPredicate which) {
    int[] removed = new int[held];
    int count = 0;
    for (int i = ended.nextClearBit(0); i < addresses.length; i = ended.nextClearBit(i + 1)) {
      if (which.test(addresses[i])) {
        removed[count++] = addresses[i];
        ended.set(i);
        held--;
      }
    }
    return Arrays.copyOf(removed, count);
  }

  /** Every held address, the holds ended. */
  int[] drain() {
    int[] all = removeIf(address -> true);
    addresses = new int[0];
    ended = new BitSet();
    return all;
  }

  /** Every held address, without ending the holds (a new plan marks them in its pools). */
  void forEach(IntConsumer action) {
    for (int i = ended.nextClearBit(0); i < addresses.length; i = ended.nextClearBit(i + 1)) {
      action.accept(addresses[i]);
    }
  }

  /** The position of a held address, or -1 (also when its hold ended). */
  private int indexOf(int address) {
    int i = Arrays.binarySearch(addresses, address);
    return i < 0 || ended.get(i) ? -1 : i;
  }
}
