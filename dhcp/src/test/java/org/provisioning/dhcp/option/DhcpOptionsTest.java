package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;

class DhcpOptionsTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static Ipv4Address ip(String s) {
    return Ipv4Address.parse(s);
  }

  /** A reply's echo: the same collection as a builder copying the option would give. */
  @Test
  void withCopyOfPutsTheEchoedOptionWhereTheBuilderWouldAndReplacesOurs() {
    DhcpOptions prepared =
        DhcpOptions.builder()
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 5)
            .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, ip("127.0.0.1"))
            .ipv4Address(DhcpOptionCode.SUBNET_MASK, ip("255.0.0.0"))
            .uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, 3600)
            .uint32(DhcpOptionCode.RENEWAL_TIME, 1800)
            .build();
    DhcpOptions request =
        DhcpOptions.receivedOrderBuilder(32)
            .bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, hex("0103616263"))
            .bytes(DhcpOptionCode.CLIENT_IDENTIFIER, hex("01000c01020304"))
            .build();
    DhcpOptions echoed =
        prepared
            .withCopyOf(DhcpOptionCode.RELAY_AGENT_INFORMATION, request)
            .withCopyOf(DhcpOptionCode.CLIENT_IDENTIFIER, request);
    DhcpOptions built =
        prepared.toBuilder()
            .copy(DhcpOptionCode.RELAY_AGENT_INFORMATION, request)
            .copy(DhcpOptionCode.CLIENT_IDENTIFIER, request)
            .build();
    assertEquals(built, echoed);
    assertEquals(built.codes(), echoed.codes());
    assertEquals(DhcpOptionCode.RELAY_AGENT_INFORMATION, echoed.codeAt(echoed.size() - 1));
    // Ours is replaced, not doubled; a missing option changes nothing; malformed stays marked.
    DhcpOptions replaced =
        echoed.withCopyOf(
            DhcpOptionCode.CLIENT_IDENTIFIER,
            DhcpOptions.receivedOrderBuilder(8)
                .bytes(DhcpOptionCode.CLIENT_IDENTIFIER, hex("ff01"))
                .build());
    assertEquals(echoed.size(), replaced.size());
    assertArrayEquals(hex("ff01"), replaced.raw(DhcpOptionCode.CLIENT_IDENTIFIER).orElseThrow());
    assertArrayEquals(
        echoed.raw(DhcpOptionCode.RENEWAL_TIME).orElseThrow(),
        replaced.raw(DhcpOptionCode.RENEWAL_TIME).orElseThrow());
    assertSame(prepared, prepared.withCopyOf(DhcpOptionCode.CLIENT_IDENTIFIER, prepared));
    DhcpOptions bad =
        DhcpOptions.receivedOrderBuilder(8).bytes(DhcpOptionCode.SUBNET_MASK, hex("ff")).build();
    assertTrue(
        DhcpOptions.empty()
            .withCopyOf(DhcpOptionCode.SUBNET_MASK, bad)
            .isMalformed(DhcpOptionCode.SUBNET_MASK));
  }

  @Test
  void builderPutsMessageTypeFirstServerIdentifierNextAndRelayInformationLast() {
    DhcpOptions options =
        DhcpOptions.builder()
            .bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, hex("0102abcd"))
            .uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, 3600)
            .ipv4Address(DhcpOptionCode.SUBNET_MASK, ip("255.255.255.0"))
            .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, ip("10.0.0.1"))
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 2)
            .ipv4Addresses(DhcpOptionCode.ROUTER, List.of(ip("10.0.0.254")))
            .build();
    assertEquals(
        List.of(
            DhcpOptionCode.DHCP_MESSAGE_TYPE,
            DhcpOptionCode.SERVER_IDENTIFIER,
            DhcpOptionCode.SUBNET_MASK,
            DhcpOptionCode.ROUTER,
            DhcpOptionCode.IP_ADDRESS_LEASE_TIME,
            DhcpOptionCode.RELAY_AGENT_INFORMATION),
        options.codes());
  }

  @Test
  void receivedOrderBuilderKeepsTheOrderOptionsArrive() {
    DhcpOptions options =
        DhcpOptions.receivedOrderBuilder(16)
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 1)
            .bytes(DhcpOptionCode.PARAMETER_REQUEST_LIST, hex("0103"))
            .string(DhcpOptionCode.VENDOR_CLASS_IDENTIFIER, "docsis3.0")
            .bytes(DhcpOptionCode.VENDOR_SPECIFIC_INFORMATION, hex("0201ff"))
            .build();
    assertEquals(
        List.of(
            DhcpOptionCode.DHCP_MESSAGE_TYPE,
            DhcpOptionCode.PARAMETER_REQUEST_LIST,
            DhcpOptionCode.VENDOR_CLASS_IDENTIFIER,
            DhcpOptionCode.VENDOR_SPECIFIC_INFORMATION),
        options.codes());
  }

  @Test
  void settingACodeAgainReplacesItsValue() {
    DhcpOptions options =
        DhcpOptions.builder()
            .uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, 60)
            .uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, 3600)
            .build();
    assertEquals(1, options.size());
    assertEquals(OptionalLong.of(3600), options.leaseTime());
  }

  @Test
  void appendJoinsInstancesOfOneCodeInTheOrderMet() {
    byte[] a = hex("0a000001");
    byte[] b = hex("0a000002");
    DhcpOptions options =
        DhcpOptions.receivedOrderBuilder(8)
            .append(DhcpOptionCode.ROUTER, a, 0, 4)
            .append(DhcpOptionCode.HOST_NAME, hex("6869"), 0, 2)
            .append(DhcpOptionCode.ROUTER, b, 0, 4)
            .build();
    assertEquals(List.of(ip("10.0.0.1"), ip("10.0.0.2")), options.routers());
    assertEquals(List.of(DhcpOptionCode.ROUTER, DhcpOptionCode.HOST_NAME), options.codes());
    assertEquals("hi", options.hostName().orElseThrow());
  }

  @Test
  void malformedValueIsKeptRawButTypedAccessorTreatsItAsAbsent() {
    DhcpOptions options =
        DhcpOptions.builder()
            .bytes(DhcpOptionCode.SUBNET_MASK, hex("ffffff"))
            .ipv4Address(DhcpOptionCode.BROADCAST_ADDRESS, ip("10.0.0.255"))
            .build();
    assertTrue(options.contains(DhcpOptionCode.SUBNET_MASK));
    assertTrue(options.isMalformed(DhcpOptionCode.SUBNET_MASK));
    assertArrayEquals(hex("ffffff"), options.raw(DhcpOptionCode.SUBNET_MASK).orElseThrow());
    assertTrue(options.subnetMask().isEmpty());
    assertEquals(List.of(DhcpOptionCode.SUBNET_MASK), options.malformedCodes());
    assertEquals(ip("10.0.0.255"), options.broadcastAddress().orElseThrow());
    assertTrue(options.toString().contains("SUBNET_MASK(1)=ffffff!"));
  }

  @Test
  void unknownCodeIsKeptRawAndReadableByShape() {
    DhcpOptions options =
        DhcpOptions.builder().bytes(DhcpOptionCode.of(224), hex("00000e10")).build();
    assertFalse(options.isMalformed(DhcpOptionCode.of(224)));
    assertArrayEquals(hex("00000e10"), options.raw(DhcpOptionCode.of(224)).orElseThrow());
    assertEquals(OptionalLong.of(3600), options.uint32(DhcpOptionCode.of(224)));
    assertTrue(options.uint16(DhcpOptionCode.of(224)).isEmpty());
  }

  @Test
  void typedAccessorsReadWellFormedValues() {
    DhcpOptions options =
        DhcpOptions.builder()
            .ipv4Address(DhcpOptionCode.SUBNET_MASK, ip("255.255.255.0"))
            .int32(DhcpOptionCode.TIME_OFFSET, -3600)
            .ipv4Addresses(DhcpOptionCode.ROUTER, List.of(ip("10.0.0.1")))
            .ipv4Addresses(DhcpOptionCode.TIME_SERVER, List.of(ip("10.0.0.2")))
            .ipv4Addresses(
                DhcpOptionCode.DOMAIN_NAME_SERVER, List.of(ip("10.0.0.3"), ip("10.0.0.4")))
            .ipv4Addresses(DhcpOptionCode.LOG_SERVER, List.of(ip("10.0.0.5")))
            .string(DhcpOptionCode.HOST_NAME, "cm1")
            .string(DhcpOptionCode.DOMAIN_NAME, "example.net")
            .ipv4Addresses(DhcpOptionCode.NTP_SERVERS, List.of(ip("10.0.0.6")))
            .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, ip("10.0.0.50"))
            .uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, 0xffffffffL)
            .uint8(DhcpOptionCode.OPTION_OVERLOAD, 3)
            .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, ip("10.0.0.1"))
            .parameterRequestList(List.of(DhcpOptionCode.of(3), DhcpOptionCode.of(1)))
            .string(DhcpOptionCode.MESSAGE, "no")
            .uint16(DhcpOptionCode.MAXIMUM_MESSAGE_SIZE, 1500)
            .uint32(DhcpOptionCode.RENEWAL_TIME, 1800)
            .uint32(DhcpOptionCode.REBINDING_TIME, 3150)
            .string(DhcpOptionCode.VENDOR_CLASS_IDENTIFIER, "pktc1.0")
            .clientIdentifier(ClientIdentifier.of(hex("01aabbccddeeff")))
            .string(DhcpOptionCode.TFTP_SERVER_NAME, "tftp.example.net")
            .string(DhcpOptionCode.BOOTFILE_NAME, "cm.cfg")
            .clientFqdn(new ClientFqdn(ClientFqdn.FLAG_E | ClientFqdn.FLAG_S, 0, 0, "cm1.example."))
            .ipv4Address(DhcpOptionCode.SUBNET_SELECTION, ip("10.1.0.0"))
            .build();
    assertEquals(ip("255.255.255.0"), options.subnetMask().orElseThrow());
    assertEquals(OptionalInt.of(-3600), options.timeOffset());
    assertEquals(List.of(ip("10.0.0.1")), options.routers());
    assertEquals(List.of(ip("10.0.0.2")), options.timeServers());
    assertEquals(List.of(ip("10.0.0.3"), ip("10.0.0.4")), options.domainNameServers());
    assertEquals(List.of(ip("10.0.0.5")), options.logServers());
    assertEquals("cm1", options.hostName().orElseThrow());
    assertEquals("example.net", options.domainName().orElseThrow());
    assertEquals(List.of(ip("10.0.0.6")), options.ntpServers());
    assertEquals(ip("10.0.0.50"), options.requestedIpAddress().orElseThrow());
    assertEquals(OptionalLong.of(0xffffffffL), options.leaseTime());
    assertEquals(OptionalInt.of(3), options.overload());
    assertEquals(ip("10.0.0.1"), options.serverIdentifier().orElseThrow());
    assertEquals(
        List.of(DhcpOptionCode.ROUTER, DhcpOptionCode.SUBNET_MASK), options.parameterRequestList());
    assertEquals("no", options.message().orElseThrow());
    assertEquals(OptionalInt.of(1500), options.maxMessageSize());
    assertEquals(OptionalLong.of(1800), options.renewalTime());
    assertEquals(OptionalLong.of(3150), options.rebindingTime());
    assertEquals("pktc1.0", options.vendorClassIdentifier().orElseThrow());
    assertEquals("01:aa:bb:cc:dd:ee:ff", options.clientIdentifier().orElseThrow().toString());
    assertEquals("tftp.example.net", options.tftpServerName().orElseThrow());
    assertEquals("cm.cfg", options.bootfileName().orElseThrow());
    assertEquals("cm1.example.", options.clientFqdn().orElseThrow().domainName());
    assertEquals(ip("10.1.0.0"), options.subnetSelection().orElseThrow());
  }

  @Test
  void absentOptionsReadAsEmpty() {
    DhcpOptions options = DhcpOptions.empty();
    assertTrue(options.subnetMask().isEmpty());
    assertTrue(options.routers().isEmpty());
    assertTrue(options.parameterRequestList().isEmpty());
    assertTrue(options.maxMessageSize().isEmpty());
    assertTrue(options.relayAgentInformation().isEmpty());
    assertTrue(options.vendorClasses().isEmpty());
    assertTrue(options.vendorIdentifyingOptions().isEmpty());
    assertTrue(options.raw(DhcpOptionCode.HOST_NAME).isEmpty());
  }

  @Test
  void textCutsTrailingNulsSomeClientsSend() {
    DhcpOptions options =
        DhcpOptions.builder().bytes(DhcpOptionCode.HOST_NAME, hex("6d7900")).build();
    assertEquals("my", options.hostName().orElseThrow());
  }

  @Test
  void anOctetReadsAsItIsOrAsTheGivenAbsenceWhenMissingOrNotOneOctet() {
    DhcpOptions options =
        DhcpOptions.builder()
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 3)
            .bytes(DhcpOptionCode.OPTION_OVERLOAD, hex("0102"))
            .build();
    assertEquals(3, options.uint8OrElse(DhcpOptionCode.DHCP_MESSAGE_TYPE, -1));
    assertEquals(-1, options.uint8OrElse(DhcpOptionCode.OPTION_OVERLOAD, -1), "two octets");
    assertEquals(0, options.uint8OrElse(DhcpOptionCode.HOST_NAME, 0), "missing");
    assertEquals(3, options.uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE).orElseThrow());
    assertTrue(options.uint8(DhcpOptionCode.OPTION_OVERLOAD).isEmpty());
  }

  @Test
  void overloadOutsideOneToThreeIsNotAnOverload() {
    DhcpOptions options = DhcpOptions.builder().uint8(DhcpOptionCode.OPTION_OVERLOAD, 4).build();
    assertTrue(options.overload().isEmpty());
  }

  @Test
  void padAndEndCannotBeSet() {
    assertThrows(
        IllegalArgumentException.class,
        () -> DhcpOptions.builder().bytes(DhcpOptionCode.PAD, new byte[0]));
    assertThrows(
        IllegalArgumentException.class,
        () -> DhcpOptions.builder().bytes(DhcpOptionCode.END, new byte[0]));
  }

  @Test
  void valuesOutOfRangeAreRefused() {
    DhcpOptions.Builder b = DhcpOptions.builder();
    assertThrows(IllegalArgumentException.class, () -> b.uint8(DhcpOptionCode.DEFAULT_IP_TTL, 256));
    assertThrows(
        IllegalArgumentException.class, () -> b.uint16(DhcpOptionCode.INTERFACE_MTU, 65536));
    assertThrows(IllegalArgumentException.class, () -> b.uint32(DhcpOptionCode.RENEWAL_TIME, -1));
    assertThrows(
        IllegalArgumentException.class, () -> b.string(DhcpOptionCode.HOST_NAME, "h\u20ac"));
  }

  @Test
  void equalityIsByCodesValuesAndOrder() {
    DhcpOptions a =
        DhcpOptions.receivedOrderBuilder(8)
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 1)
            .string(DhcpOptionCode.HOST_NAME, "a")
            .build();
    DhcpOptions same =
        DhcpOptions.receivedOrderBuilder(8)
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 1)
            .string(DhcpOptionCode.HOST_NAME, "x")
            .string(DhcpOptionCode.HOST_NAME, "a")
            .build();
    DhcpOptions reversed =
        DhcpOptions.receivedOrderBuilder(8)
            .string(DhcpOptionCode.HOST_NAME, "a")
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 1)
            .build();
    assertEquals(a, same);
    assertEquals(a.hashCode(), same.hashCode());
    assertNotEquals(a, reversed);
  }

  @Test
  void changingABuilderAfterBuildLeavesTheBuiltCollectionAlone() {
    DhcpOptions.Builder b = DhcpOptions.builder().string(DhcpOptionCode.HOST_NAME, "one");
    DhcpOptions first = b.build();
    b.string(DhcpOptionCode.HOST_NAME, "two").remove(DhcpOptionCode.HOST_NAME);
    b.string(DhcpOptionCode.DOMAIN_NAME, "d");
    assertEquals("one", first.hostName().orElseThrow());
    assertEquals(1, first.size());
    assertEquals(List.of(DhcpOptionCode.DOMAIN_NAME), b.build().codes());
  }

  @Test
  void toBuilderKeepsValuesAndAllowsEdits() {
    DhcpOptions request =
        DhcpOptions.receivedOrderBuilder(8)
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 1)
            .bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, hex("0104deadbeef"))
            .build();
    DhcpOptions reply =
        DhcpOptions.builder()
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 2)
            .copy(DhcpOptionCode.RELAY_AGENT_INFORMATION, request)
            .copy(DhcpOptionCode.HOST_NAME, request)
            .build();
    assertArrayEquals(
        hex("0104deadbeef"), reply.raw(DhcpOptionCode.RELAY_AGENT_INFORMATION).orElseThrow());
    assertFalse(reply.contains(DhcpOptionCode.HOST_NAME));
    DhcpOptions edited = request.toBuilder().remove(DhcpOptionCode.RELAY_AGENT_INFORMATION).build();
    assertEquals(List.of(DhcpOptionCode.DHCP_MESSAGE_TYPE), edited.codes());
  }

  @Test
  void copyValueWritesPartOfAValueWithoutAllocating() {
    DhcpOptions options =
        DhcpOptions.builder().bytes(DhcpOptionCode.USER_CLASS, hex("0102030405")).build();
    byte[] out = new byte[3];
    options.copyValue(0, 1, out, 0, 3);
    assertArrayEquals(hex("020304"), out);
    assertThrows(IndexOutOfBoundsException.class, () -> options.copyValue(0, 3, out, 0, 3));
  }
}
