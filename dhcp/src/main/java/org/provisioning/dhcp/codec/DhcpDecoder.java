package org.provisioning.dhcp.codec;

import static org.provisioning.dhcp.codec.DhcpDecodeException.Reason.BAD_HLEN;
import static org.provisioning.dhcp.codec.DhcpDecodeException.Reason.BAD_MAGIC_COOKIE;
import static org.provisioning.dhcp.codec.DhcpDecodeException.Reason.BAD_MESSAGE_TYPE;
import static org.provisioning.dhcp.codec.DhcpDecodeException.Reason.BAD_OP;
import static org.provisioning.dhcp.codec.DhcpDecodeException.Reason.NOT_BOOTREQUEST;
import static org.provisioning.dhcp.codec.DhcpDecodeException.Reason.NO_MESSAGE_TYPE;
import static org.provisioning.dhcp.codec.DhcpDecodeException.Reason.OPTION_OVERRUNS_PACKET;
import static org.provisioning.dhcp.codec.DhcpDecodeException.Reason.OVERSIZED;
import static org.provisioning.dhcp.codec.DhcpDecodeException.Reason.TRUNCATED_HEADER;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.message.BootOp;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.message.HardwareAddress;
import org.provisioning.dhcp.message.HardwareType;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;

/**
 * Reads a DHCPv4 packet (the UDP payload) into a {@link DhcpMessage}. Stateless and thread-safe.
 *
 * <p>Errors are graded, as ISC Kea grades them:
 *
 * <ul>
 *   <li><b>Rejected</b> with {@link DhcpDecodeException} (the server drops and counts the packet):
 *       the packet is oversized, the fixed header is short, {@code op} or {@code hlen} is
 *       impossible, the magic cookie is wrong, an option runs past its area, or option 53 is
 *       missing, not one octet or unknown. See {@link DhcpDecodeException.Reason}.
 *   <li><b>Kept and flagged</b>: an option whose framing is fine but whose value does not fit its
 *       definition (a 3-octet subnet mask, a broken option 82 sub-option) is stored raw, reported
 *       by {@link DhcpOptions#isMalformed} and ignored by typed accessors; the rest is served.
 *   <li><b>Tolerated</b>: a missing End option (the end of the area ends the options, as Kea reads
 *       it; RFC 2131 §4.1 asks senders for End, it does not tell receivers to drop), pad options
 *       anywhere, octets after End, an option 52 whose value is not 1, 2 or 3 (then {@code file}
 *       and {@code sname} are read as names, and the option is kept as received).
 * </ul>
 *
 * <p>Options are read from the options field, then {@code file}, then {@code sname} when option 52
 * says so (RFC 2131 §4.1); instances of one code are joined in that order (RFC 3396 §7). The
 * received order of codes is kept, so encoding the result reproduces the packet. Option 52 itself
 * stays in the collection as received; an option 52 inside {@code file} or {@code sname} is
 * ignored, overload cannot nest.
 *
 * <p>Any other exception escaping this class is a bug; a fixed-seed fuzz test guards that.
 */
public final class DhcpDecoder {

  /**
   * Default upper bound of a packet, in octets. Requests are rarely above 600; a relayed one with a
   * big option 82 or a modem's capability list stays well under 1,500. The bound caps the work a
   * single datagram can cause.
   */
  public static final int DEFAULT_MAX_PACKET_SIZE = 4096;

  /** Fixed header, up to and including {@code file} (RFC 2131 §2). */
  static final int FIXED_HEADER_LENGTH = 236;

  /** The magic cookie 99.130.83.99 (RFC 2131 §3). */
  static final int MAGIC_COOKIE = 0x63825363;

  static final int SNAME_OFFSET = 44;
  static final int FILE_OFFSET = 108;
  static final int OPTIONS_OFFSET = 240;

  private final int maxPacketSize;

  public DhcpDecoder() {
    this(DEFAULT_MAX_PACKET_SIZE);
  }

  /**
   * @param maxPacketSize octets above which a packet is rejected as {@code oversized}
   */
  public DhcpDecoder(int maxPacketSize) {
    if (maxPacketSize < OPTIONS_OFFSET) {
      throw new IllegalArgumentException("a limit below 240 octets rejects every packet");
    }
    this.maxPacketSize = maxPacketSize;
  }

  /** Decodes any DHCP message, request or reply (a client, a relay, a test harness). */
  public DhcpMessage decode(byte[] packet) {
    return decode(packet, 0, packet.length, false);
  }

  public DhcpMessage decode(byte[] packet, int offset, int length) {
    return decode(packet, offset, length, false);
  }

  /** Decodes the remaining octets of a buffer; its position and limit are left as they were. */
  public DhcpMessage decode(ByteBuffer packet) {
    return decodeBuffer(packet, false);
  }

  /**
   * Decodes a packet a server received: as {@link #decode(byte[])}, and rejects a BOOTREPLY as
   * {@code not_bootrequest} (RFC 2131 §4.1: a server only processes BOOTREQUEST).
   */
  public DhcpMessage decodeRequest(byte[] packet) {
    return decode(packet, 0, packet.length, true);
  }

  public DhcpMessage decodeRequest(byte[] packet, int offset, int length) {
    return decode(packet, offset, length, true);
  }

  public DhcpMessage decodeRequest(ByteBuffer packet) {
    return decodeBuffer(packet, true);
  }

