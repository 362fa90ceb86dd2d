package org.provisioning.dhcp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.provisioning.dhcp.codec.Packets.golden;
import static org.provisioning.dhcp.codec.Packets.hex;
import static org.provisioning.dhcp.codec.Packets.put;
import static org.provisioning.dhcp.codec.Packets.request;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.message.HardwareAddress;
import org.provisioning.dhcp.message.MacAddress;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;

class DhcpEncoderTest {

  private final DhcpEncoder encoder = new DhcpEncoder();
  private final DhcpDecoder decoder = new DhcpDecoder();

  private static DhcpMessage.Builder offer(DhcpOptions options) {
    return DhcpMessage.builder()
        .op(org.provisioning.dhcp.message.BootOp.BOOTREPLY)
        .clientHardwareAddress(HardwareAddress.ethernet(MacAddress.parse("00:11:22:33:44:55")))
        .transactionId(42)
        .yourAddress(Ipv4Address.parse("10.0.0.10"))
        .messageType(DhcpMessageType.OFFER)
        .options(options);
  }

  /** The option codes of an area, instance by instance, in wire order. */
  private static List<Integer> wireCodes(byte[] p, int from, int end) {
    List<Integer> out = new ArrayList<>();
    int i = from;
    while (i < end && (p[i] & 0xff) != 255) {
      if (p[i] == 0) {
        i++;
        continue;
      }
      out.add(p[i] & 0xff);
      i += 2 + (p[i + 1] & 0xff);
    }
    return out;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i);
    }
    return b;
  }

  @Test
  void writesEveryHeaderFieldAndReadsBackEqual() {
    DhcpMessage m =
        offer(
                DhcpOptions.builder()
                    .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.parse("10.0.0.1"))
                    .build())
            .hops(2)
            .secondsElapsed(7)
            .broadcast(true)
            .clientAddress(Ipv4Address.parse("10.0.0.9"))
            .nextServerAddress(Ipv4Address.parse("10.0.0.2"))
            .relayAgentAddress(Ipv4Address.parse("10.0.0.254"))
            .serverName("tftp")
            .bootFileName("cm/0011223344.cfg")
            .build();
    byte[] p = encoder.encode(m);
    // op, htype, hlen, hops, xid, secs, flags
    assertEquals("020106020000002a00078000", hex(Arrays.copyOf(p, 12)));
    assertEquals(0x63, p[236] & 0xff);
    assertEquals(m, decoder.decode(p));
  }

  @Test
  void padsShortPacketsToTheBootpMinimumOf300() {
    byte[] p = encoder.encode(offer(DhcpOptions.empty()).build());
    assertEquals(300, p.length);
    assertEquals("350102ff", hex(Arrays.copyOfRange(p, 240, 244)));
    for (int i = 244; i < 300; i++) {
      assertEquals(0, p[i]);
    }
  }

  @Test
  void writesMessageTypeFirstAndRelayInformationLastWhateverTheCollectionOrder() {
    DhcpOptions received =
        DhcpOptions.receivedOrderBuilder(32)
            .string(DhcpOptionCode.HOST_NAME, "h")
            .bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, hex("0101aa"))
            .uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 2)
            .uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, 60)
            .build();
    byte[] p = encoder.encode(offer(received).build());
    assertEquals(List.of(53, 12, 51, 82), wireCodes(p, 240, p.length));
  }

  @Test
  void builtRepliesGoOutInCanonicalOrder() {
    DhcpOptions reply =
        DhcpOptions.builder()
            .bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, hex("0101aa"))
            .uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, 60)
            .ipv4Address(DhcpOptionCode.SUBNET_MASK, Ipv4Address.parse("255.255.255.0"))
            .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.parse("10.0.0.1"))
            .build();
    byte[] p = encoder.encode(offer(reply).build());
    assertEquals(List.of(53, 54, 1, 51, 82), wireCodes(p, 240, p.length));
  }

  @Test
  void echoesTheRelayAgentOptionOfARequestOctetForOctetAndLast() {
    byte[] captured = golden("kea-docsis3-modem-relayed-discover.hex");
    DhcpMessage discover = decoder.decodeRequest(captured);
    DhcpMessage offer =
        discover
            .replyBuilder(DhcpMessageType.OFFER)
            .yourAddress(Ipv4Address.parse("10.254.226.10"))
            .options(
                DhcpOptions.builder()
                    .copy(DhcpOptionCode.RELAY_AGENT_INFORMATION, discover.options())
                    .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.parse("10.0.0.1"))
                    .uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, 3600)
                    .build())
            .build();
    byte[] p = encoder.encode(offer);
    String option82 = "5219" + "010420000002020620e52ab8151409090000118b0401020300";
    String capturedHex = hex(captured);
    assertTrue(capturedHex.contains(option82 + "ff"));
    assertTrue(hex(p).contains(option82 + "ff"), "82 is last, right before End, unchanged");
    assertEquals(List.of(53, 54, 51, 82), wireCodes(p, 240, p.length));
  }

  @Test
  void splitsALongValueIntoConsecutiveInstancesAndTheDecoderJoinsThem() {
    byte[] value = bytes(600, 1);
    DhcpOptions options =
        DhcpOptions.builder()
            .bytes(DhcpOptionCode.of(224), value)
            .string(DhcpOptionCode.HOST_NAME, "h")
            .build();
    byte[] p = encoder.encode(offer(options).build());
    assertEquals(List.of(53, 12, 224, 224, 224), wireCodes(p, 240, p.length));
    int first = 240 + 3 + 3;
    assertEquals(255, p[first + 1] & 0xff);
    assertEquals(255, p[first + 2 + 255 + 1] & 0xff);
    assertEquals(90, p[first + 2 * (2 + 255) + 1] & 0xff);
    assertArrayEquals(value, decoder.decode(p).options().raw(DhcpOptionCode.of(224)).orElseThrow());
  }

  @Test
  void splitsAtExactly255Octets() {
    byte[] p255 =
        encoder.encode(
            offer(DhcpOptions.builder().bytes(DhcpOptionCode.of(224), bytes(255, 0)).build())
                .build());
    assertEquals(List.of(53, 224), wireCodes(p255, 240, p255.length));
    byte[] p256 =
        encoder.encode(
            offer(DhcpOptions.builder().bytes(DhcpOptionCode.of(224), bytes(256, 0)).build())
                .build());
    assertEquals(List.of(53, 224, 224), wireCodes(p256, 240, p256.length));
  }

  @Test
  void writesAnEmptyOptionWithLengthZero() {
    byte[] p =
        encoder.encode(
            offer(DhcpOptions.builder().empty(DhcpOptionCode.RAPID_COMMIT).build()).build());
    assertEquals("3501025000ff", hex(Arrays.copyOfRange(p, 240, 246)));
  }

  @Test
  void unknownOptionsRoundTripOctetForOctet() {
    byte[] p = request("350101" + "e003010203" + "fe00" + "c801ff" + "ff");
    p = Arrays.copyOf(p, 300);
    assertEquals(hex(p), hex(encoder.encode(decoder.decode(p))));
  }

  @Test
  void neverCopiesAReceivedOverloadOptionAndMovesItsOptionsIntoTheOptionsField() {
    byte[] p = request("350101" + "340101" + "ff");
    put(p, 108, "0c026869ff");
    DhcpMessage m = decoder.decode(p);
    byte[] out = encoder.encode(m);
    assertEquals(List.of(53, 12), wireCodes(out, 240, out.length));
    DhcpMessage again = decoder.decode(out);
    assertEquals("hi", again.options().hostName().orElseThrow());
    assertFalse(again.options().contains(DhcpOptionCode.OPTION_OVERLOAD));
  }

  @Test
  void overloadsIntoFileThenSnameWhenTheClientsMaximumIsExceeded() {
    int[] sizes = {200, 80, 120, 60};
    DhcpOptions.Builder b =
        DhcpOptions.builder()
            .bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, hex("0104deadbeef"))
            .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.parse("10.0.0.1"));
    for (int i = 0; i < sizes.length; i++) {
      b.bytes(DhcpOptionCode.of(224 + i), bytes(sizes[i], i));
    }
    DhcpMessage m = offer(b.build()).build();
    assertEquals(726, encoder.encode(m).length);

    // 576 - 28 = 548 octets of payload: 293 left in the options field for 54 and 224-227 once
    // 53, 52, 82 and End are in; 226 (122 octets) goes to file (127), 227 (62) to sname (63).
    byte[] p = encoder.encode(m, 576);
    assertTrue(p.length <= 548, "payload " + p.length);
    assertEquals(List.of(53, 52, 54, 224, 225, 82), wireCodes(p, 240, p.length));
    assertEquals("340103", hex(Arrays.copyOfRange(p, 243, 246)));
    assertEquals(List.of(226), wireCodes(p, 108, 236));
    assertEquals(List.of(227), wireCodes(p, 44, 108));
    assertEquals(255, p[108 + 122] & 0xff, "End closes the file field");
    assertEquals(255, p[44 + 62] & 0xff, "End closes the sname field");

    DhcpMessage read = decoder.decode(p);
    assertEquals("", read.bootFileName());
    assertEquals("", read.serverName());
    for (int i = 0; i < sizes.length; i++) {
      assertArrayEquals(
          bytes(sizes[i], i), read.options().raw(DhcpOptionCode.of(224 + i)).orElseThrow());
    }
    assertArrayEquals(
        hex("0104deadbeef"),
        read.options().raw(DhcpOptionCode.RELAY_AGENT_INFORMATION).orElseThrow());
  }

  @Test
  void encodesIntoAReusedBufferExactlyAsIntoANewArray() {
    byte[] buffer = new byte[2048];
    Arrays.fill(buffer, (byte) 0x5a); // what the previous, longer packet left
    DhcpMessage discover = decoder.decodeRequest(golden("kea-docsis3-modem-relayed-discover.hex"));
    DhcpMessage shortReply =
        discover
            .replyBuilder(DhcpMessageType.OFFER)
            .options(
                DhcpOptions.builder()
                    .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.parse("10.0.0.1"))
                    .copy(DhcpOptionCode.RELAY_AGENT_INFORMATION, discover.options())
                    .build())
            .build();
    int length = encoder.encode(shortReply, 576, buffer);
    assertArrayEquals(encoder.encode(shortReply, 576), Arrays.copyOf(buffer, length));

    int[] sizes = {100, 100, 110, 50};
    DhcpOptions.Builder b = DhcpOptions.builder();
    for (int i = 0; i < sizes.length; i++) {
      b.bytes(DhcpOptionCode.of(224 + i), bytes(sizes[i], i));
    }
    DhcpMessage overloaded = offer(b.build()).build();
    length = encoder.encode(overloaded, 576, buffer);
    assertArrayEquals(encoder.encode(overloaded, 576), Arrays.copyOf(buffer, length));

    assertThrows(DhcpEncodeException.class, () -> encoder.encode(overloaded, 576, new byte[299]));
  }

  @Test
  void overloadUsesSnameWhenFileHoldsABootFileName() {
    DhcpOptions.Builder b = DhcpOptions.builder();
    for (int code = 224; code < 229; code++) {
      b.bytes(DhcpOptionCode.of(code), bytes(60, code));
    }
    DhcpMessage m = offer(b.build()).bootFileName("cm.cfg").build();
    byte[] p = encoder.encode(m, 576);
    assertTrue(p.length <= 548);
    assertEquals("340102", hex(Arrays.copyOfRange(p, 243, 246)));
    assertEquals(List.of(228), wireCodes(p, 44, 108));
    DhcpMessage read = decoder.decode(p);
    assertEquals("cm.cfg", read.bootFileName());
    assertEquals("", read.serverName());
    assertArrayEquals(bytes(60, 228), read.options().raw(DhcpOptionCode.of(228)).orElseThrow());
  }

  /**
   * Each option takes the first area with room: once one went to sname, a later small one still
   * fits the options field. Placed next-fit, the small one found sname full and the reply was not
   * sent, though it fitted.
   */
  @Test
  void aSmallOptionAfterOneThatWentToSnameStillGoesToTheOptionsField() {
    int[] sizes = {200, 70, 58, 10}; // the options field holds 301 octets here, sname 62
    DhcpOptions.Builder b = DhcpOptions.builder();
    for (int i = 0; i < sizes.length; i++) {
      b.bytes(DhcpOptionCode.of(224 + i), bytes(sizes[i], i));
    }
    DhcpMessage m = offer(b.build()).bootFileName("cm.cfg").build();
    byte[] p = encoder.encode(m, 576);
    assertTrue(p.length <= 548, "payload " + p.length);
    assertEquals(List.of(53, 52, 224, 225, 227), wireCodes(p, 240, p.length));
    assertEquals(List.of(226), wireCodes(p, 44, 108));
    DhcpMessage read = decoder.decode(p);
    for (int i = 0; i < sizes.length; i++) {
      assertArrayEquals(
          bytes(sizes[i], i), read.options().raw(DhcpOptionCode.of(224 + i)).orElseThrow());
    }
  }

  @Test
  void failsWhenOptionsDoNotFitEvenWithOverload() {
    DhcpMessage m =
        offer(DhcpOptions.builder().bytes(DhcpOptionCode.of(224), bytes(800, 0)).build()).build();
    assertThrows(DhcpEncodeException.class, () -> encoder.encode(m, 576));
    // 800 octets are four instances: 255, 255, 255 and 35.
    assertEquals(240 + 3 + 800 + 4 * 2 + 1, encoder.encode(m, 1500).length);
  }

  @Test
  void takesAMaximumBelow576As576() {
    DhcpOptions.Builder b = DhcpOptions.builder();
    b.bytes(DhcpOptionCode.of(224), bytes(250, 0));
    DhcpMessage m = offer(b.build()).build();
    byte[] p = encoder.encode(m, 300);
    assertArrayEquals(encoder.encode(m), p);
  }
}
