package org.provisioning.dhcp.failover;

import java.util.Arrays;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.dhcp.lease.ClientKey;

/**
 * Decides, the same way on both servers, which of two lease records for one address stands when the
 * partner's record meets the local one (replication, resync and the merge after a partition).
 *
 * <ul>
 *   <li>The same client: the later {@code startMillis} (the newer grant or renewal) wins; on a tie
 *       the partner's record, which is the newer change in its journal (a release or expiry keeps
 *       the start).
 *   <li>Different clients, both bound (or declined) over a common span of time: a conflict, both
 *       servers gave the address away during a partition. The earlier grant keeps it, ties to the
 *       lower {@code allocatedBy}, then to the lower hardware address; the loser is NAKed at its
 *       next renewal because the engine NAKs a renewal for an address held by someone else.
 *   <li>Different clients, one lease ended (released, expired, or run out) before the other was
 *       granted: the later one stands; a stale local one is replaced, a stale partner's one
 *       refused.
 * </ul>
 *
 * <p>The rule reads the two records only, never the clock: each server weighs the pair at its own
 * moment, and a lease running out between the two moments (or within the servers' clock skew) once
 * made the two keep different records.
 */
final class LeaseConflictRule {

  enum Decision {
    /** Apply the partner's record. */
    TAKE_PARTNERS(false),
    /** Keep the local record; the partner's is stale. */
    KEEP_LOCAL(false),
    /** Two clients held the address: the partner's wins. */
    CONFLICT_PARTNERS_WINS(true),
    /** Two clients held the address: the local one wins. */
    CONFLICT_LOCAL_WINS(true);

    final boolean conflict;

    Decision(boolean conflict) {
      this.conflict = conflict;
    }

    boolean takesPartners() {
      return this == TAKE_PARTNERS || this == CONFLICT_PARTNERS_WINS;
    }
  }

  /**
   * Beyond the clock skew failover alerts on (10 s): a partner's lease started this long before the
   * level mark was surely granted before it, whatever the two clocks say.
   */
  static final long SKEW_MARGIN_MILLIS = 60_000;

  private LeaseConflictRule() {}

  static Decision decide(LeaseRecord local, LeaseRecord partners) {
    if (endedLater(local, partners)) {
      return Decision.KEEP_LOCAL;
    }
    if (local == null || !holding(local)) {
      return Decision.TAKE_PARTNERS;
    }
    if (ClientKey.of(local).equals(ClientKey.of(partners))) {
      return partners.startMillis() >= local.startMillis()
          ? Decision.TAKE_PARTNERS
          : Decision.KEEP_LOCAL;
    }
    if (!holding(partners) || partners.expiresAtMillis() <= local.startMillis()) {
      return Decision.KEEP_LOCAL;
    }
    if (local.expiresAtMillis() <= partners.startMillis()) {
      return Decision.TAKE_PARTNERS;
    }
    return partnersWins(local, partners)
        ? Decision.CONFLICT_PARTNERS_WINS
        : Decision.CONFLICT_LOCAL_WINS;
  }

  /**
   * The same weighing for a lease of the partner's snapshot, given when this server was last level
   * with the partner ({@code levelMillis}, this server's clock; -1 if never). A snapshot carries
   * each address's lease as the partner holds it now, not the changes that led there: a release the
   * stream would have brought first is missing, and the lease the partner granted after it met this
   * server's copy of the released one as a rival grant, which, being earlier, won (the newer
   * client's lease lost on both servers, a false conflict counted). So first:
   *
   * <ul>
   *   <li>a local lease last granted or renewed before the pair was last level is one the partner
   *       had then too, and has changed since: the partner's record for the address stands;
   *   <li>a partner's lease last granted or renewed well before then ({@link #SKEW_MARGIN_MILLIS}:
   *       its start is read on the partner's clock) is one this server had then, and a local lease
   *       since then replaced it: the local one stands.
   * </ul>
   */
  static Decision decideForSnapshot(LeaseRecord local, LeaseRecord partners, long levelMillis) {
    if (levelMillis >= 0
        && local != null
        && holding(local)
        && !ClientKey.of(local).equals(ClientKey.of(partners))) {
      if (local.startMillis() < levelMillis && partners.startMillis() >= levelMillis) {
        return Decision.TAKE_PARTNERS;
      }
      if (partners.startMillis() < levelMillis - SKEW_MARGIN_MILLIS
          && local.startMillis() >= levelMillis) {
        return Decision.KEEP_LOCAL;
      }
    }
    return decide(local, partners);
  }

  /**
   * Whether the local record ended the grant the partner's still shows bound, or a later one of the
   * same client (same client, a start no later than the local one's): a grant is released or
   * expired after it was bound, never bound again (a renewal starts a new one), so the partner's is
   * the older state, come late (a lease of a snapshot sent back on the stream, a record delayed, or
   * a grant the partner made while the two were apart that the client renewed here and then
   * released). Taking it would bind again an address its client gave up, maybe to be leased to
   * another client meanwhile; and only one of the two servers would, the other taking the release
   * as the later record: the two tables then disagreed.
   */
  private static boolean endedLater(LeaseRecord local, LeaseRecord partners) {
    return local != null
        && (local.state() == LeaseState.RELEASED || local.state() == LeaseState.EXPIRED)
        && partners.state() == LeaseState.BOUND
        && partners.startMillis() <= local.startMillis()
        && ClientKey.of(local).equals(ClientKey.of(partners));
  }

  /** Bound or declined, whether or not its time has run out (that would read the clock). */
  private static boolean holding(LeaseRecord lease) {
    return lease.state() == LeaseState.BOUND || lease.state() == LeaseState.DECLINED;
  }

  private static boolean partnersWins(LeaseRecord local, LeaseRecord partners) {
    if (partners.startMillis() != local.startMillis()) {
      return partners.startMillis() < local.startMillis();
    }
    if (partners.allocatedBy() != local.allocatedBy()) {
      return partners.allocatedBy() < local.allocatedBy();
    }
    return Arrays.compareUnsigned(partners.hardwareAddress(), local.hardwareAddress()) < 0;
  }
}
