package org.provisioning.dhcp.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.failover.LeaseConflictRule.Decision;

class LeaseConflictRuleTest {
  private static LeaseRecord lease(int mac, LeaseState state, long start, int by) {
    return new LeaseRecord(
        Ipv4Address.parse("10.0.0.50"),
        1,
        new byte[] {0, 0, 0, 0, 0, (byte) mac},
        null,
        state,
        start,
        start + 3_600_000,
        by,
        null,
        null,
        null,
        null);
  }

  /** Both servers must reach the same outcome: what stands is the same record on each side. */
  private static LeaseRecord standing(LeaseRecord local, LeaseRecord partners) {
    return LeaseConflictRule.decide(local, partners).takesPartners() ? partners : local;
  }

  /**
   * One client bound on both servers while they were apart (a broadcast REBIND answered twice),
   * then released on the one that granted it later: both keep the release. The server holding the
   * release took the partner's older binding back, while the other took the release: the two
   * disagreed, and the address was later handed to another client over a resurrected lease.
   */
  @Test
  void aReleaseOfTheLaterOfTwoGrantsToOneClientStandsOnBothServers() {
    LeaseRecord older = lease(1, LeaseState.BOUND, 5_000, 1);
    LeaseRecord released =
        lease(1, LeaseState.BOUND, 7_000, 2).withState(LeaseState.RELEASED, 8_000);
    assertEquals(released, standing(released, older));
    assertEquals(released, standing(older, released));
  }

  @Test
  void theEarlierGrantKeepsAContestedAddressOnBothServers() {
    LeaseRecord onPrimary = lease(1, LeaseState.BOUND, 5_000, 1);
    LeaseRecord onSecondary = lease(2, LeaseState.BOUND, 6_000, 2);
    assertEquals(Decision.CONFLICT_LOCAL_WINS, LeaseConflictRule.decide(onPrimary, onSecondary));
    assertEquals(Decision.CONFLICT_PARTNERS_WINS, LeaseConflictRule.decide(onSecondary, onPrimary));
    assertEquals(onPrimary, standing(onPrimary, onSecondary));
    assertEquals(onPrimary, standing(onSecondary, onPrimary));
  }

  @Test
  void aTieGoesToTheLowerServerIdOnBothServers() {
    LeaseRecord a = lease(9, LeaseState.BOUND, 5_000, 1);
    LeaseRecord b = lease(2, LeaseState.BOUND, 5_000, 2);
    assertEquals(a, standing(a, b));
    assertEquals(a, standing(b, a));
  }

  @Test
  void theSameClientsLaterGrantWins() {
    LeaseRecord older = lease(1, LeaseState.BOUND, 5_000, 1);
    LeaseRecord renewed = lease(1, LeaseState.BOUND, 7_000, 2);
    assertEquals(Decision.TAKE_PARTNERS, LeaseConflictRule.decide(older, renewed));
    assertEquals(Decision.KEEP_LOCAL, LeaseConflictRule.decide(renewed, older));
  }

  @Test
  void aReleaseOfTheSameGrantIsTaken() {
    LeaseRecord bound = lease(1, LeaseState.BOUND, 5_000, 1);
    LeaseRecord released = bound.withState(LeaseState.RELEASED, 6_000);
    assertEquals(Decision.TAKE_PARTNERS, LeaseConflictRule.decide(bound, released));
  }

  /**
   * The bound state of a grant that has ended here comes late (a snapshot lease sent back on the
   * stream): the release stands, on both servers alike.
   */
  @Test
  void aGrantEndedHereIsNotBoundAgainByItsOlderState() {
    LeaseRecord bound = lease(1, LeaseState.BOUND, 5_000, 1);
    for (LeaseState end : new LeaseState[] {LeaseState.RELEASED, LeaseState.EXPIRED}) {
      LeaseRecord ended = bound.withState(end, 6_000);
      assertEquals(Decision.KEEP_LOCAL, LeaseConflictRule.decide(ended, bound));
      assertEquals(Decision.TAKE_PARTNERS, LeaseConflictRule.decide(bound, ended));
      assertEquals(ended, standing(ended, bound));
      assertEquals(ended, standing(bound, ended));
    }
  }

