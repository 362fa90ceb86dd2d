package org.provisioning.dhcp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;

/**
 * Stands in for Jazzer until the fuzzing set-up exists: thousands of random and mutated packets
 * from a fixed seed. The decoder may only return a message or throw {@link DhcpDecodeException};
 * what it returns must survive every typed accessor and re-encode stably.
 */
class DhcpDecoderRobustnessTest {

  private static final long SEED = 0x5EED_D4C9L;
  private static final int ROUNDS = 6000;

  private static final List<byte[]> SEEDS =
      List.of(
          Packets.golden("kea-docsis3-modem-relayed-discover.hex"),
          Packets.golden("kea-erouter-relayed-discover.hex"),
          Packets.golden("kea-docsis3-modem-vivso-discover.hex"),
          Packets.golden("kea-genexis-discover-padded.hex"),
          Packets.golden("kea-bad-rai-relayed-discover.hex"),
          overloaded(),
          large());

  private final DhcpDecoder decoder = new DhcpDecoder();
  private final DhcpEncoder encoder = new DhcpEncoder();
  private int overloaded;

  /** A request too big for a 576-octet client maximum, to reach the encoder's overload path. */
  private static byte[] large() {
    StringBuilder options = new StringBuilder("350103");
    for (int code = 224; code < 236; code++) {
      options.append(Integer.toHexString(code)).append("1e").append("ab".repeat(30));
    }
    return Packets.request(options.append("ff").toString());
  }

  private static byte[] overloaded() {
    byte[] p = Packets.request("350101" + "340103" + "3d0701001122334455" + "ff");
    Packets.put(p, 108, "0c03636d31" + "ff");
    Packets.put(p, 44, "3c09646f63736973332e30" + "ff");
    return p;
  }

  /**
   * Instances of two codes met in turn (RFC 3396 joins each code's in order) fill a 4 KB request:
   * both values come out joined, and decoding it allocates about what the packet takes. Each
   * instance used to move its code's whole value to the end of a growing array: a megabyte for one
   * packet.
   */
  @Test
  void instancesOfTwoCodesMetInTurnAreJoinedWithoutGrowingPerInstance() {
    StringBuilder options = new StringBuilder("350101");
    int pairs = 0;
    while (options.length() / 2 + 8 + 236 + 4 < DhcpDecoder.DEFAULT_MAX_PACKET_SIZE) {
      options.append("0c02").append("6869").append("3c02").append("7879"); // "hi", "xy"
      pairs++;
    }
    byte[] packet = Packets.request(options.append("ff").toString());
    assertTrue(packet.length <= DhcpDecoder.DEFAULT_MAX_PACKET_SIZE, "" + packet.length);
    decoder.decodeRequest(packet, 0, packet.length); // the code paths compiled, classes loaded
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    DhcpMessage message = decoder.decodeRequest(packet, 0, packet.length);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals("hi".repeat(pairs), message.options().hostName().orElseThrow());
    assertEquals(
        2 * pairs,
        message.options().raw(DhcpOptionCode.VENDOR_CLASS_IDENTIFIER).orElseThrow().length);
    assertTrue(allocated < 128 << 10, allocated + " octets allocated for one packet");
  }