  private DhcpMessage decodeBuffer(ByteBuffer buffer, boolean requestOnly) {
    int length = buffer.remaining();
    if (buffer.hasArray()) {
      return decode(buffer.array(), buffer.arrayOffset() + buffer.position(), length, requestOnly);
    }
    if (length > maxPacketSize) {
      throw oversized(length);
    }
    byte[] copy = new byte[length];
    buffer.duplicate().get(copy);
    return decode(copy, 0, length, requestOnly);
  }

  private DhcpDecodeException oversized(int length) {
    return new DhcpDecodeException(
        OVERSIZED, length + " octets, more than the limit of " + maxPacketSize);
  }

  private DhcpMessage decode(byte[] p, int off, int len, boolean requestOnly) {
    if (off < 0 || len < 0 || off + len > p.length) {
      throw new IndexOutOfBoundsException("offset " + off + " length " + len);
    }
    if (len > maxPacketSize) {
      throw oversized(len);
    }
    if (len < OPTIONS_OFFSET) {
      throw new DhcpDecodeException(
          TRUNCATED_HEADER, len + " octets, fewer than the 240 of header and cookie");
    }
    int opCode = p[off] & 0xff;
    BootOp op = opCode == 1 ? BootOp.BOOTREQUEST : opCode == 2 ? BootOp.BOOTREPLY : null;
    if (op == null) {
      throw new DhcpDecodeException(BAD_OP, "op " + opCode);
    }
    if (requestOnly && op != BootOp.BOOTREQUEST) {
      throw new DhcpDecodeException(NOT_BOOTREQUEST, "op " + opCode);
    }
    int hlen = p[off + 2] & 0xff;
    if (hlen > HardwareAddress.MAX_LENGTH) {
      throw new DhcpDecodeException(BAD_HLEN, "hlen " + hlen + " exceeds the 16 octets of chaddr");
    }
    int cookie = readInt(p, off + FIXED_HEADER_LENGTH);
    if (cookie != MAGIC_COOKIE) {
      throw new DhcpDecodeException(BAD_MAGIC_COOKIE, "cookie " + Integer.toHexString(cookie));
    }

    int end = off + len;
    DhcpOptions.Builder options = DhcpOptions.receivedOrderBuilder(len - OPTIONS_OFFSET);
    int overload = scan(p, off + OPTIONS_OFFSET, end, options, true, "options");
    if ((overload & 1) != 0) {
      scan(p, off + FILE_OFFSET, off + FIXED_HEADER_LENGTH, options, false, "file");
    }
    if ((overload & 2) != 0) {
      scan(p, off + SNAME_OFFSET, off + FILE_OFFSET, options, false, "sname");
    }
    DhcpOptions built = options.build();

    int typeIndex = built.indexOf(DhcpOptionCode.DHCP_MESSAGE_TYPE);
    if (typeIndex < 0) {
      throw new DhcpDecodeException(NO_MESSAGE_TYPE, "no option 53");
    }
    if (built.valueLength(typeIndex) != 1) {
      throw new DhcpDecodeException(
          BAD_MESSAGE_TYPE, "option 53 has " + built.valueLength(typeIndex) + " octets");
    }
    int typeCode = built.uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE).getAsInt();
    if (DhcpMessageType.fromCode(typeCode).isEmpty()) {
      throw new DhcpDecodeException(BAD_MESSAGE_TYPE, "message type " + typeCode);
    }

    return new DhcpMessage(
        op,
        HardwareAddress.of(HardwareType.of(p[off + 1] & 0xff), p, off + 28, hlen),
        p[off + 3] & 0xff,
        readInt(p, off + 4),
        (p[off + 8] & 0xff) << 8 | (p[off + 9] & 0xff),
        (p[off + 10] & 0xff) << 8 | (p[off + 11] & 0xff),
        new Ipv4Address(readInt(p, off + 12)),
        new Ipv4Address(readInt(p, off + 16)),
        new Ipv4Address(readInt(p, off + 20)),
        new Ipv4Address(readInt(p, off + 24)),
        (overload & 2) != 0 ? "" : text(p, off + SNAME_OFFSET, 64),
        (overload & 1) != 0 ? "" : text(p, off + FILE_OFFSET, 128),
        built);
  }

  /**
   * Frames the options of one area into the builder.
   *
   * @return for the options field, the option 52 value if it is a valid one (1-3), else 0
   */
  private static int scan(
      byte[] p, int from, int end, DhcpOptions.Builder options, boolean optionsField, String area) {
    int i = from;
    while (i < end) {
      int code = p[i] & 0xff;
      if (code == 0) {
        i++;
        continue;
      }
      if (code == 255) {
        break;
      }
      if (i + 1 >= end) {
        throw new DhcpDecodeException(
            OPTION_OVERRUNS_PACKET, "option " + code + " has no length octet in " + area);
      }
      int len = p[i + 1] & 0xff;
      if (i + 2 + len > end) {
        throw new DhcpDecodeException(
            OPTION_OVERRUNS_PACKET,
            "option " + code + " of " + len + " octets overruns the " + area + " area");
      }
      if (optionsField || code != 52) {
        options.append(DhcpOptionCode.of(code), p, i + 2, len);
      }
      i += 2 + len;
    }
    if (!optionsField) {
      return 0;
    }
    byte[] overload = options.peek(DhcpOptionCode.OPTION_OVERLOAD);
    if (overload == null || overload.length != 1 || overload[0] < 1 || overload[0] > 3) {
      return 0;
    }
    return overload[0];
  }

  private static String text(byte[] p, int from, int max) {
    int n = 0;
    while (n < max && p[from + n] != 0) {
      n++;
    }
    return n == 0 ? "" : new String(p, from, n, StandardCharsets.ISO_8859_1);
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }
}
