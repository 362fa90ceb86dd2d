package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.engine.EngineHarness.Client;
import org.provisioning.dhcp.message.DhcpMessageType;

/**
 * A failover server that starts alone keeps, for their last client, the addresses whose leases its
 * partner may have renewed while it was away (the harness's longest lease time: the cable modems'
 * seven days).
 */
class PartnerHoldsTest {
  private final EngineHarness server = new EngineHarness();
  private final Client first = server.client("02:00:00:00:00:01");
  private final Client second = server.client("02:00:00:00:00:02");
  private final Client third = server.client("02:00:00:00:00:03");

  /** The first client's lease, made while the pair was level, has run out by this copy. */
  private Ipv4Address leaseRunOutHere(long[] level) {
    level[0] = server.clock.millis();
    Ipv4Address address = first.dora().yourAddress();
    server.clock.advance(Duration.ofHours(2));
    server.engine.reclaimExpired();
    assertEquals(LeaseState.EXPIRED, server.store.byAddress(address).orElseThrow().state());
    return address;
  }

  @Test
  void anAddressWhoseLeaseRanOutHereGoesToItsLastClientOnly() {
    long[] level = new long[1];
    Ipv4Address address = leaseRunOutHere(level);
    assertEquals(1, server.engine.holdForPartnerClients(level[0]));

    assertNotEquals(address, second.dora().yourAddress(), "not the next new client's");
    assertEquals(
        DhcpMessageType.NAK,
        server.reply(third.initReboot(address)).messageType(),
        "nor one that asks for it");
    assertEquals(DhcpMessageType.ACK, server.reply(first.initReboot(address)).messageType());
    assertEquals(0, server.engine.heldForPartner(), "its client has it again");
  }

  @Test
  void theHoldsRunOutAfterTheLongestLeaseTimeConfigured() {
    long[] level = new long[1];
    Ipv4Address address = leaseRunOutHere(level);
    server.engine.holdForPartnerClients(level[0]);

    server.clock.advance(Duration.ofDays(7).minusMinutes(1));
    server.engine.reclaimExpired();
    assertNotEquals(address, second.dora().yourAddress());
    server.clock.advance(Duration.ofMinutes(2));
    server.engine.reclaimExpired();
    assertEquals(0, server.engine.heldForPartner());
    assertEquals(address, third.dora().yourAddress(), "free again, lowest first");
  }

  /**
   * Holds never leave a pool exhausted: after a long outage of the partner they could hold every
   * address that turned over since, and refuse every new client for the longest lease time. A pool
   * with nothing left but held addresses gives them up.
   */
  @Test
  void aPoolWithNothingLeftButHeldAddressesGivesThemUp() {
    long level = server.clock.millis();
    for (int i = 0; i < 10; i++) { // the local pool's ten addresses
      server.client(String.format(java.util.Locale.ROOT, "02:00:00:00:01:%02x", i)).dora();
    }
    server.clock.advance(Duration.ofHours(2));
    server.engine.reclaimExpired();
    assertEquals(10, server.engine.holdForPartnerClients(level));
    Ipv4Address offered = first.dora().yourAddress();
    assertEquals(Ipv4Address.parse("127.20.0.100"), offered, "the lowest, given up");
    assertEquals(0, server.engine.heldForPartner());
  }

  @Test
  void leasesEndedBeforeThePairWasLastLevelAreNotHeld() {
    Ipv4Address address = leaseRunOutHere(new long[1]);
    assertEquals(0, server.engine.holdForPartnerClients(server.clock.millis()));
    assertEquals(address, second.dora().yourAddress());
  }

  @Test
  void aLeaseItsClientReleasedIsNotHeld() {
    long level = server.clock.millis();
    Ipv4Address address = first.dora().yourAddress();
    server.send(first.release(address));
    assertEquals(0, server.engine.holdForPartnerClients(level));
    assertEquals(address, second.dora().yourAddress());
  }

  @Test
  void aConfigChangeKeepsTheHoldsAndASyncEndsThem() {
    long[] level = new long[1];
    Ipv4Address address = leaseRunOutHere(level);
    server.engine.holdForPartnerClients(level[0]);
    server.engine.reconfigure(
        EngineHarness.dhcp(
            EngineHarness.CONFIG.replace("offerHoldSeconds: 30", "offerHoldSeconds: 31")));
    assertNotEquals(address, second.dora().yourAddress(), "the new plan marks the held address");

    server.engine.endPartnerHolds("synced with the partner");
    assertEquals(0, server.engine.heldForPartner());
    assertEquals(address, third.dora().yourAddress());
  }

  @Test
  void thePartnersRecordOfTheAddressEndsItsHold() {
    long[] level = new long[1];
    Ipv4Address address = leaseRunOutHere(level);
    server.engine.holdForPartnerClients(level[0]);

    // The partner's sync says the client's lease ran out there too and it released it.
    LeaseRecord expired = server.store.byAddress(address).orElseThrow();
    server.engine.apply(expired.withState(LeaseState.RELEASED, server.clock.millis()));
    assertEquals(0, server.engine.heldForPartner());
    assertEquals(address, second.dora().yourAddress());
  }

  @Test
  void theHeldSetFindsAddressesOnBothSidesOfTheSignBitOnceEach() {
    PartnerHolds holds = new PartnerHolds();
    int[] addresses = {
      Ipv4Address.parse("200.0.0.1").value(),
      Ipv4Address.parse("127.0.0.1").value(),
      Ipv4Address.parse("255.255.255.254").value(),
      Ipv4Address.parse("1.2.3.4").value(),
      Ipv4Address.parse("127.0.0.1").value()
    };
    holds.begin(1_000);
    for (int address : addresses) {
      holds.add(address);
    }
    holds.seal();
    assertEquals(4, holds.size());
    for (int address : addresses) {
      assertTrue(holds.holds(address));
    }
    assertFalse(holds.holds(Ipv4Address.parse("127.0.0.2").value()));
    assertTrue(holds.remove(Ipv4Address.parse("200.0.0.1").value()));
    assertFalse(holds.holds(Ipv4Address.parse("200.0.0.1").value()));
    assertFalse(holds.remove(Ipv4Address.parse("200.0.0.1").value()));

    holds.begin(2_000); // held again from a later start: the three left stay
    holds.add(Ipv4Address.parse("10.0.0.1").value());
    holds.seal();
    assertEquals(4, holds.size());
    assertEquals(4, holds.drain().length);
    assertEquals(0, holds.size());
    assertFalse(holds.holds(Ipv4Address.parse("1.2.3.4").value()));
  }
}
