package org.provisioning.dhcp.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

/** The partner's snapshot leases, kept by their octets, as a snapshot of ours filters them. */
class PartnerGivenLeasesTest {
  private final PartnerGivenLeases given = new PartnerGivenLeases();

  private static LeaseRecord lease(int n, String hostname) {
    return new LeaseRecord(
        new Ipv4Address(Ipv4Address.parse("127.16.0.0").value() + n),
        1,
        new byte[] {0, 0x11, 0x22, (byte) (n >> 16), (byte) (n >> 8), (byte) n},
        new byte[0],
        LeaseState.BOUND,
        1_000L,
        3_601_000L,
        1,
        hostname,
        "",
        new byte[0],
        new byte[0]);
  }

  private boolean holds(LeaseRecord lease) {
    byte[] octets = lease.encode();
    // As the store's copy hands them: in a longer buffer reused from lease to lease.
    byte[] buffer = Arrays.copyOf(octets, octets.length + 40);
    return given.holds(buffer, octets.length);
  }

  @Test
  void aLeaseIsHeldWhileItStandsExactlyAsGiven() {
    LeaseRecord lease = lease(1, "cpe-1");
    given.remember(lease.encode());

    assertTrue(holds(lease));
    assertFalse(holds(lease.withState(LeaseState.RELEASED, 2_000)), "changed here since");
    assertFalse(holds(lease(1, "cpe-10")), "longer by one octet");
    assertFalse(holds(lease(2, "cpe-1")), "another address");
  }

  @Test
  void aLeaseGivenAgainReplacesTheFirst() {
    LeaseRecord first = lease(1, "cpe-1");
    LeaseRecord again = first.withState(LeaseState.RELEASED, 2_000);
    given.remember(first.encode());
    given.remember(again.encode());

    assertTrue(holds(again));
    assertFalse(holds(first));
    assertEquals(1, given.size());
  }

  @Test
  void aSnapshotGivenAgainAndAgainTakesNoMoreRoom() {
    giveSession(0);
    long afterFirst = given.octetsHeld();
    for (int session = 1; session < 5; session++) {
      giveSession(session);
    }

    assertEquals(50_000, given.size());
    assertTrue(afterFirst > 0);
    assertEquals(afterFirst, given.octetsHeld(), "the first session's arrays, no more");
    assertTrue(holds(sessionLease(7, 4)));
    assertFalse(holds(sessionLease(7, 3)), "the earlier session's version is gone");
  }

  /** A lease as session {@code session} gives it: as many octets each time, a newer start. */
  private static LeaseRecord sessionLease(int n, int session) {
    return lease(n, "cpe-" + n).withState(LeaseState.BOUND, 10_000L + session);
  }

  private void giveSession(int session) {
    for (int n = 0; n < 50_000; n++) {
      given.remember(sessionLease(n, session).encode());
    }
  }

  @Test
  void holdsAMillionLeasesAcrossManyArraysAndForgetsThemAll() {
    int count = 1_000_000;
    for (int n = 0; n < count; n++) {
      given.remember(lease(n, n % 2 == 0 ? "" : "cpe-" + n).encode());
    }

    assertEquals(count, given.size());
    for (int n = 0; n < count; n += 997) {
      assertTrue(holds(lease(n, n % 2 == 0 ? "" : "cpe-" + n)), "lease " + n);
    }
    assertFalse(holds(lease(count, "")));

    given.clear();
    assertEquals(0, given.size());
    assertFalse(holds(lease(0, "")));
  }
}