  @Test
  void decoderOnlyEverReturnsAMessageOrThrowsDhcpDecodeException() {
    SplittableRandom random = new SplittableRandom(SEED);
    Map<DhcpDecodeException.Reason, Integer> rejected =
        new EnumMap<>(DhcpDecodeException.Reason.class);
    int decoded = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] packet = next(random, round);
      try {
        DhcpMessage m = decoder.decodeRequest(packet);
        exercise(m);
        decoded++;
      } catch (DhcpDecodeException e) {
        rejected.merge(e.reason(), 1, Integer::sum);
      } catch (RuntimeException | AssertionError e) {
        fail("round " + round + " seed " + SEED + ": " + e + "\npacket " + Packets.hex(packet), e);
      }
    }
    // The mutations must reach both sides, or the test proves nothing.
    assertTrue(decoded > ROUNDS / 10, "decoded " + decoded);
    assertTrue(rejected.size() >= 6, "reasons met " + rejected);
    assertTrue(overloaded > 0, "no message reached the encoder's overload path");
  }

  private byte[] next(SplittableRandom random, int round) {
    switch (round % 4) {
      case 0:
        return pureNoise(random);
      case 1:
        return headerThenNoise(random);
      default:
        return mutate(SEEDS.get(random.nextInt(SEEDS.size())).clone(), random);
    }
  }

  private static byte[] pureNoise(SplittableRandom random) {
    byte[] p = new byte[random.nextInt(0, 700)];
    fill(random, p, 0, p.length);
    return p;
  }

  /** A plausible header and cookie, then random option octets: exercises the option framing. */
  private static byte[] headerThenNoise(SplittableRandom random) {
    byte[] p = new byte[240 + random.nextInt(0, 400)];
    byte[] header = Packets.request("");
    System.arraycopy(header, 0, p, 0, 240);
    fill(random, p, 240, p.length);
    if (p.length > 240 && random.nextBoolean()) {
      p[240] = 53;
      if (p.length > 242) {
        p[241] = 1;
        p[242] = (byte) random.nextInt(0, 20);
      }
    }
    return p;
  }

  private static byte[] mutate(byte[] p, SplittableRandom random) {
    int mutations = random.nextInt(1, 6);
    for (int i = 0; i < mutations; i++) {
      switch (random.nextInt(5)) {
        case 0 -> p[random.nextInt(p.length)] = (byte) random.nextInt(256);
        case 1 -> p[240 + random.nextInt(p.length - 240)] = (byte) random.nextInt(256);
        case 2 -> p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8));
        case 3 -> {
          byte[] shorter = new byte[random.nextInt(p.length)];
          System.arraycopy(p, 0, shorter, 0, shorter.length);
          return shorter;
        }
        default ->
            p[240 + random.nextInt(p.length - 240)] = (byte) (random.nextBoolean() ? 0 : 255);
      }
    }
    return p;
  }

  private static void fill(SplittableRandom random, byte[] p, int from, int to) {
    for (int i = from; i < to; i++) {
      p[i] = (byte) random.nextInt(256);
    }
  }

  /** Every accessor must cope with whatever was decoded, and re-encoding must be stable. */
  private void exercise(DhcpMessage m) {
    m.messageType();
    m.clientHardwareAddress().macAddress();
    m.toString();
    DhcpOptions o = m.options();
    o.toString();
    o.malformedCodes();
    o.subnetMask();
    o.timeOffset();
    o.routers();
    o.domainNameServers();
    o.hostName();
    o.domainName();
    o.requestedIpAddress();
    o.leaseTime();
    o.overload();
    o.serverIdentifier();
    o.parameterRequestList();
    o.maxMessageSize();
    o.vendorClassIdentifier();
    o.clientIdentifier();
    o.clientFqdn();
    o.relayAgentInformation().ifPresent(r -> r.vendorSpecific());
    o.subnetSelection();
    o.docsisDeviceInformation().ifPresent(d -> d.vendorOui());
    o.cableLabsClientConfiguration()
        .ifPresent(
            c -> {
              c.provisioningServerFqdn();
              c.asReqAsRepBackoff();
              c.kerberosRealm();
            });
    o.vendorClasses();
    o.vendorIdentifyingOptions().ifPresent(v -> v.cableLabsOptionRequest());

    byte[] once = encoder.encode(m);
    byte[] twice = encoder.encode(decoder.decodeRequest(once));
    assertArrayEquals(once, twice, "encode(decode(encode(m))) must equal encode(m)");
    try {
      byte[] limited = encoder.encode(m, 576 + random(m));
      if (limited.length != once.length) {
        overloaded++;
        assertTrue(limited.length <= 576 + random(m) - 28, "within the client's maximum");
        DhcpOptions back = decoder.decodeRequest(limited).options();
        for (int i = 0; i < o.size(); i++) {
          if (o.codeAt(i) != DhcpOptionCode.OPTION_OVERLOAD) {
            assertArrayEquals(
                o.raw(o.codeAt(i)).orElseThrow(),
                back.raw(o.codeAt(i)).orElseThrow(),
                o.codeAt(i) + " survives overload");
          }
        }
      }
    } catch (DhcpEncodeException tooBig) {
      // Allowed: the options do not fit that maximum even with overload.
    }
  }

  /** A client maximum that varies with the message, to reach the overload path sometimes. */
  private static int random(DhcpMessage m) {
    return m.transactionId() & 0x7f;
  }
}
