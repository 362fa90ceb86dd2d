package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.engine.EngineHarness.Client;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.VendorIdentifyingOptions;

/** Cable modems, eMTAs and the CPE behind them, and the policies operators rely on. */
class DocsisModemTest {
  private final EngineHarness server = new EngineHarness();

  private Client device(String mac, String vendorClass, String modemMac) {
    Client client =
        server.client(mac).behind(EngineHarness.CMTS).relayInfo("cable-1/0/0", modemMac);
    return vendorClass == null ? client : client.vendorClass(vendorClass);
  }

  /**
   * {@code nextServer: self} names the server that answers: with a pair's replicated config, the
   * secondary sends the modems it serves to its own TFTP, not to the primary's.
   */
  @Test
  void nextServerSelfIsTheAnsweringServersIdentifier() {
    EngineHarness selfServed =
        new EngineHarness(
            EngineHarness.CONFIG.replace(
                "options: {bootFile: walled-garden.cfg, nextServer: 127.0.0.69}",
                "options: {bootFile: walled-garden.cfg, nextServer: self}"));
    DhcpMessage ack =
        selfServed
            .client("00:10:95:00:00:77")
            .behind(EngineHarness.CMTS)
            .vendorClass("docsis3.0:")
            .dora();
    assertEquals("walled-garden.cfg", ack.bootFileName());
    assertEquals(Ipv4Address.parse("127.20.0.1"), ack.nextServerAddress());
  }

  @Test
  void knownModemGetsItsConfigFileTftpServersAndLongLease() {
    DhcpMessage ack = device("00:10:95:00:00:01", "docsis3.0:", "00:10:95:00:00:01").dora();
    assertEquals(Ipv4Address.parse("127.16.0.10"), ack.yourAddress());
    assertEquals("cm-001095000001.cfg", ack.bootFileName());
    assertEquals("cm-001095000001.cfg", ack.options().bootfileName().orElseThrow());
    assertEquals(Ipv4Address.parse("127.0.0.69"), ack.nextServerAddress());
    assertEquals(List.of(Ipv4Address.parse("127.0.0.37")), ack.options().timeServers());
    assertEquals(604800, ack.options().leaseTime().orElseThrow());
    VendorIdentifyingOptions vivso = ack.options().vendorIdentifyingOptions().orElseThrow();
    assertTrue(vivso.toString().contains("4491"), vivso.toString());
    byte[] option125 =
        ack.options().raw(DhcpOptionCode.V_I_VENDOR_SPECIFIC_INFORMATION).orElseThrow();
    assertArrayEquals(
        HexFormat.of().parseHex("0000118b0602047f000045"),
        option125,
        "enterprise 4491, sub-option 2 = 127.0.0.69");
    assertEquals("modem-1", server.store.byAddress(ack.yourAddress()).orElseThrow().hostname());
    assertEquals(
        "cable-modem", server.store.byAddress(ack.yourAddress()).orElseThrow().clientClass());
  }

  @Test
  void modemWithAReservedAddressGetsIt() {
    DhcpMessage ack = device("00:10:95:00:00:03", "docsis3.0:", "00:10:95:00:00:03").dora();
    assertEquals(Ipv4Address.parse("127.16.0.15"), ack.yourAddress());
    DhcpMessage other = device("00:10:95:00:00:02", "docsis3.0:", "00:10:95:00:00:02").dora();
    assertEquals(Ipv4Address.parse("127.16.0.10"), other.yourAddress());
  }

