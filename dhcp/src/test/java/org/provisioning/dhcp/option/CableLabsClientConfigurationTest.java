package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;

class CableLabsClientConfigurationTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static Ipv4Address ip(String s) {
    return Ipv4Address.parse(s);
  }

  @Test
  void everySubOptionSurvivesEncodingAndParsing() {
    CableLabsClientConfiguration.Backoff as = new CableLabsClientConfiguration.Backoff(3, 20, 5);
    CableLabsClientConfiguration.Backoff ap = new CableLabsClientConfiguration.Backoff(1, 10, 4);
    CableLabsClientConfiguration config =
        CableLabsClientConfiguration.builder()
            .primaryDhcpServer(ip("10.0.0.1"))
            .secondaryDhcpServer(ip("10.0.0.2"))
            .provisioningServer("prov.example.net")
            .asReqAsRepBackoff(as)
            .apReqApRepBackoff(ap)
            .kerberosRealm("BASIC.1")
            .ticketGrantingServerUtilization(true)
            .provisioningTimer(10)
            .securityTicketControl(0x0003)
            .kdcServerAddresses(List.of(ip("10.0.0.3"), ip("10.0.0.4")))
            .build();
    CableLabsClientConfiguration read =
        DhcpOptions.builder()
            .cableLabsClientConfiguration(config)
            .build()
            .cableLabsClientConfiguration()
            .orElseThrow();
    assertEquals(config, read);
    assertEquals(ip("10.0.0.1"), read.primaryDhcpServer().orElseThrow());
    assertEquals(ip("10.0.0.2"), read.secondaryDhcpServer().orElseThrow());
    assertEquals("prov.example.net.", read.provisioningServerFqdn().orElseThrow());
    assertTrue(read.provisioningServerAddress().isEmpty());
    assertEquals(as, read.asReqAsRepBackoff().orElseThrow());
    assertEquals(ap, read.apReqApRepBackoff().orElseThrow());
    assertEquals("BASIC.1.", read.kerberosRealm().orElseThrow());
    assertEquals(true, read.ticketGrantingServerUtilization().orElseThrow());
    assertEquals(OptionalInt.of(10), read.provisioningTimer());
    assertEquals(OptionalInt.of(3), read.securityTicketControl());
    assertEquals(List.of(ip("10.0.0.3"), ip("10.0.0.4")), read.kdcServerAddresses());
  }

  @Test
  void writesNamesInDnsWireFormatWithTheRootLabel() {
    byte[] bytes =
        CableLabsClientConfiguration.builder()
            .provisioningServer("a.bc")
            .kerberosRealm("R.")
            .build()
            .toBytes();
    // 3: type 0 then 1 'a' 2 'b' 'c' 0; 6: 1 'R' 0
    assertArrayEquals(hex("03070001610262630006030152" + "00"), bytes);
  }

  @Test
  void readsAProvisioningServerGivenAsAnAddress() {
    CableLabsClientConfiguration config =
        CableLabsClientConfiguration.parse(hex("0305010a000005")).orElseThrow();
    assertEquals(ip("10.0.0.5"), config.provisioningServerAddress().orElseThrow());
    assertTrue(config.provisioningServerFqdn().isEmpty());
  }

  @Test
  void malformedBackoffReadsAsAbsent() {
    CableLabsClientConfiguration config =
        CableLabsClientConfiguration.parse(hex("040400000001")).orElseThrow();
    assertTrue(config.asReqAsRepBackoff().isEmpty());
  }
}
