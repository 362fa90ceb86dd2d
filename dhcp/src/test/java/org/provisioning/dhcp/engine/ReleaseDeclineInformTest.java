package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseControl.LeaseNotBoundException;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.engine.EngineHarness.Client;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;

/** RELEASE, DECLINE and INFORM (RFC 2131 §4.3.3-5). */
class ReleaseDeclineInformTest {
  private final EngineHarness server = new EngineHarness();
  private final Client client = server.client("02:00:00:00:00:01");

  @Test
  void releaseFreesTheAddressWithoutAReply() {
    Ipv4Address address = client.dora().yourAddress();
    DhcpOutcome released = server.send(client.release(address)).orElseThrow();
    assertNull(released.reply());
    assertEquals(LeaseState.RELEASED, released.leaseChange().state());
    assertEquals(0, server.counter("dhcp.pool.local.used"));
    assertEquals(1, server.counter("dhcp.leases.released"));
  }

  @Test
  void releaseOfAnotherClientsAddressChangesNothing() {
    Ipv4Address address = client.dora().yourAddress();
    assertTrue(server.send(server.client("02:00:00:00:00:02").release(address)).isEmpty());
    assertEquals(LeaseState.BOUND, server.store.byAddress(address).orElseThrow().state());
    assertEquals(1, server.counter("dhcp.dropped.not_clients_lease"));
  }

  @Test
  void anOperatorsReleaseFreesTheAddressAsTheClientsWould() {
    Ipv4Address address = client.dora().yourAddress();
    LeaseRecord released = server.engine.releaseByOperator(address);
    assertEquals(LeaseState.RELEASED, released.state());
    assertEquals(server.clock.millis(), released.expiresAtMillis());
    assertEquals(LeaseState.RELEASED, server.store.byAddress(address).orElseThrow().state());
    assertEquals(0, server.counter("dhcp.pool.local.used"));
    assertEquals(1, server.counter("dhcp.leases.released"));
    DhcpMessage offer = server.reply(server.client("02:00:00:00:00:02").discover());
    assertEquals(address, offer.yourAddress(), "the address is free for the next client");
  }

  @Test
  void anOperatorCannotReleaseWhatIsNotBound() {
    Ipv4Address address = client.dora().yourAddress();
    server.engine.releaseByOperator(address);
    LeaseNotBoundException again =
        assertThrows(LeaseNotBoundException.class, () -> server.engine.releaseByOperator(address));
    assertEquals(address + " is not bound (its lease is released)", again.getMessage());
    LeaseNotBoundException none =
        assertThrows(
            LeaseNotBoundException.class,
            () -> server.engine.releaseByOperator(Ipv4Address.parse("127.20.0.99")));
    assertEquals("127.20.0.99 has no lease", none.getMessage());
  }

  @Test
  void declinedAddressIsQuarantinedThenReturns() {
    Ipv4Address address = client.dora().yourAddress();
    DhcpOutcome declined = server.send(client.decline(address)).orElseThrow();
    assertNull(declined.reply());
    assertEquals(LeaseState.DECLINED, declined.leaseChange().state());
    assertEquals(server.clock.millis() + 600_000, declined.leaseChange().expiresAtMillis());

    DhcpMessage next = server.reply(client.discover());
    assertNotEquals(address, next.yourAddress(), "not offered again, even to the decliner");
    server.clock.advance(Duration.ofSeconds(601));
    server.engine.reclaimExpired();
    DhcpMessage later = server.reply(server.client("02:00:00:00:00:02").discover());
    assertEquals(address, later.yourAddress(), "back in use after the quarantine");
  }

  @Test
  void informGetsConfigurationButNoLease() {
    Ipv4Address own = Ipv4Address.parse("127.20.0.7");
    DhcpOutcome outcome = server.send(client.inform(own)).orElseThrow();
    DhcpMessage ack = outcome.reply();
    assertEquals(DhcpMessageType.ACK, ack.messageType());
    assertEquals(own, ack.clientAddress());
    assertEquals(Ipv4Address.ANY, ack.yourAddress());
    assertTrue(ack.options().leaseTime().isEmpty(), "no lease time in an INFORM reply");
    assertEquals(java.util.List.of(Ipv4Address.parse("127.20.0.1")), ack.options().routers());
    assertEquals(own, outcome.destination());
    assertNull(outcome.leaseChange());
    assertEquals(0, server.store.size());
  }

  /**
   * A CPE behind the CMTS asks by INFORM: it gets its own subnet's options (not the relay's, the
   * modems' subnet), sent straight to its address as RFC 2131 section 4.3.5 says; the relay could
   * not deliver a reply with no yiaddr.
   */
  @Test
  void aRelayedInformIsAnsweredToTheClientWithItsOwnSubnetsOptions() {
    Ipv4Address cpeAddress = Ipv4Address.parse("127.17.0.42");
    DhcpOutcome outcome =
        server
            .send(server.client("02:aa:00:00:00:42").behind(EngineHarness.CMTS).inform(cpeAddress))
            .orElseThrow();
    assertEquals(DhcpMessageType.ACK, outcome.reply().messageType());
    assertEquals(
        java.util.List.of(Ipv4Address.parse("127.17.0.1")), outcome.reply().options().routers());
    assertEquals(cpeAddress, outcome.destination());
    assertEquals(1068, outcome.destinationPort());
  }

  /**
   * An INFORM's reply goes to its ciaddr: one naming an address of no subnet served behind its
   * relay (or on its link) is dropped, or anyone could aim replies at any host.
   */
  @Test
  void anInformForAnAddressThisServerDoesNotServeThereIsDroppedAndCounted() {
    Ipv4Address elsewhere = Ipv4Address.parse("127.99.0.9");
    assertTrue(
        server
            .send(server.client("02:aa:00:00:00:43").behind(EngineHarness.CMTS).inform(elsewhere))
            .isEmpty());
    assertTrue(server.send(client.inform(elsewhere)).isEmpty());
    assertEquals(2, server.counter("dhcp.dropped.foreign_client_address"));
    assertEquals(0, server.counter("dhcp.sent.ack"));
  }
}