  /**
   * A reservation made for an address another client already leases: the reserved modem used to get
   * nothing (every DISCOVER dropped) until that lease ended. It is served from its class's pools
   * meanwhile; the holder is NAKed at its renewal, and once the address is free the reserved modem
   * is sent to it.
   */
  @Test
  void aReservedAddressHeldByAnotherClientLeavesTheModemAPoolAddressMeanwhile() {
    String withoutIt = EngineHarness.CONFIG.replace("address: 127.16.0.15}", "}");
    server.engine.reconfigure(EngineHarness.dhcp(withoutIt));
    Client holder = device("00:10:95:00:00:02", "docsis3.0:", "00:10:95:00:00:02");
    Ipv4Address reserved = Ipv4Address.parse("127.16.0.15");
    assertEquals(reserved, server.reply(holder.initReboot(reserved)).yourAddress());
    server.engine.reconfigure(EngineHarness.dhcp(EngineHarness.CONFIG)); // the reservation

    Client modem = device("00:10:95:00:00:03", "docsis3.0:", "00:10:95:00:00:03");
    Ipv4Address meanwhile = modem.dora().yourAddress();
    assertEquals(Ipv4Address.parse("127.16.0.10"), meanwhile);
    assertEquals(DhcpMessageType.ACK, server.reply(modem.renew(meanwhile)).messageType());
    assertEquals(
        DhcpMessageType.NAK, server.reply(holder.renew(reserved)).messageType(), "not its own");

    server.clock.advance(java.time.Duration.ofDays(8)); // the holder's lease (a week) ends
    server.engine.reclaimExpired();
    assertEquals(
        DhcpMessageType.NAK,
        server.reply(modem.renew(meanwhile)).messageType(),
        "its reserved address is free: sent back to DISCOVER");
    assertEquals(reserved, modem.dora().yourAddress());
  }

  @Test
  void unknownModemLandsInTheWalledGarden() {
    DhcpMessage ack = device("00:10:95:99:99:99", "docsis3.1:", "00:10:95:99:99:99").dora();
    assertEquals(Ipv4Address.parse("127.16.0.200"), ack.yourAddress());
    assertEquals("walled-garden.cfg", ack.bootFileName());
  }

  @Test
  void aModemProvisionedOutOfTheWalledGardenGivesItsGardenAddressBack() {
    Client modem = device("00:10:95:99:99:99", "docsis3.1:", "00:10:95:99:99:99");
    Ipv4Address garden = modem.dora().yourAddress();
    assertEquals(Ipv4Address.parse("127.16.0.200"), garden);
    assertEquals(1, server.counter("dhcp.pool.garden.used"));

    // The operator provisions it (a reservation): at its next boot it joins the modems' pool.
    server.engine.reconfigure(
        EngineHarness.dhcp(
            EngineHarness.CONFIG.replace(
                "reservations:\n", "reservations:\n    - {mac: \"00:10:95:99:99:99\"}\n")));
    DhcpMessage offer = server.reply(modem.discover());
    DhcpOutcome ack = server.send(modem.select(offer)).orElseThrow();
    assertEquals(DhcpMessageType.ACK, ack.reply().messageType());
    assertEquals(Ipv4Address.parse("127.16.0.10"), ack.reply().yourAddress());
    assertEquals(garden, ack.superseded().address(), "journaled with the ACK");
    assertEquals(LeaseState.RELEASED, server.store.byAddress(garden).orElseThrow().state());
    assertEquals(0, server.counter("dhcp.pool.garden.used"), "free for the next unknown modem");

    // A renewal of the new lease supersedes nothing.
    assertEquals(null, server.send(modem.renew(ack.reply().yourAddress())).get().superseded());
  }

  @Test
  void aClientsLeaseOnAnotherNetworkIsNotSuperseded() {
    Client laptop = server.client("02:00:00:00:00:42");
    Ipv4Address local = laptop.dora().yourAddress();
    Client behindCmts =
        server.client("02:00:00:00:00:42").behind(EngineHarness.CMTS).vendorClass("pktc1.0:");
    DhcpOutcome ack = server.send(behindCmts.select(server.reply(behindCmts.discover()))).get();
    assertEquals(null, ack.superseded());
    assertEquals(LeaseState.BOUND, server.store.byAddress(local).orElseThrow().state());
  }

  @Test
  void emtaGetsItsPoolFileAndOption122() {
    DhcpMessage ack = device("00:10:95:aa:00:01", "pktc1.5:", "00:10:95:00:00:01").dora();
    assertEquals(Ipv4Address.parse("127.18.0.10"), ack.yourAddress());
    assertEquals("mta-001095aa0001.bin", ack.bootFileName());
    assertEquals(
        "BASIC.1.",
        ack.options().cableLabsClientConfiguration().orElseThrow().kerberosRealm().orElseThrow());
  }

