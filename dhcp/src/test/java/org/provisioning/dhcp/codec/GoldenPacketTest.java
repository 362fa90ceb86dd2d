package org.provisioning.dhcp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.provisioning.dhcp.codec.Packets.golden;
import static org.provisioning.dhcp.codec.Packets.hex;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.message.BootOp;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.message.HardwareType;
import org.provisioning.dhcp.message.MacAddress;
import org.provisioning.dhcp.option.ClientIdentifier;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;
import org.provisioning.dhcp.option.DocsisDeviceInformation;
import org.provisioning.dhcp.option.RelayAgentInformation;
import org.provisioning.dhcp.option.VendorIdentifyingOptions;

/** Real captures from ISC Kea's test utilities; provenance in the resources' README.md. */
class GoldenPacketTest {

  private final DhcpDecoder decoder = new DhcpDecoder();
  private final DhcpEncoder encoder = new DhcpEncoder();

  private static List<DhcpOptionCode> codes(int... codes) {
    DhcpOptionCode[] out = new DhcpOptionCode[codes.length];
    for (int i = 0; i < codes.length; i++) {
      out[i] = DhcpOptionCode.of(codes[i]);
    }
    return List.of(out);
  }

  private static void assertRelayedThroughTheSameCmts(DhcpMessage m, String modemMac) {
    RelayAgentInformation rai = m.options().relayAgentInformation().orElseThrow();
    assertArrayEquals(hex("20000002"), rai.circuitId().orElseThrow());
    assertArrayEquals(hex(modemMac), rai.remoteId().orElseThrow());
    VendorIdentifyingOptions cmts = rai.vendorSpecific().orElseThrow();
    assertEquals(List.of(VendorIdentifyingOptions.CABLELABS), cmts.enterpriseNumbers());
    assertArrayEquals(hex("0300"), cmts.cableLabs().orElseThrow().get(1).orElseThrow());
  }

  @Test
  void decodesEveryFieldOfADocsis3ModemDiscover() {
    DhcpMessage m = decoder.decodeRequest(golden("kea-docsis3-modem-relayed-discover.hex"));

    assertEquals(BootOp.BOOTREQUEST, m.op());
    assertEquals(HardwareType.ETHERNET, m.clientHardwareAddress().type());
    assertEquals(6, m.clientHardwareAddress().length());
    assertEquals(
        MacAddress.parse("20:e5:2a:b8:15:14"),
        m.clientHardwareAddress().macAddress().orElseThrow());
    assertEquals(1, m.hops());
    assertEquals(0x5d05478d, m.transactionId());
    assertEquals(0, m.secondsElapsed());
    assertEquals(0, m.flags());
    assertFalse(m.isBroadcast());
    assertEquals(Ipv4Address.ANY, m.clientAddress());
    assertEquals(Ipv4Address.ANY, m.yourAddress());
    assertEquals(Ipv4Address.ANY, m.nextServerAddress());
    assertEquals(Ipv4Address.parse("10.254.226.1"), m.relayAgentAddress());
    assertTrue(m.isRelayed());
    assertEquals("", m.serverName());
    assertEquals("", m.bootFileName());
    assertEquals(DhcpMessageType.DISCOVER, m.messageType());

    DhcpOptions o = m.options();
    assertEquals(codes(53, 55, 60, 125, 43, 61, 57, 82), o.codes());
    assertEquals(List.of(), o.malformedCodes());
    assertEquals(codes(1, 2, 3, 4, 7, 6, 125), o.parameterRequestList());
    // Ten octets, with the colon; Wireshark's summary shows "docsis3.0".
    assertEquals("docsis3.0:", o.vendorClassIdentifier().orElseThrow());
    assertEquals(OptionalInt.of(1500), o.maxMessageSize());

    VendorIdentifyingOptions vivso = o.vendorIdentifyingOptions().orElseThrow();
    assertEquals(List.of(VendorIdentifyingOptions.CABLELABS), vivso.enterpriseNumbers());
    assertEquals(List.of(2), vivso.cableLabsOptionRequest());
    assertEquals(
        117,
        vivso
            .cableLabs()
            .orElseThrow()
            .get(VendorIdentifyingOptions.CABLELABS_MODEM_CAPABILITIES)
            .orElseThrow()
            .length);

    DocsisDeviceInformation device = o.docsisDeviceInformation().orElseThrow();
    assertEquals("ECM", device.deviceType().orElseThrow());
    assertEquals("ECM:EROUTER", device.esafeTypes().orElseThrow());
    assertEquals("2BR229U40044C", device.serialNumber().orElseThrow());
    assertEquals("1.04", device.hardwareVersion().orElseThrow());
    assertEquals("V1.33.03", device.softwareVersion().orElseThrow());
    assertEquals("2.3.0R2", device.bootRomVersion().orElseThrow());
    assertEquals("00095B", device.vendorOui().orElseThrow());
    assertEquals("CG3000DCR", device.modelNumber().orElseThrow());
    assertEquals("Netgear", device.vendorName().orElseThrow());
    assertArrayEquals(hex("08"), device.subOptions().get(254).orElseThrow());

    ClientIdentifier clientId = o.clientIdentifier().orElseThrow();
    assertEquals(255, clientId.type()); // RFC 4361: IAID then DUID-LL of the modem MAC
    assertEquals("ff:2a:b8:15:14:00:03:00:01:20:e5:2a:b8:15:14", clientId.toString());

    assertRelayedThroughTheSameCmts(m, "20e52ab81514");
  }

