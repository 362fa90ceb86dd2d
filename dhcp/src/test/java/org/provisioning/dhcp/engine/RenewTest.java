package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

  /**
   * A client that renews without pause does not grow the engine's memory: each renewal queued its
   * new expiry and the entry before it stayed until its time came (a week's lease at a thousand
   * renewals a second: a billion entries). The queue is rebuilt from the leases when it passes four
   * times their number, and the lease still expires when it should.
   */
  @Test
  void renewalsWithoutPauseDoNotGrowTheExpiryQueue() {
    Ipv4Address address = client.dora().yourAddress();
    int renewals = 3 * DhcpEngine.MIN_EXPIRIES_REBUILT;
    for (int i = 0; i < renewals; i++) {
      server.clock.advance(Duration.ofMillis(1));
      assertEquals(
          DhcpMessageType.ACK,
          server.send(client.renew(address)).orElseThrow().reply().messageType());
    }
    assertTrue(
        server.engine.queuedExpiries() <= DhcpEngine.MIN_EXPIRIES_REBUILT,
        "queued: " + server.engine.queuedExpiries());
    LeaseRecord lease = server.store.byAddress(address).orElseThrow();
    server.clock.advance(Duration.ofMillis(lease.expiresAtMillis() - server.clock.millis() + 1));
    assertEquals(1, server.engine.reclaimExpired().size(), "it still expires");
  }

  /**
   * A host name of 200 octets above 0x7f (each two octets in UTF-8) is kept cut to what a lease
   * holds, and the client gets its ACK; it threw while the lease was built. A client identifier
   * longer than a lease keeps (joined from several option 61s, RFC 3396) is dropped, and the lease
   * the client had is left as it was.
   */
  @Test
  void overlongClientTextIsCutOrRefusedAndChangesNothing() {
    Ipv4Address address = client.dora().yourAddress();
    byte[] accented = new byte[200];
    java.util.Arrays.fill(accented, (byte) 0xE9);
    DhcpMessage named =
        client
            .message(
                DhcpMessageType.REQUEST,
                o ->
                    o.ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address)
                        .bytes(DhcpOptionCode.HOST_NAME, accented))
            .build();
    assertEquals(DhcpMessageType.ACK, server.reply(named).messageType());
    String kept = server.store.byAddress(address).orElseThrow().hostname();
    // 127 characters of two octets each: the 128th would pass 255.
    assertEquals(254, kept.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, kept);

    LeaseRecord before = server.store.byAddress(address).orElseThrow();
    byte[] longId = new byte[300];
    longId[0] = 1;
    DhcpMessage overlong =
        client
            .message(
                DhcpMessageType.REQUEST,
                o ->
                    o.ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address)
                        .bytes(DhcpOptionCode.CLIENT_IDENTIFIER, longId))
            .build();
    assertTrue(server.send(overlong).isEmpty(), "dropped");
    assertEquals(before, server.store.byAddress(address).orElseThrow());
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

  /**
   * RFC 2131 section 4.3.2: a client rebooting with an address of this network that this server has
   * no record of had it from another server; it gets neither an ACK for an address never offered
   * nor a NAK that takes its lease away. On the wrong network it is NAKed, known or not.
   */
  @Test
  void initRebootFromAClientWithNoRecordHereIsNotAnswered() {
    Client stranger = server.client("02:00:00:00:00:77");
    Ipv4Address free = Ipv4Address.parse("127.20.0.104");
    assertTrue(server.send(stranger.initReboot(free)).isEmpty(), "a free pool address");
    Ipv4Address outsidePools = Ipv4Address.parse("127.20.0.250");
    assertTrue(server.send(stranger.initReboot(outsidePools)).isEmpty(), "outside the pools");
    assertEquals(2, server.counter("dhcp.dropped.unknown_client"));
    assertEquals(0, server.store.size());

    DhcpOutcome wrongNetwork =
        server.send(stranger.initReboot(Ipv4Address.parse("127.99.0.5"))).orElseThrow();
    assertEquals(DhcpMessageType.NAK, wrongNetwork.reply().messageType());
    Ipv4Address anothers = client.dora().yourAddress();
    assertEquals(
        DhcpMessageType.NAK,
        server.reply(stranger.initReboot(anothers)).messageType(),
        "an address this server knows to be another client's");
  }

  @Test
  void initRebootFromAClientWhoseLeaseRanOutIsAnsweredAsKnown() {
    Ipv4Address address = client.dora().yourAddress();
    server.clock.advance(Duration.ofSeconds(3601));
    server.engine.reclaimExpired();
    DhcpMessage ack = server.reply(client.initReboot(address));
    assertEquals(DhcpMessageType.ACK, ack.messageType(), "its address is still free");
    assertEquals(address, ack.yourAddress());
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

  /**
   * The failover partner's clock runs a minute behind: a lease it wrote ends a minute later than
   * this clock reads it. Until then the address stays with its client, none of it recorded ended.
   */
  @Test
  void aLeaseEndsAsLateAsThePartnersClockRunsBehind() {
    Ipv4Address address = client.dora().yourAddress();
    server.engine.setPartnerClockBehindMillis(60_000);
    server.clock.advance(Duration.ofSeconds(3601));
    assertTrue(server.engine.reclaimExpired().isEmpty(), "not ended by this clock alone");
    Client other = server.client("02:00:00:00:00:02");
    DhcpMessage asking =
        other
            .message(
                DhcpMessageType.DISCOVER,
                o -> o.ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address))
            .build();
    assertNotEquals(address, server.reply(asking).yourAddress(), "not another client's yet");

    server.clock.advance(Duration.ofSeconds(60));
    var reclaimed = server.engine.reclaimExpired();
    assertEquals(1, reclaimed.size());
    assertEquals(org.provisioning.common.lease.LeaseState.EXPIRED, reclaimed.get(0).state());
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
