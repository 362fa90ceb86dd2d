package org.provisioning.tftp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.provisioning.tftp.codec.TftpDecodeException.Reason;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpMode;
import org.provisioning.tftp.message.TftpPacket;

class TftpCodecTest {

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  private static TftpPacket decode(byte[] bytes) throws TftpDecodeException {
    return TftpCodec.decode(bytes, bytes.length);
  }

  /** RRQ "cm.cfg" octet with blksize 1428 and tsize 0, laid out as in RFC 2347 section 2. */
  private static final byte[] RRQ_WITH_OPTIONS =
      hex("0001 636d2e63666700 6f6374657400 626c6b73697a6500 3134323800" + " 7473697a6500 3000");

  @Test
  void decodesARequestWithOptionsAndEncodesItBackByteForByte() throws Exception {
    TftpPacket.Request request = (TftpPacket.Request) decode(RRQ_WITH_OPTIONS);
    assertEquals(false, request.write());
    assertEquals("cm.cfg", request.filename());
    assertEquals(TftpMode.OCTET, request.mode());
    assertEquals(Map.of("blksize", "1428", "tsize", "0"), request.options());
    assertEquals(
        java.util.List.of("blksize", "tsize"), java.util.List.copyOf(request.options().keySet()));
    assertArrayEquals(RRQ_WITH_OPTIONS, TftpCodec.encode(request));
  }

  @Test
  void optionNamesAndModesAreCaseInsensitive() throws Exception {
    TftpPacket.Request request =
        (TftpPacket.Request)
            decode("\0\2up.bin\0OCTET\0BlkSize\0001024\0".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(true, request.write());
    assertEquals(TftpMode.OCTET, request.mode());
    assertEquals(Map.of("blksize", "1024"), request.options());
  }

  @Test
  void roundTripsEveryOtherPacket() throws Exception {
    assertEquals(new TftpPacket.Ack(65535), decode(hex("0004ffff")));
    assertArrayEquals(hex("0004ffff"), TftpCodec.encode(new TftpPacket.Ack(65535)));
    TftpPacket.Data data = new TftpPacket.Data(7, new byte[] {1, 2, 3});
    assertArrayEquals(hex("0003 0007 010203"), TftpCodec.encode(data));
    assertEquals(data, decode(hex("0003 0007 010203")));
    assertEquals(new TftpPacket.Data(1, new byte[0]), decode(hex("00030001")));
    TftpPacket.Error error = new TftpPacket.Error(TftpErrorCode.FILE_NOT_FOUND, "no");
    assertArrayEquals(hex("0005 0001 6e6f00"), TftpCodec.encode(error));
    assertEquals(error, decode(hex("0005 0001 6e6f00")));
    Map<String, String> options = new LinkedHashMap<>();
    options.put("blksize", "1428");
    options.put("tsize", "1024");
    TftpPacket.OptionAck oack = new TftpPacket.OptionAck(options);
    assertEquals(oack, decode(TftpCodec.encode(oack)));
  }

  @Test
  void anErrorWithoutItsNulIsStillAnError() throws Exception {
    assertEquals(
        new TftpPacket.Error(TftpErrorCode.OPTION_REFUSED, "nope"),
        decode(hex("0005 0008 6e6f7065")));
    assertEquals("UNKNOWN(99)", new TftpErrorCode(99).toString());
    assertEquals("OPTION_REFUSED(8)", TftpErrorCode.OPTION_REFUSED.toString());
  }

  @Test
  void refusesMalformedDatagramsWithAReasonEach() {
    assertReason(Reason.TRUNCATED, hex(""));
    assertReason(Reason.TRUNCATED, hex("00"));
    assertReason(Reason.TRUNCATED, hex("0004 01"));
    assertReason(Reason.UNKNOWN_OPCODE, hex("0000"));
    assertReason(Reason.UNKNOWN_OPCODE, hex("0007 0001"));
    assertReason(Reason.UNKNOWN_OPCODE, hex("ffff"));
    assertReason(Reason.UNTERMINATED_STRING, "\0\1cm.cfg".getBytes(StandardCharsets.ISO_8859_1));
    assertReason(
        Reason.UNTERMINATED_STRING, "\0\1cm.cfg\0octet".getBytes(StandardCharsets.ISO_8859_1));
    assertReason(Reason.EMPTY_FILENAME, "\0\1\0octet\0".getBytes(StandardCharsets.ISO_8859_1));
    assertReason(Reason.UNKNOWN_MODE, "\0\1a\0binary\0".getBytes(StandardCharsets.ISO_8859_1));
    // The NUL trick: "cm.cfg\0.txt" ends the name at the NUL and leaves ".txt" as the mode.
    assertReason(
        Reason.UNKNOWN_MODE, "\0\1cm.cfg\0.txt\0octet\0".getBytes(StandardCharsets.ISO_8859_1));
    assertReason(
        Reason.DUPLICATE_OPTION,
        "\0\1a\0octet\0tsize\0000\0TSIZE\0000\0".getBytes(StandardCharsets.ISO_8859_1));
    assertReason(Reason.BAD_OPTION, "\0\1a\0octet\0\0000\0".getBytes(StandardCharsets.ISO_8859_1));
    StringBuilder storm = new StringBuilder("\0\1a\0octet\0");
    for (int i = 0; i < 17; i++) {
      storm.append("x").append(i).append("\0").append("1\0");
    }
    assertReason(Reason.OPTION_STORM, storm.toString().getBytes(StandardCharsets.ISO_8859_1));
    assertReason(Reason.OVERSIZED, concat(hex("0001"), new byte[2000]));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void assertReason(Reason reason, byte[] datagram) {
    TftpDecodeException e = assertThrows(TftpDecodeException.class, () -> decode(datagram));
    assertEquals(reason, e.reason(), e.getMessage());
  }
}