  @Test
  void decodesEveryFieldOfAnERouterDiscover() {
    DhcpMessage m = decoder.decodeRequest(golden("kea-erouter-relayed-discover.hex"));

    assertEquals(BootOp.BOOTREQUEST, m.op());
    assertEquals(
        MacAddress.parse("20:e5:2a:b8:15:15"),
        m.clientHardwareAddress().macAddress().orElseThrow());
    assertEquals(1, m.hops());
    assertEquals(0x5d05478f, m.transactionId());
    assertEquals(5, m.secondsElapsed());
    assertEquals(0, m.flags());
    assertEquals(Ipv4Address.ANY, m.clientAddress());
    assertEquals(Ipv4Address.ANY, m.yourAddress());
    assertEquals(Ipv4Address.ANY, m.nextServerAddress());
    assertEquals(Ipv4Address.parse("10.254.226.1"), m.relayAgentAddress());
    assertEquals("", m.serverName());
    assertEquals("", m.bootFileName());
    assertEquals(DhcpMessageType.DISCOVER, m.messageType());

    DhcpOptions o = m.options();
    assertEquals(codes(53, 55, 43, 60, 15, 61, 57, 82), o.codes());
    assertEquals(
        codes(72, 1, 2, 3, 4, 6, 7, 12, 15, 23, 26, 54, 51, 122), o.parameterRequestList());
    assertEquals("eRouter1.0", o.vendorClassIdentifier().orElseThrow());
    assertEquals("hsd1.pa.comcast.net.", o.domainName().orElseThrow());
    assertEquals(OptionalInt.of(1500), o.maxMessageSize());
    assertEquals(
        "ff:2a:b8:15:15:00:03:00:01:20:e5:2a:b8:15:15",
        o.clientIdentifier().orElseThrow().toString());

    DocsisDeviceInformation device = o.docsisDeviceInformation().orElseThrow();
    assertEquals("EROUTER", device.deviceType().orElseThrow());
    assertEquals("ECM:EROUTER", device.esafeTypes().orElseThrow());
    assertEquals("2BR229U40044C", device.serialNumber().orElseThrow());
    assertEquals("CG3000DCR", device.modelNumber().orElseThrow());
    assertArrayEquals(
        "EROUTER".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        device.subOptions().get(15).orElseThrow());

    // The eRouter's request is relayed with the modem's MAC as remote id, as DOCSIS does.
    assertRelayedThroughTheSameCmts(m, "20e52ab81514");
  }

  @Test
  void decodesAModemDiscoverWithRawOuiAndBroadcastFlag() {
    DhcpMessage m = decoder.decodeRequest(golden("kea-docsis3-modem-vivso-discover.hex"));

    assertEquals(0x2d5d43cb, m.transactionId());
    assertEquals(DhcpMessage.BROADCAST_FLAG, m.flags());
    assertTrue(m.isBroadcast());
    assertEquals(Ipv4Address.parse("10.206.80.1"), m.relayAgentAddress());
    assertEquals(
        MacAddress.parse("78:96:84:5e:f7:af"),
        m.clientHardwareAddress().macAddress().orElseThrow());
    assertEquals(codes(53, 55, 60, 125, 43, 61, 57, 82), m.options().codes());

    DocsisDeviceInformation device = m.options().docsisDeviceInformation().orElseThrow();
    assertEquals("002040", device.vendorOui().orElseThrow()); // three raw octets on the wire
    assertEquals("396779424435507701014005", device.serialNumber().orElseThrow());
    assertEquals("SBG6X82-8.6.0.0-GA-01-971-NOSH", device.softwareVersion().orElseThrow());
    assertEquals("SBG6782-AC", device.modelNumber().orElseThrow());
    assertEquals("Motorola Corporation", device.vendorName().orElseThrow());

    RelayAgentInformation rai = m.options().relayAgentInformation().orElseThrow();
    assertArrayEquals(hex("800503f8"), rai.circuitId().orElseThrow());
    assertArrayEquals(hex("7896845ef7af"), rai.remoteId().orElseThrow());
    assertEquals(
        List.of(VendorIdentifyingOptions.CABLELABS),
        rai.vendorSpecific().orElseThrow().enterpriseNumbers());
  }

