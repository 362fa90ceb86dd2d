package org.provisioning.dhcp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.provisioning.dhcp.codec.Packets.hex;
import static org.provisioning.dhcp.codec.Packets.put;
import static org.provisioning.dhcp.codec.Packets.putText;
import static org.provisioning.dhcp.codec.Packets.request;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.codec.DhcpDecodeException.Reason;
import org.provisioning.dhcp.message.BootOp;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.message.HardwareType;
import org.provisioning.dhcp.option.DhcpOptionCode;

class DhcpDecoderTest {

  private static final int SNAME = 44;
  private static final int FILE = 108;

  private final DhcpDecoder decoder = new DhcpDecoder();

  private static void assertRejected(Reason reason, Executable decode) {
    DhcpDecodeException e = assertThrows(DhcpDecodeException.class, decode);
    assertEquals(reason, e.reason(), e.getMessage());
  }

  // ---------------------------------------------------------------- every reason

  @Test
  void rejectsPacketsAboveTheSizeLimit() {
    byte[] big = request("350101ff" + "00".repeat(4096 - 244 + 1));
    assertEquals(4097, big.length);
    assertRejected(Reason.OVERSIZED, () -> decoder.decode(big));
    assertRejected(
        Reason.OVERSIZED,
        () -> new DhcpDecoder(600).decode(request("350101ff" + "00".repeat(400))));
    assertRejected(Reason.OVERSIZED, () -> decoder.decode(ByteBuffer.allocateDirect(4097)));
  }

  @Test
  void rejectsPacketsShorterThanHeaderAndCookie() {
    byte[] p = request("");
    assertRejected(Reason.TRUNCATED_HEADER, () -> decoder.decode(Arrays.copyOf(p, 239)));
    assertRejected(Reason.TRUNCATED_HEADER, () -> decoder.decode(new byte[0]));
  }

  @Test
  void rejectsAnOpThatIsNeitherRequestNorReply() {
    byte[] p = request("350101ff");
    p[0] = 3;
    assertRejected(Reason.BAD_OP, () -> decoder.decode(p));
    p[0] = 0;
    assertRejected(Reason.BAD_OP, () -> decoder.decodeRequest(p));
  }

  @Test
  void serverDecoderRejectsBootReplies() {
    byte[] p = request("350102ff");
    p[0] = 2;
    assertRejected(Reason.NOT_BOOTREQUEST, () -> decoder.decodeRequest(p));
    assertEquals(BootOp.BOOTREPLY, decoder.decode(p).op());
  }

  @Test
  void rejectsAHardwareAddressLongerThanChaddr() {
    byte[] p = request("350101ff");
    p[2] = 17;
    assertRejected(Reason.BAD_HLEN, () -> decoder.decode(p));
    p[2] = 16;
    assertEquals(16, decoder.decode(p).clientHardwareAddress().length());
  }

  @Test
  void rejectsAWrongMagicCookie() {
    byte[] p = request("350101ff");
    p[239] = 0x64;
    assertRejected(Reason.BAD_MAGIC_COOKIE, () -> decoder.decode(p));
  }

  @Test
  void rejectsAnOptionWhoseLengthRunsPastThePacket() {
    assertRejected(
        Reason.OPTION_OVERRUNS_PACKET, () -> decoder.decode(request("350101" + "0c056869")));
  }

  @Test
  void rejectsACodeOctetWithoutALengthOctet() {
    assertRejected(Reason.OPTION_OVERRUNS_PACKET, () -> decoder.decode(request("350101" + "0c")));
  }

  @Test
  void rejectsAnOptionThatOverrunsAnOverloadedField() {
    byte[] p = request("350101" + "340101" + "ff");
    put(p, FILE + 126, "0c05"); // five octets announced, the field ends two octets later
    assertRejected(Reason.OPTION_OVERRUNS_PACKET, () -> decoder.decode(p));
  }

