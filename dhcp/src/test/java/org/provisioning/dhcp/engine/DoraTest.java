package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.engine.EngineHarness.Client;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.DhcpOptionCode;

class DoraTest {
  private final EngineHarness server = new EngineHarness();

  @Test
  void localClientGetsTheLowestFreeAddressWithItsSubnetsOptions() {
    Client client = server.client("02:00:00:00:00:01");
    DhcpOutcome offered = server.send(client.discover()).orElseThrow();
    DhcpMessage offer = offered.reply();
    assertEquals(DhcpMessageType.OFFER, offer.messageType());
    assertEquals(Ipv4Address.parse("127.20.0.100"), offer.yourAddress());
    assertEquals(client.xid, offer.transactionId());
    assertEquals(
        Ipv4Address.parse("255.255.255.255"), offered.destination(), "no address yet: broadcast");
    assertEquals(1068, offered.destinationPort());
    assertEquals(null, offered.leaseChange(), "an offer commits nothing");
    var options = offer.options();
    assertEquals(EngineHarness.SERVER_ID, options.serverIdentifier().orElseThrow());
    assertEquals(Ipv4Address.parse("255.255.255.0"), options.subnetMask().orElseThrow());
    assertEquals(List.of(Ipv4Address.parse("127.20.0.1")), options.routers());
    assertEquals(List.of(Ipv4Address.parse("127.0.0.53")), options.domainNameServers());
    assertEquals("example.net", options.domainName().orElseThrow());
    assertEquals(3600, options.leaseTime().orElseThrow());
    assertEquals(1800, options.renewalTime().orElseThrow());
    assertEquals(3150, options.rebindingTime().orElseThrow());

    DhcpOutcome acked = server.send(client.select(offer)).orElseThrow();
    assertEquals(DhcpMessageType.ACK, acked.reply().messageType());
    assertEquals(offer.yourAddress(), acked.reply().yourAddress());
    LeaseRecord lease = acked.leaseChange();
    assertEquals(LeaseState.BOUND, lease.state());
    assertEquals(offer.yourAddress(), lease.address());
    assertEquals(1, lease.allocatedBy(), "every lease says which server allocated it");
    assertEquals(server.clock.millis() + 3_600_000, lease.expiresAtMillis());
    assertEquals(lease, server.store.byAddress(lease.address()).orElseThrow());
    assertEquals(1, server.counter("dhcp.received.discover"));
    assertEquals(1, server.counter("dhcp.sent.ack"));
    assertEquals(1, server.counter("dhcp.leases.bound"));
    assertEquals(1, server.counter("dhcp.pool.local.used"));
  }

  @Test
  void twoDiscoversFromOneClientGetOneAddress() {
    Client client = server.client("02:00:00:00:00:01");
    DhcpMessage first = server.reply(client.discover());
    DhcpMessage second = server.reply(client.discover());
    assertEquals(first.yourAddress(), second.yourAddress());
    assertEquals(1, server.counter("dhcp.offers.pending") + server.engine.pendingOffers());
    DhcpMessage other = server.reply(server.client("02:00:00:00:00:02").discover());
    assertNotEquals(first.yourAddress(), other.yourAddress(), "an offered address is held");
  }

  @Test
  void anOfferNotTakenUpIsWithdrawnWhenItsHoldRunsOut() {
    DhcpMessage offer = server.reply(server.client("02:00:00:00:00:01").discover());
    server.clock.advance(Duration.ofSeconds(29));
    DhcpMessage held = server.reply(server.client("02:00:00:00:00:02").discover());
    assertNotEquals(offer.yourAddress(), held.yourAddress(), "still held after 29 s of 30");
    server.clock.advance(Duration.ofSeconds(2));
    DhcpMessage freed = server.reply(server.client("02:00:00:00:00:03").discover());
    assertEquals(offer.yourAddress(), freed.yourAddress(), "free again once the hold ran out");
    assertEquals(2, server.engine.pendingOffers(), "the second and third stand, the first not");
  }

  @Test
  void anOffersHoldIsTimedByElapsedTimeNotByTheWallClock() {
    DhcpMessage offer = server.reply(server.client("02:00:00:00:00:01").discover());
    server.clock.step(Duration.ofHours(1)); // NTP steps the clock forward: no time passed
    DhcpMessage held = server.reply(server.client("02:00:00:00:00:02").discover());
    assertNotEquals(offer.yourAddress(), held.yourAddress(), "a step forward ends no hold");
    server.clock.step(Duration.ofHours(-2)); // and back, past where it was
    server.clock.advance(Duration.ofSeconds(31));
    DhcpMessage freed = server.reply(server.client("02:00:00:00:00:03").discover());
    assertEquals(offer.yourAddress(), freed.yourAddress(), "a step back lengthens no hold");
  }