  @Test
  void decodesAnUnrelayedCpeDiscoverPaddedTo576() {
    DhcpMessage m = decoder.decodeRequest(golden("kea-genexis-discover-padded.hex"));

    assertEquals(0x946a5b5a, m.transactionId());
    assertTrue(m.isBroadcast());
    assertFalse(m.isRelayed());
    assertEquals(0, m.hops());
    assertEquals(
        MacAddress.parse("00:0f:94:6a:1a:93"),
        m.clientHardwareAddress().macAddress().orElseThrow());
    DhcpOptions o = m.options();
    assertEquals(codes(53, 60, 51, 55), o.codes());
    assertEquals(
        "HMC1000.v1.3.0-R,Element-P1090,genexis.eu", o.vendorClassIdentifier().orElseThrow());
    assertEquals(OptionalLong.of(0xffffffffL), o.leaseTime());
    assertEquals(codes(1, 3, 6, 125), o.parameterRequestList());
    assertTrue(o.relayAgentInformation().isEmpty());
  }

  @Test
  void reEncodesCapturesEndingInEndOctetForOctet() {
    for (String name :
        List.of(
            "kea-docsis3-modem-relayed-discover.hex",
            "kea-erouter-relayed-discover.hex",
            "kea-docsis3-modem-vivso-discover.hex")) {
      byte[] original = golden(name);
      assertEquals(
          Packets.hex(original), Packets.hex(encoder.encode(decoder.decode(original))), name);
    }
  }

  @Test
  void reEncodesAPaddedCaptureUpToOurOwnPadding() {
    byte[] original = golden("kea-genexis-discover-padded.hex");
    byte[] encoded = encoder.encode(decoder.decode(original));
    // The device padded to 576 octets, we pad to the BOOTP minimum of 300: same octets up to
    // there, and only zeros beyond in the original.
    assertEquals(DhcpEncoder.MIN_PACKET_SIZE, encoded.length);
    assertArrayEquals(Arrays.copyOf(original, encoded.length), encoded);
    for (int i = encoded.length; i < original.length; i++) {
      assertEquals(0, original[i], "octet " + i);
    }
  }

  @Test
  void keepsKeaBadRelayAgentOptionRawAndServesTheRestOfThePacket() {
    // Option 82 fills the packet exactly (no End), but its first sub-option claims 65 octets of
    // the 30 that follow: the option is malformed, the packet is not.
    DhcpMessage m = decoder.decodeRequest(golden("kea-bad-rai-relayed-discover.hex"));
    DhcpOptions o = m.options();
    assertEquals(List.of(DhcpOptionCode.RELAY_AGENT_INFORMATION), o.malformedCodes());
    assertTrue(o.relayAgentInformation().isEmpty());
    assertEquals(32, o.raw(DhcpOptionCode.RELAY_AGENT_INFORMATION).orElseThrow().length);
    assertEquals(DhcpMessageType.DISCOVER, m.messageType());
    assertEquals("docsis3.0:", o.vendorClassIdentifier().orElseThrow());
    assertEquals(
        "CG3000DCR", o.docsisDeviceInformation().orElseThrow().modelNumber().orElseThrow());
    // Re-encoding adds the End the capture lacks; everything before it is unchanged.
    byte[] original = golden("kea-bad-rai-relayed-discover.hex");
    byte[] encoded = encoder.encode(m);
    assertEquals(original.length + 1, encoded.length);
    assertArrayEquals(original, Arrays.copyOf(encoded, original.length));
    assertEquals((byte) 0xff, encoded[original.length]);
  }

  @Test
  void rejectsKeaTruncatedVivsoCaptureWhoseWrongLengthDesynchronisesTheFraming() {
    DhcpDecodeException e =
        assertThrows(
            DhcpDecodeException.class,
            () -> decoder.decodeRequest(golden("kea-truncated-vivso-discover.hex")));
    assertEquals(DhcpDecodeException.Reason.OPTION_OVERRUNS_PACKET, e.reason());
  }
}