  @Test
  void cpeBehindAnUnknownModemGetsNothing() {
    Client cpe = device("02:aa:00:00:00:01", null, "00:10:95:77:77:77");
    assertTrue(server.send(cpe.discover()).isEmpty());
    assertEquals(1, server.counter("dhcp.dropped.no_pool_for_class"));
  }

  @Test
  void cpeLimitPerModemIsEnforced() {
    device("00:10:95:00:00:01", "docsis3.0:", "00:10:95:00:00:01").dora();
    device("02:aa:00:00:00:01", null, "00:10:95:00:00:01").dora();
    device("02:aa:00:00:00:02", null, "00:10:95:00:00:01").dora();
    Client third = device("02:aa:00:00:00:03", null, "00:10:95:00:00:01");
    assertTrue(server.send(third.discover()).isEmpty());
    assertEquals(1, server.counter("dhcp.dropped.cpe_limit"));
    DhcpMessage renewal = device("02:aa:00:00:00:01", null, "00:10:95:00:00:01").dora();
    assertEquals(
        DhcpMessageType.ACK, renewal.messageType(), "a CPE already counted keeps its lease");
  }

  /**
   * Offers count against the limit as leases do: a CPE that changed its MAC at every DISCOVER and
   * never requested had an address held for each, and filled the pool for every other CPE there. An
   * offer that runs out, or is taken up, counts no more.
   */
  @Test
  void offersCountAgainstTheCpeLimitPerModem() {
    device("00:10:95:00:00:01", "docsis3.0:", "00:10:95:00:00:01").dora();
    int offered = 0;
    for (int i = 1; i <= 10; i++) {
      String mac = String.format(java.util.Locale.ROOT, "02:aa:00:00:01:%02x", i);
      if (!server.send(device(mac, null, "00:10:95:00:00:01").discover()).isEmpty()) {
        offered++;
      }
    }
    assertEquals(2, offered, "the limit is 2");
    assertEquals(8, server.counter("dhcp.dropped.cpe_limit"));
    Client again = device("02:aa:00:00:01:01", null, "00:10:95:00:00:01");
    assertFalse(server.send(again.discover()).isEmpty(), "a CPE with an offer is offered again");
    assertEquals(
        DhcpMessageType.ACK,
        server.reply(again.select(server.reply(again.discover()))).messageType());
  }

  @Test
  void blockedModemAndTheCpeBehindItAreRefused() {
    assertTrue(
        server
            .send(device("00:10:95:00:00:66", "docsis3.0:", "00:10:95:00:00:66").discover())
            .isEmpty());
    assertTrue(
        server.send(device("02:aa:00:00:00:01", null, "00:10:95:00:00:66").discover()).isEmpty());
    assertEquals(2, server.counter("dhcp.dropped.blocked"));
  }

  @Test
  void reservedModemOnAnotherNetworkGetsNoDynamicAddress() {
    Client elsewhere =
        server
            .client("00:10:95:00:00:03")
            .vendorClass("docsis3.0:"); // on the server's own link, not behind its CMTS
    assertTrue(server.send(elsewhere.discover()).isEmpty(), "its reserved address is not here");
    assertEquals(1, server.counter("dhcp.dropped.reservation_unavailable"));
  }

  @Test
  void ackCarriesTheBootFileNameTheIssuerGivesForTheLease() {
    server.engine.setBootFileIssuer(
        (lease, bootFile) -> "once-" + lease.address() + "-" + bootFile);
    Client modem = device("00:10:95:00:00:01", "docsis3.0:", "00:10:95:00:00:01");
    DhcpMessage offer = server.reply(modem.discover());
    assertEquals("cm-001095000001.cfg", offer.bootFileName(), "an offer names the real file");
    DhcpMessage ack = server.reply(modem.select(offer));
    assertEquals("once-127.16.0.10-cm-001095000001.cfg", ack.bootFileName());
    assertEquals(ack.bootFileName(), ack.options().bootfileName().orElseThrow());
  }
}