  @Test
  void anOfferMadeAgainRunsOutWithItsNewHoldNotTheFirst() {
    Client client = server.client("02:00:00:00:00:01");
    DhcpMessage first = server.reply(client.discover());
    server.clock.advance(Duration.ofSeconds(20));
    DhcpMessage again = server.reply(client.discover());
    assertEquals(first.yourAddress(), again.yourAddress());
    server.clock.advance(Duration.ofSeconds(15)); // the first hold has run out, the second not
    DhcpMessage other = server.reply(server.client("02:00:00:00:00:02").discover());
    assertNotEquals(first.yourAddress(), other.yourAddress(), "held by the offer made again");
  }

  @Test
  void anAcceptedOffersHoldEndingLaterChangesNothing() {
    Client client = server.client("02:00:00:00:00:01");
    Ipv4Address address = client.dora().yourAddress();
    server.clock.advance(Duration.ofSeconds(31));
    DhcpMessage other = server.reply(server.client("02:00:00:00:00:02").discover());
    assertNotEquals(address, other.yourAddress(), "leased, not merely offered");
    assertEquals(1, server.engine.pendingOffers());
  }

  @Test
  void returningClientGetsItsPreviousAddressBack() {
    Client first = server.client("02:00:00:00:00:01");
    Client second = server.client("02:00:00:00:00:02");
    Ipv4Address firstAddress = first.dora().yourAddress();
    second.dora();
    server.send(first.release(firstAddress));
    server.client("02:00:00:00:00:03").dora(); // someone new takes the lowest free address
    DhcpMessage again = server.reply(first.discover());
    assertNotEquals(firstAddress, again.yourAddress(), "taken meanwhile by the newcomer");
  }

  @Test
  void releasedAddressComesBackToItsClientWhenStillFree() {
    Client first = server.client("02:00:00:00:00:01");
    Client second = server.client("02:00:00:00:00:02");
    Ipv4Address firstAddress = first.dora().yourAddress();
    Ipv4Address secondAddress = second.dora().yourAddress();
    server.send(second.release(secondAddress));
    server.send(first.release(firstAddress));
    DhcpMessage again = server.reply(second.discover());
    assertEquals(secondAddress, again.yourAddress(), "its own, not the lowest free");
  }

  @Test
  void honoursTheRequestedAddressWhenItIsFree() {
    Client client = server.client("02:00:00:00:00:01");
    DhcpMessage offer =
        server.reply(
            client
                .message(
                    DhcpMessageType.DISCOVER,
                    o ->
                        o.ipv4Address(
                            DhcpOptionCode.REQUESTED_IP_ADDRESS, Ipv4Address.parse("127.20.0.105")))
                .build());
    assertEquals(Ipv4Address.parse("127.20.0.105"), offer.yourAddress());
  }

  @Test
  void ignoresARequestForAnotherServerAndFreesItsOffer() {
    Client client = server.client("02:00:00:00:00:01");
    DhcpMessage offer = server.reply(client.discover());
    DhcpMessage elsewhere =
        client
            .message(
                DhcpMessageType.REQUEST,
                o ->
                    o.ipv4Address(
                            DhcpOptionCode.REQUESTED_IP_ADDRESS, Ipv4Address.parse("127.20.0.7"))
                        .ipv4Address(
                            DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.parse("127.20.0.2")))
            .build();
    assertTrue(server.send(elsewhere).isEmpty(), "not NAKed: it chose another server");
    assertEquals(1, server.counter("dhcp.dropped.not_for_us"));
    assertEquals(0, server.engine.pendingOffers());
    assertEquals(
        offer.yourAddress(),
        server.reply(server.client("02:00:00:00:00:02").discover()).yourAddress());
  }

  @Test
  void clientIdentifierKeysTheLeaseNotTheMac() {
    byte[] id = {1, 9, 9, 9, 9, 9, 9};
    Ipv4Address address = server.client("02:00:00:00:00:01").clientId(id).dora().yourAddress();
    DhcpMessage again = server.reply(server.client("02:00:00:00:00:aa").clientId(id).discover());
    assertEquals(address, again.yourAddress(), "same client id on a new NIC keeps its address");
    assertEquals(
        java.util.Optional.of(id).map(java.util.Arrays::toString),
        again.options().raw(DhcpOptionCode.CLIENT_IDENTIFIER).map(java.util.Arrays::toString),
        "option 61 echoed (RFC 6842)");
  }
}
