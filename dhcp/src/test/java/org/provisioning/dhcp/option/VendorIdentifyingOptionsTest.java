package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;

class VendorIdentifyingOptionsTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void readsTheCableLabsBlockAModemSends() {
    // enterprise 4491, 7 octets: option request for sub-option 2, capabilities 0x0102
    byte[] raw = hex("0000118b07010102050201" + "02");
    VendorIdentifyingOptions v = VendorIdentifyingOptions.parse(raw).orElseThrow();
    assertEquals(List.of(4491L), v.enterpriseNumbers());
    assertEquals(List.of(2), v.cableLabsOptionRequest());
    assertArrayEquals(
        hex("0102"),
        v.cableLabs()
            .orElseThrow()
            .get(VendorIdentifyingOptions.CABLELABS_MODEM_CAPABILITIES)
            .orElseThrow());
    assertArrayEquals(raw, v.toBytes());
  }

  @Test
  void buildsTftpServersForAModem() {
    VendorIdentifyingOptions v =
        VendorIdentifyingOptions.builder()
            .add(
                VendorIdentifyingOptions.CABLELABS,
                SubOptions.builder()
                    .ipv4Addresses(
                        VendorIdentifyingOptions.CABLELABS_TFTP_SERVERS,
                        List.of(Ipv4Address.parse("10.0.0.7")))
                    .build())
            .build();
    assertArrayEquals(hex("0000118b0602040a000007"), v.toBytes());
    DhcpOptions options = DhcpOptions.builder().vendorIdentifyingOptions(v).build();
    assertEquals(
        List.of(Ipv4Address.parse("10.0.0.7")),
        options.vendorIdentifyingOptions().orElseThrow().cableLabsTftpServers());
  }

  @Test
  void otherEnterprisesAreKept() {
    VendorIdentifyingOptions v =
        VendorIdentifyingOptions.parse(hex("00000009020100" + "0000118b00")).orElseThrow();
    assertEquals(List.of(9L, 4491L), v.enterpriseNumbers());
    assertTrue(v.forEnterprise(9).isPresent());
    assertTrue(v.cableLabs().orElseThrow().isEmpty());
  }

  @Test
  void brokenBlocksAreNotParsed() {
    assertTrue(VendorIdentifyingOptions.parse(hex("0000118b05010102")).isEmpty());
    assertTrue(VendorIdentifyingOptions.parse(hex("00")).isEmpty());
  }

  @Test
  void vendorClassesRoundTrip() {
    List<VendorClass> classes = List.of(new VendorClass(4491, List.of("docsis3.0", "x")));
    byte[] raw = VendorClass.encode(classes);
    assertArrayEquals(hex("0000118b0c09646f63736973332e300178"), raw);
    assertEquals(classes, VendorClass.parse(raw).orElseThrow());
    assertEquals(classes, DhcpOptions.builder().vendorClasses(classes).build().vendorClasses());
    assertTrue(VendorClass.parse(hex("0000118b020500")).isEmpty());
  }
}