  @Test
  void rejectsBootpWithoutAMessageType() {
    assertRejected(Reason.NO_MESSAGE_TYPE, () -> decoder.decode(request("0c026869ff")));
  }

  @Test
  void rejectsAMessageTypeOfWrongLengthOrUnknownCode() {
    assertRejected(Reason.BAD_MESSAGE_TYPE, () -> decoder.decode(request("35020101ff")));
    assertRejected(Reason.BAD_MESSAGE_TYPE, () -> decoder.decode(request("3500ff")));
    assertRejected(Reason.BAD_MESSAGE_TYPE, () -> decoder.decode(request("350163ff")));
    assertRejected(Reason.BAD_MESSAGE_TYPE, () -> decoder.decode(request("350100ff")));
  }

  @Test
  void everyReasonHasAStableLowerCaseLabel() {
    for (Reason r : Reason.values()) {
      assertTrue(r.label().matches("[a-z_]+"), r.label());
    }
    assertEquals("option_overruns_packet", Reason.OPTION_OVERRUNS_PACKET.label());
    assertTrue(new DhcpDecodeException(Reason.BAD_HLEN, "x").getMessage().startsWith("bad_hlen: "));
  }

  // ---------------------------------------------------------------- what is served

  @Test
  void readsEveryHeaderField() {
    byte[] p = request("350103ff");
    put(p, 1, "06" + "06" + "03" + "cafebabe" + "0102" + "8001");
    put(p, 12, "0a000001" + "0a000002" + "0a000003" + "0a000004");
    put(p, 34, "ee"); // beyond hlen: not part of the address
    putText(p, SNAME, "srv.example");
    putText(p, FILE, "modem.cfg");
    DhcpMessage m = decoder.decode(p);
    assertEquals(HardwareType.IEEE802, m.clientHardwareAddress().type());
    assertEquals(
        "00:11:22:33:44:55", m.clientHardwareAddress().macAddress().orElseThrow().toString());
    assertEquals(3, m.hops());
    assertEquals(0xcafebabe, m.transactionId());
    assertEquals(258, m.secondsElapsed());
    assertEquals(0x8001, m.flags());
    assertTrue(m.isBroadcast());
    assertEquals(Ipv4Address.parse("10.0.0.1"), m.clientAddress());
    assertEquals(Ipv4Address.parse("10.0.0.2"), m.yourAddress());
    assertEquals(Ipv4Address.parse("10.0.0.3"), m.nextServerAddress());
    assertEquals(Ipv4Address.parse("10.0.0.4"), m.relayAgentAddress());
    assertEquals("srv.example", m.serverName());
    assertEquals("modem.cfg", m.bootFileName());
    assertEquals(DhcpMessageType.REQUEST, m.messageType());
  }

  @Test
  void skipsPadOptionsAnywhere() {
    DhcpMessage m = decoder.decode(request("0000" + "350101" + "00" + "0104ffffff00" + "0000ff"));
    assertEquals(
        List.of(DhcpOptionCode.DHCP_MESSAGE_TYPE, DhcpOptionCode.SUBNET_MASK), m.options().codes());
  }

  @Test
  void toleratesAMissingEndOption() {
    DhcpMessage m = decoder.decode(request("350101" + "0c026869"));
    assertEquals("hi", m.options().hostName().orElseThrow());
  }

  @Test
  void ignoresWhateverFollowsEnd() {
    DhcpMessage m = decoder.decode(request("350101" + "ff" + "0c026869" + "0cff"));
    assertTrue(m.options().hostName().isEmpty());
  }

  @Test
  void keepsUnknownOptionsRaw() {
    DhcpMessage m = decoder.decode(request("350101" + "e003010203" + "ff"));
    assertEquals("010203", hex(m.options().raw(DhcpOptionCode.of(224)).orElseThrow()));
  }

