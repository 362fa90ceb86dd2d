package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;

class RelayAgentInformationTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  /** Option 82 of Kea's captureRelayedDiscover(): circuit, remote (the modem MAC), CableLabs 9. */
  private static final byte[] CMTS_OPTION_82 =
      hex("010420000002020620e52ab8151409090000118b0401020300");

  @Test
  void readsWhatACmtsSays() {
    RelayAgentInformation rai = RelayAgentInformation.parse(CMTS_OPTION_82).orElseThrow();
    assertArrayEquals(hex("20000002"), rai.circuitId().orElseThrow());
    assertArrayEquals(hex("20e52ab81514"), rai.remoteId().orElseThrow());
    VendorIdentifyingOptions vendor = rai.vendorSpecific().orElseThrow();
    assertEquals(4491L, vendor.enterpriseNumbers().get(0));
    assertArrayEquals(hex("0300"), vendor.cableLabs().orElseThrow().get(1).orElseThrow());
  }

  @Test
  void echoesTheExactOctetsItWasParsedFrom() {
    byte[] odd = hex("0104200000020c00fe03010203");
    assertArrayEquals(odd, RelayAgentInformation.parse(odd).orElseThrow().toBytes());
    assertArrayEquals(
        CMTS_OPTION_82, RelayAgentInformation.parse(CMTS_OPTION_82).orElseThrow().toBytes());
  }

  @Test
  void readsSubscriberLinkSelectionServerOverrideAndDeviceClass() {
    SubOptions s =
        SubOptions.builder()
            .string(RelayAgentInformation.SUBSCRIBER_ID, "sub-42")
            .ipv4Address(RelayAgentInformation.LINK_SELECTION, Ipv4Address.parse("10.1.0.0"))
            .ipv4Address(
                RelayAgentInformation.SERVER_IDENTIFIER_OVERRIDE, Ipv4Address.parse("10.1.0.1"))
            .uint32(RelayAgentInformation.DOCSIS_DEVICE_CLASS, 1)
            .build();
    RelayAgentInformation rai = RelayAgentInformation.of(s);
    assertEquals("sub-42", rai.subscriberId().orElseThrow());
    assertEquals(Ipv4Address.parse("10.1.0.0"), rai.linkSelection().orElseThrow());
    assertEquals(Ipv4Address.parse("10.1.0.1"), rai.serverIdentifierOverride().orElseThrow());
    assertEquals(OptionalLong.of(1), rai.docsisDeviceClass());
  }

  @Test
  void malformedVendorSubOptionReadsAsAbsent() {
    RelayAgentInformation rai = RelayAgentInformation.parse(hex("0903000011")).orElseThrow();
    assertTrue(rai.vendorSpecific().isEmpty());
  }

  @Test
  void brokenFramingIsNotRelayInformation() {
    assertTrue(RelayAgentInformation.parse(hex("0104aabb")).isEmpty());
  }
}