  @Test
  void aStaleFreeRecordNeverUnbindsAnotherClient() {
    LeaseRecord bound = lease(1, LeaseState.BOUND, 5_000, 2);
    LeaseRecord freed = lease(2, LeaseState.RELEASED, 4_000, 1);
    assertEquals(Decision.KEEP_LOCAL, LeaseConflictRule.decide(bound, freed));
  }

  @Test
  void anExpiredLocalLeaseIsNoConflict() {
    LeaseRecord expired = lease(1, LeaseState.BOUND, 5_000, 1).withState(LeaseState.BOUND, 9_000);
    LeaseRecord other = lease(2, LeaseState.BOUND, 9_500, 2);
    assertEquals(Decision.TAKE_PARTNERS, LeaseConflictRule.decide(expired, other));
    assertEquals(Decision.TAKE_PARTNERS, LeaseConflictRule.decide(null, other));
  }

  /**
   * A contender whose lease runs out between the two servers' evaluations: each weighs the pair
   * alike, whenever it does. Before, the rule read the clock: the server weighing first kept the
   * earlier grant, the one weighing after its end kept the other, and the pair went on with two
   * different leases for one address.
   */
  @Test
  void twoGrantsOverlappingInTimeAreOneConflictWhateverTheClockSays() {
    LeaseRecord endsSoon =
        lease(1, LeaseState.BOUND, 5_000, 1).withState(LeaseState.BOUND, 9_000); // [5 s, 9 s)
    LeaseRecord later = lease(2, LeaseState.BOUND, 6_000, 2);
    assertEquals(Decision.CONFLICT_LOCAL_WINS, LeaseConflictRule.decide(endsSoon, later));
    assertEquals(Decision.CONFLICT_PARTNERS_WINS, LeaseConflictRule.decide(later, endsSoon));
  }

  /** A lease that had run out when the other was granted is no conflict, on either side. */
  @Test
  void aLeaseRunOutBeforeTheOtherWasGrantedGivesWayOnBothServers() {
    LeaseRecord runOut =
        lease(1, LeaseState.BOUND, 5_000, 1).withState(LeaseState.BOUND, 9_000); // not reclaimed
    LeaseRecord granted = lease(2, LeaseState.BOUND, 9_000, 2);
    assertEquals(Decision.TAKE_PARTNERS, LeaseConflictRule.decide(runOut, granted));
    assertEquals(Decision.KEEP_LOCAL, LeaseConflictRule.decide(granted, runOut));
  }

  /**
   * A snapshot's lease granted since the pair was last level (at 1,000 s) replaces this server's
   * copy of an older lease of another client, from before then: the partner had that one too and
   * has ended it (a release a snapshot does not carry). Either way round, no conflict.
   */
  @Test
  void aSnapshotsLeaseSinceTheLevelMarkReplacesACopyFromBeforeIt() {
    long level = 1_000_000;
    LeaseRecord copy = lease(1, LeaseState.BOUND, 900_000, 1); // bound until 4,500 s
    LeaseRecord since = lease(2, LeaseState.BOUND, 1_200_000, 2);
    assertEquals(Decision.TAKE_PARTNERS, LeaseConflictRule.decideForSnapshot(copy, since, level));
    assertEquals(Decision.KEEP_LOCAL, LeaseConflictRule.decideForSnapshot(since, copy, level));
    assertEquals(
        Decision.CONFLICT_LOCAL_WINS,
        LeaseConflictRule.decideForSnapshot(copy, since, -1),
        "never level: the plain rule");
  }

  /**
   * A partner's lease started just before the mark may be one granted after it by a clock behind
   * ours: the plain rule weighs it. Two grants since the mark are a conflict as ever.
   */
  @Test
  void aSnapshotsLeaseNearTheMarkOrTwoGrantsSinceItAreWeighedByThePlainRule() {
    long level = 1_000_000;
    LeaseRecord justBefore = lease(1, LeaseState.BOUND, level - 30_000, 2);
    LeaseRecord since = lease(2, LeaseState.BOUND, 1_200_000, 1);
    assertEquals(
        Decision.CONFLICT_PARTNERS_WINS,
        LeaseConflictRule.decideForSnapshot(since, justBefore, level));
    LeaseRecord alsoSince = lease(3, LeaseState.BOUND, 1_100_000, 2);
    assertEquals(
        Decision.CONFLICT_PARTNERS_WINS,
        LeaseConflictRule.decideForSnapshot(since, alsoSince, level));
  }
}
