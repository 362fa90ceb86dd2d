package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.engine.EngineHarness.Client;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.DhcpOptionCode;

/**
 * A failover server whose partner is out of contact (a partition looks like a dead partner from
 * either side) gives free addresses in its own allocation order only, but for those it allocated
 * itself: the partner, maybe serving too, allocates from the other end, and a free address it
 * allocated last lies at that end. Before, a client's previous address or the one it asked for went
 * to it whichever server had allocated it, and the partner could give it to a new client at the
 * same moment (the harness's server is id 1, bottom-up; its partner is id 2).
 */
class PartnerMayServeTest {
  private static final int PARTNER = 2;

  private final EngineHarness server = new EngineHarness();
  private final Client returning = server.client("02:00:00:00:00:01");
  private final Client other = server.client("02:00:00:00:00:02");

  /**
   * The returning client's lease, granted by the partner at the top of the local pool (where it
   * allocates, top-down) and run out here.
   */
  private Ipv4Address partnersLeaseRunOut() {
    Ipv4Address top = Ipv4Address.parse("127.20.0.109");
    LeaseRecord bound = server.store.byAddress(returning.dora().yourAddress()).orElseThrow();
    server.engine.releaseByOperator(bound.address());
    long now = server.clock.millis();
    server.engine.apply(
        new LeaseRecord(
            top,
            bound.hardwareType(),
            bound.hardwareAddress(),
            bound.clientId(),
            LeaseState.BOUND,
            now,
            now + 3_600_000,
            PARTNER,
            "",
            "",
            null,
            null));
    server.clock.advance(Duration.ofHours(2));
    server.engine.reclaimExpired();
    assertEquals(LeaseState.EXPIRED, server.store.byAddress(top).orElseThrow().state());
    return top;
  }

  private DhcpMessage discoverAsking(Client client, Ipv4Address address) {
    return client
        .message(
            DhcpMessageType.DISCOVER,
            o -> o.ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address))
        .build();
  }

  @Test
  void aFreeAddressThePartnerAllocatedIsOfferedInThisServersOrderOnly() {
    Ipv4Address partners = partnersLeaseRunOut();
    server.engine.setPartnerMayServe(true);

    Ipv4Address lowest = Ipv4Address.parse("127.20.0.100");
    assertEquals(lowest, server.reply(returning.discover()).yourAddress(), "not its previous one");
    assertNotEquals(
        partners,
        server.reply(discoverAsking(other, partners)).yourAddress(),
        "nor the one a client asks for");
    assertEquals(
        DhcpMessageType.NAK,
        server.reply(other.initReboot(partners)).messageType(),
        "nor to a client that asks for it without an offer");

    server.engine.setPartnerMayServe(false);
    assertEquals(partners, server.reply(returning.discover()).yourAddress(), "back in contact");
  }

  /**
   * A client asking again for its own address (INIT-REBOOT, RENEWING, REBINDING) that ran out here
   * still holds it by the partner's copy, which renewed it meanwhile: the partner keeps it for that
   * client and gives it to no other.
   */
  @Test
  void itsOwnAddressRunOutHereIsAcknowledgedToTheClientThatAsksAgain() {
    Ipv4Address partners = partnersLeaseRunOut();
    server.engine.setPartnerMayServe(true);

    assertEquals(DhcpMessageType.ACK, server.reply(returning.initReboot(partners)).messageType());
    assertEquals(DhcpMessageType.ACK, server.reply(returning.renew(partners)).messageType());
  }

  /**
   * A client rebinding with an address this server has no record of holds it by a lease the partner
   * granted while the two were apart: acknowledged, not NAKed into starting over.
   */
  @Test
  void aClientRebindingWithALeaseThisServerNeverSawKeepsIt() {
    server.engine.setPartnerMayServe(true);
    Ipv4Address unseen = Ipv4Address.parse("127.20.0.108");
    assertEquals(DhcpMessageType.ACK, server.reply(other.renew(unseen)).messageType());
    assertEquals(
        DhcpMessageType.ACK,
        server.reply(returning.initReboot(Ipv4Address.parse("127.20.0.107"))).messageType());
  }

  @Test
  void anAddressThisServerAllocatedGoesBackToItsClientOutOfOrder() {
    Ipv4Address lowest = other.dora().yourAddress();
    Ipv4Address own = returning.dora().yourAddress();
    server.send(other.release(lowest));
    server.send(returning.release(own));
    server.engine.setPartnerMayServe(true);

    assertNotEquals(lowest, own);
    assertEquals(own, server.reply(returning.discover()).yourAddress());
  }
}
