package org.provisioning.tftp.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.provisioning.tftp.codec.TftpDecodeException.Reason;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpMode;
import org.provisioning.tftp.message.TftpOpcode;
import org.provisioning.tftp.message.TftpPacket;

/**
 * The TFTP wire format. Strings are read as ISO-8859-1, so every octet of a file name survives to
 * the path checks. Stateless and thread-safe.
 */
public final class TftpCodec {
  /** RFC 2347: "the request packet ... must not exceed 512 octets"; we grant a full MTU. */
  public static final int MAX_REQUEST = 1468;

  /** More options than RFC 2347-2349 and 7440 define together, with room for vendor ones. */
  public static final int MAX_OPTIONS = 16;

  /** RFC 2348: the largest blksize, and so the largest DATA payload. */
  public static final int MAX_BLOCK = 65464;

  private TftpCodec() {}

  /** Decodes a whole datagram. */
  public static TftpPacket decode(byte[] datagram, int length) throws TftpDecodeException {
    return decode(ByteBuffer.wrap(datagram, 0, length));
  }

  /** Decodes the buffer's remaining octets, which must be array-backed. */
  public static TftpPacket decode(ByteBuffer in) throws TftpDecodeException {
    if (in.remaining() < 2) {
      throw new TftpDecodeException(Reason.TRUNCATED, in.remaining() + " octets, no opcode");
    }
    int code = in.getShort() & 0xFFFF;
    TftpOpcode opcode = TftpOpcode.of(code);
    if (opcode == null) {
      throw new TftpDecodeException(Reason.UNKNOWN_OPCODE, "opcode " + code);
    }
    return switch (opcode) {
      case RRQ, WRQ -> request(in, opcode == TftpOpcode.WRQ);
      case DATA -> {
        int block = block(in);
        if (in.remaining() > MAX_BLOCK) {
          throw new TftpDecodeException(Reason.OVERSIZED, "DATA of " + in.remaining());
        }
        byte[] data = new byte[in.remaining()];
        in.get(data);
        yield new TftpPacket.Data(block, data);
      }
      case ACK -> new TftpPacket.Ack(block(in));
      case ERROR -> {
        int errorCode = block(in);
        // Some clients send no terminating NUL on the message: take what is there.
        String message = in.hasRemaining() ? lenientString(in) : "";
        yield new TftpPacket.Error(new TftpErrorCode(errorCode), message);
      }
      case OACK -> new TftpPacket.OptionAck(options(in));
    };
  }

  private static int block(ByteBuffer in) throws TftpDecodeException {
    if (in.remaining() < 2) {
      throw new TftpDecodeException(Reason.TRUNCATED, "no block number");
    }
    return in.getShort() & 0xFFFF;
  }

  private static TftpPacket.Request request(ByteBuffer in, boolean write)
      throws TftpDecodeException {
    if (in.remaining() + 2 > MAX_REQUEST) {
      throw new TftpDecodeException(Reason.OVERSIZED, "request of " + (in.remaining() + 2));
    }
    String filename = string(in);
    if (filename.isEmpty()) {
      throw new TftpDecodeException(Reason.EMPTY_FILENAME, "empty file name");
    }
    String modeName = string(in);
    TftpMode mode = TftpMode.of(modeName);
    if (mode == null) {
      throw new TftpDecodeException(Reason.UNKNOWN_MODE, "mode '" + modeName + "'");
    }
    return new TftpPacket.Request(write, filename, mode, options(in));
  }

  private static Map<String, String> options(ByteBuffer in) throws TftpDecodeException {
    Map<String, String> options = new LinkedHashMap<>();
    while (in.hasRemaining()) {
      String name = string(in).toLowerCase(Locale.ROOT);
      String value = string(in);
      if (name.isEmpty()) {
        throw new TftpDecodeException(Reason.BAD_OPTION, "option without a name");
      }
      if (options.size() == MAX_OPTIONS) {
        throw new TftpDecodeException(Reason.OPTION_STORM, "more than " + MAX_OPTIONS + " options");
      }
      if (options.putIfAbsent(name, value) != null) {
        throw new TftpDecodeException(Reason.DUPLICATE_OPTION, "option " + name + " twice");
      }
    }
    return options;
  }

  private static String string(ByteBuffer in) throws TftpDecodeException {
    int start = in.position();
    for (int i = start; i < in.limit(); i++) {
      if (in.get(i) == 0) {
        String value =
            new String(
                in.array(), in.arrayOffset() + start, i - start, StandardCharsets.ISO_8859_1);
        in.position(i + 1);
        return value;
      }
    }
    throw new TftpDecodeException(Reason.UNTERMINATED_STRING, "string without its NUL");
  }

  private static String lenientString(ByteBuffer in) {
    int end = in.position();
    while (end < in.limit() && in.get(end) != 0) {
      end++;
    }
    String value =
        new String(
            in.array(),
            in.arrayOffset() + in.position(),
            end - in.position(),
            StandardCharsets.ISO_8859_1);
    in.position(Math.min(end + 1, in.limit()));
    return value;
  }

  public static byte[] encode(TftpPacket packet) {
    if (packet instanceof TftpPacket.Request r) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(64);
      opcode(out, r.opcode());
      string(out, r.filename());
      string(out, r.mode().wireName());
      options(out, r.options());
      return out.toByteArray();
    } else if (packet instanceof TftpPacket.Data d) {
      return data(d.block(), d.data(), 0, d.data().length);
    } else if (packet instanceof TftpPacket.Ack a) {
      return new byte[] {0, 4, (byte) (a.block() >>> 8), (byte) a.block()};
    } else if (packet instanceof TftpPacket.Error e) {
      return error(e.code(), e.message());
    } else {
      ByteArrayOutputStream out = new ByteArrayOutputStream(64);
      opcode(out, TftpOpcode.OACK);
      options(out, ((TftpPacket.OptionAck) packet).options());
      return out.toByteArray();
    }
  }

  private static void options(ByteArrayOutputStream out, Map<String, String> options) {
    options.forEach(
        (name, value) -> {
          string(out, name);
          string(out, value);
        });
  }

  /** A DATA packet of {@code length} octets of {@code payload} from {@code offset}. */
  public static byte[] data(int block, byte[] payload, int offset, int length) {
    byte[] packet = new byte[4 + length];
    packet[1] = 3;
    packet[2] = (byte) (block >>> 8);
    packet[3] = (byte) block;
    System.arraycopy(payload, offset, packet, 4, length);
    return packet;
  }

  public static byte[] error(TftpErrorCode code, String message) {
    byte[] text = message.getBytes(StandardCharsets.ISO_8859_1);
    byte[] packet = new byte[5 + text.length];
    packet[1] = 5;
    packet[2] = (byte) (code.code() >>> 8);
    packet[3] = (byte) code.code();
    System.arraycopy(text, 0, packet, 4, text.length);
    return packet;
  }

  private static void opcode(ByteArrayOutputStream out, TftpOpcode opcode) {
    out.write(0);
    out.write(opcode.code());
  }

  private static void string(ByteArrayOutputStream out, String value) {
    out.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
    out.write(0);
  }
}