  @Test
  void keepsAMalformedOptionAndServesTheRest() {
    DhcpMessage m = decoder.decode(request("350103" + "0103ffffff" + "32040a000005" + "ff"));
    assertTrue(m.options().isMalformed(DhcpOptionCode.SUBNET_MASK));
    assertTrue(m.options().subnetMask().isEmpty());
    assertEquals(Ipv4Address.parse("10.0.0.5"), m.options().requestedIpAddress().orElseThrow());
  }

  @Test
  void joinsInstancesOfOneCodeInTheOrderMet() {
    DhcpMessage m = decoder.decode(request("0c026869" + "350101" + "0c026a6b" + "ff"));
    assertEquals("hijk", m.options().hostName().orElseThrow());
    assertEquals(
        List.of(DhcpOptionCode.HOST_NAME, DhcpOptionCode.DHCP_MESSAGE_TYPE), m.options().codes());
  }

  @Test
  void readsOptionsFromFileThenSnameWhenOverloaded() {
    byte[] p = request("350101" + "340103" + "37020103" + "ff");
    put(p, FILE, "0c026869" + "370106" + "ff");
    put(p, SNAME, "0f03616263" + "37012a" + "ff");
    DhcpMessage m = decoder.decode(p);
    assertEquals("hi", m.options().hostName().orElseThrow());
    assertEquals("abc", m.options().domainName().orElseThrow());
    assertEquals(
        List.of(
            DhcpOptionCode.SUBNET_MASK,
            DhcpOptionCode.ROUTER,
            DhcpOptionCode.DOMAIN_NAME_SERVER,
            DhcpOptionCode.NTP_SERVERS),
        m.options().parameterRequestList());
    assertEquals(OptionalInt.of(3), m.options().overload());
    assertEquals("", m.serverName());
    assertEquals("", m.bootFileName());
  }

  @Test
  void readsOnlyTheFieldTheOverloadNames() {
    byte[] p = request("350101" + "340101" + "ff");
    put(p, FILE, "0c026869ff");
    putText(p, SNAME, "srv");
    DhcpMessage m = decoder.decode(p);
    assertEquals("hi", m.options().hostName().orElseThrow());
    assertEquals("srv", m.serverName());
    assertEquals("", m.bootFileName());
  }

  @Test
  void anOverloadValueOutsideOneToThreeLeavesFileAndSnameAsNames() {
    byte[] p = request("350101" + "340104" + "ff");
    putText(p, FILE, "boot.cfg");
    DhcpMessage m = decoder.decode(p);
    assertEquals("boot.cfg", m.bootFileName());
    assertTrue(m.options().overload().isEmpty());
  }

  @Test
  void ignoresAnOverloadOptionInsideAnOverloadedField() {
    byte[] p = request("350101" + "340101" + "ff");
    put(p, FILE, "340103" + "ff");
    putText(p, SNAME, "srv");
    DhcpMessage m = decoder.decode(p);
    assertEquals("srv", m.serverName());
    assertEquals(OptionalInt.of(1), m.options().overload());
  }

  @Test
  void decodesFromAnArraySliceAndFromBuffers() {
    byte[] p = request("350101ff");
    byte[] framed = new byte[p.length + 10];
    System.arraycopy(p, 0, framed, 7, p.length);
    DhcpMessage expected = decoder.decode(p);
    assertEquals(expected, decoder.decode(framed, 7, p.length));

    ByteBuffer heap = ByteBuffer.wrap(framed, 7, p.length).slice();
    assertEquals(expected, decoder.decodeRequest(heap));
    assertEquals(0, heap.position());

    ByteBuffer direct = ByteBuffer.allocateDirect(p.length + 3);
    direct.position(3);
    direct.put(p).position(3);
    assertEquals(expected, decoder.decode(direct));
    assertEquals(3, direct.position());
  }

  @Test
  void refusesARangeOutsideTheArray() {
    assertThrows(IndexOutOfBoundsException.class, () -> decoder.decode(new byte[300], 100, 250));
  }
}
