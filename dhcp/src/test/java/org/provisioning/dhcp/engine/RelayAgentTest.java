package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.engine.EngineHarness.Client;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.DhcpOptionCode;

/** Requests relayed by a CMTS: giaddr, shared networks and option 82 (RFC 3046). */
class RelayAgentTest {
  private final EngineHarness server = new EngineHarness();

  private Client modem(String mac) {
    return server
        .client(mac)
        .behind(EngineHarness.CMTS)
        .vendorClass("docsis3.0:")
        .relayInfo("cable-1/0/0", mac);
  }

  @Test
  void relayedReplyGoesToTheRelayWithOption82EchoedUnchangedAndLast() {
    Client modem = modem("00:10:95:00:00:01");
    DhcpMessage discover = modem.discover();
    DhcpOutcome outcome = server.send(discover).orElseThrow();
    assertEquals(EngineHarness.CMTS, outcome.destination());
    assertEquals(1067, outcome.destinationPort(), "to the relay's server port");
    assertEquals(EngineHarness.CMTS, outcome.reply().relayAgentAddress());
    assertArrayEquals(
        discover.options().raw(DhcpOptionCode.RELAY_AGENT_INFORMATION).orElseThrow(),
        outcome.reply().options().raw(DhcpOptionCode.RELAY_AGENT_INFORMATION).orElseThrow());

    byte[] wire = new DhcpEncoder().encode(outcome.reply());
    DhcpMessage decoded = new DhcpDecoder().decode(wire);
    var codes = decoded.options().codes();
    assertEquals(DhcpOptionCode.RELAY_AGENT_INFORMATION, codes.get(codes.size() - 1), "82 last");
  }

  @Test
  void sharedNetworkPutsModemsAndCpeInTheirOwnSubnets() {
    Ipv4Address modemAddress = modem("00:10:95:00:00:01").dora().yourAddress();
    assertEquals(Ipv4Address.parse("127.16.0.10"), modemAddress);
    Client cpe =
        server
            .client("02:aa:00:00:00:01")
            .behind(EngineHarness.CMTS)
            .relayInfo("cable-1/0/0", "00:10:95:00:00:01");
    DhcpMessage ack = cpe.dora();
    assertEquals(Ipv4Address.parse("127.17.0.10"), ack.yourAddress());
    assertEquals(java.util.List.of(Ipv4Address.parse("127.17.0.1")), ack.options().routers());
    assertEquals("cpe", server.store.byAddress(ack.yourAddress()).orElseThrow().clientClass());
  }

  @Test
  void aCpeRenewingByUnicastWithoutOption82KeepsItsClassAndItsModem() {
    modem("00:10:95:00:00:01").dora();
    Client cpe =
        server
            .client("02:aa:00:00:00:01")
            .behind(EngineHarness.CMTS)
            .relayInfo("cable-1/0/0", "00:10:95:00:00:01");
    Ipv4Address address = cpe.dora().yourAddress();
    server.clock.advance(java.time.Duration.ofMinutes(30));

    // RENEWING: unicast from the CPE to the server, which the CMTS routes untouched.
    Client renewing = server.client("02:aa:00:00:00:01");
    DhcpOutcome renewed = server.send(renewing.renew(address)).orElseThrow();
    assertEquals(DhcpMessageType.ACK, renewed.reply().messageType(), "the cpe class still holds");
    assertEquals(address, renewed.destination());
    assertEquals(null, renewed.reply().options().relayAgentInformation().orElse(null), "no echo");
    LeaseRecord lease = server.store.byAddress(address).orElseThrow();
    assertEquals("cpe", lease.clientClass());
    assertEquals("cable-1/0/0", new String(lease.circuitId(), StandardCharsets.US_ASCII));
    assertArrayEquals(
        HexFormat.ofDelimiter(":").parseHex("00:10:95:00:00:01"),
        lease.remoteId(),
        "still counted against its modem's CPE limit");

    // Another client unicasting for that address gains nothing from the stored relay info.
    DhcpOutcome stranger = server.send(server.client("02:aa:00:00:00:09").renew(address)).get();
    assertEquals(DhcpMessageType.NAK, stranger.reply().messageType());
  }

  @Test
  void unknownRelayGetsNoAnswer() {
    Client lost = server.client("02:00:00:00:00:01").behind(Ipv4Address.parse("127.99.0.1"));
    assertTrue(server.send(lost.discover()).isEmpty());
    assertEquals(1, server.counter("dhcp.dropped.no_subnet"));
  }

  @Test
  void requestForAnAddressOfAnotherSubnetIsNakedToTheRelay() {
    Client modem = modem("00:10:95:00:00:01");
    modem.dora();
    DhcpOutcome outcome =
        server.send(modem.initReboot(Ipv4Address.parse("127.20.0.100"))).orElseThrow();
    assertEquals(DhcpMessageType.NAK, outcome.reply().messageType());
    assertEquals(EngineHarness.CMTS, outcome.destination());
    assertTrue(outcome.reply().isBroadcast(), "a relay broadcasts a NAK on the cable segment");
  }

  @Test
  void linkSelectionSuboptionChoosesTheSubnet() {
    Client local = server.client("02:00:00:00:00:01").behind(Ipv4Address.parse("127.99.0.1"));
    DhcpMessage discover =
        local
            .message(
                DhcpMessageType.DISCOVER,
                o ->
                    o.ipv4Address(DhcpOptionCode.SUBNET_SELECTION, Ipv4Address.parse("127.20.0.0")))
            .build();
    DhcpMessage offer = server.reply(discover);
    assertEquals(Ipv4Address.parse("127.20.0.100"), offer.yourAddress());
    // RFC 3011 section 2: echoed in every reply, which a client that asked discards without it.
    byte[] asked = discover.options().raw(DhcpOptionCode.SUBNET_SELECTION).orElseThrow();
    assertArrayEquals(asked, offer.options().raw(DhcpOptionCode.SUBNET_SELECTION).orElseThrow());
    DhcpMessage select =
        local
            .message(
                DhcpMessageType.REQUEST,
                o ->
                    o.ipv4Address(DhcpOptionCode.SUBNET_SELECTION, Ipv4Address.parse("127.20.0.0"))
                        .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offer.yourAddress())
                        .ipv4Address(
                            DhcpOptionCode.SERVER_IDENTIFIER,
                            offer.options().serverIdentifier().orElseThrow()))
            .build();
    DhcpMessage ack = server.reply(select);
    assertEquals(DhcpMessageType.ACK, ack.messageType());
    assertArrayEquals(asked, ack.options().raw(DhcpOptionCode.SUBNET_SELECTION).orElseThrow());
  }
}
