package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.engine.EngineHarness.Client;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.DhcpOptionCode;

/** RENEWING, REBINDING and INIT-REBOOT requests (RFC 2131 §4.3.2). */
class RenewTest {
  private final EngineHarness server = new EngineHarness();
  private final Client client = server.client("02:00:00:00:00:01");

  @Test
  void renewExtendsTheLeaseAndAnswersTheClientDirectly() {
    Ipv4Address address = client.dora().yourAddress();
    long firstExpiry = server.store.byAddress(address).orElseThrow().expiresAtMillis();
    server.clock.advance(Duration.ofMinutes(30));

    DhcpOutcome renewed = server.send(client.renew(address)).orElseThrow();
    assertEquals(DhcpMessageType.ACK, renewed.reply().messageType());
    assertEquals(address, renewed.reply().yourAddress());
    assertEquals(address, renewed.destination(), "unicast to ciaddr");
    assertEquals(1068, renewed.destinationPort());
    LeaseRecord lease = renewed.leaseChange();
    assertEquals(firstExpiry + Duration.ofMinutes(30).toMillis(), lease.expiresAtMillis());
    assertEquals(lease, server.store.byAddress(address).orElseThrow());
    assertEquals(2, server.journal.size(), "each ACK's lease went to the journal");
  }

  @Test
  void renewOfAnotherClientsAddressIsNakedToTheClientsAddress() {
    Ipv4Address address = client.dora().yourAddress();
    DhcpOutcome outcome =
        server.send(server.client("02:00:00:00:00:02").renew(address)).orElseThrow();
    DhcpMessage nak = outcome.reply();
    assertEquals(DhcpMessageType.NAK, nak.messageType());
    assertEquals(EngineHarness.SERVER_ID, nak.options().serverIdentifier().orElseThrow());
    // Unicast, not broadcast: a client renewing from behind a router would not hear a broadcast.
    assertEquals(address, outcome.destination());
    assertEquals(1068, outcome.destinationPort());
  }

  @Test
  void aRenewalThatNamesTheServerIsARenewal() {
    Ipv4Address address = client.dora().yourAddress();
    DhcpMessage renewal =
        client
            .message(
                DhcpMessageType.REQUEST,
                o -> o.ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, EngineHarness.SERVER_ID))
            .clientAddress(address)
            .build();
    DhcpMessage ack = server.reply(renewal);
    assertEquals(DhcpMessageType.ACK, ack.messageType());
    assertEquals(address, ack.yourAddress());
  }

  @Test
  void initRebootWithItsOwnAddressIsAcked() {
    Ipv4Address address = client.dora().yourAddress();
    DhcpMessage ack = server.reply(client.initReboot(address));
    assertEquals(DhcpMessageType.ACK, ack.messageType());
    assertEquals(address, ack.yourAddress());
  }

  @Test
  void initRebootOnTheWrongNetworkIsNakedByBroadcast() {
    client.dora();
    DhcpOutcome outcome =
        server.send(client.initReboot(Ipv4Address.parse("127.99.0.5"))).orElseThrow();
    assertEquals(DhcpMessageType.NAK, outcome.reply().messageType());
    assertEquals(Ipv4Address.parse("255.255.255.255"), outcome.destination());
    assertEquals(null, outcome.leaseChange());
  }

  @Test
  void rebindAfterTheServerLostTheLeaseGrantsTheFreeAddress() {
    EngineHarness fresh = new EngineHarness();
    Ipv4Address address = Ipv4Address.parse("127.20.0.104");
    DhcpMessage ack = fresh.reply(fresh.client("02:00:00:00:00:09").renew(address));
    assertEquals(DhcpMessageType.ACK, ack.messageType(), "a free address in the client's pool");
    assertEquals(address, ack.yourAddress());
  }

  @Test
  void expiredLeaseIsReclaimedAndItsAddressOfferedAgain() {
    Ipv4Address address = client.dora().yourAddress();
    server.clock.advance(Duration.ofSeconds(3601));
    var reclaimed = server.engine.reclaimExpired();
    assertEquals(1, reclaimed.size());
    assertEquals(org.provisioning.common.lease.LeaseState.EXPIRED, reclaimed.get(0).state());
    assertEquals(0, server.counter("dhcp.pool.local.used"));
    assertEquals(1, server.counter("dhcp.leases.expired"));
    assertEquals(
        address, server.reply(server.client("02:00:00:00:00:02").discover()).yourAddress());
    assertTrue(server.engine.reclaimExpired().isEmpty(), "reclaimed once");
  }

  @Test
  void aStandbyEndsNoLeaseTheServingPartnerOwnsButCatchesUpOnceServing() {
    client.dora();
    server.engine.setMode(ServingMode.STANDBY);
    server.clock.advance(Duration.ofSeconds(3601));
    assertTrue(server.engine.reclaimExpired().isEmpty(), "the serving partner ends it");
    server.engine.setMode(ServingMode.TOP_DOWN); // it takes over
    assertEquals(1, server.engine.reclaimExpired().size());
  }
}
