package org.provisioning.tftp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.provisioning.tftp.message.TftpPacket;

/**
 * Jazzer on the TFTP decoder. In the normal test run it replays the seed corpus in {@code
 * TftpDecoderFuzzTestInputs/} (regression mode, well under a second); {@code JAZZER_FUZZ=1 ./mvnw
 * -pl tftp -am test -Dtest=TftpDecoderFuzzTest} fuzzes for real and adds every crash to that
 * corpus.
 *
 * <p>The property: any octets either decode or fail with {@link TftpDecodeException}, never another
 * exception; and whatever decodes encodes to octets that decode to the same packet.
 */
class TftpDecoderFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decodesAnythingOrRefusesItWithAReason(byte[] datagram) {
    TftpPacket packet;
    try {
      packet = TftpCodec.decode(datagram, datagram.length);
    } catch (TftpDecodeException refused) {
      return;
    }
    // Whatever decodes survives a round trip unchanged (octets after an ACK's block number or an
    // ERROR's NUL are tolerated on input, as some embedded clients pad them, and not kept).
    byte[] encoded = TftpCodec.encode(packet);
    try {
      assertEquals(packet, TftpCodec.decode(encoded, encoded.length));
    } catch (TftpDecodeException e) {
      throw new AssertionError("a packet we encoded does not decode: " + packet, e);
    }
    if (packet instanceof TftpPacket.Data) {
      assertArrayEquals(datagram, encoded);
    }
  }
}
