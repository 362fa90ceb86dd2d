package org.provisioning.dhcp.codec;

import static org.provisioning.dhcp.codec.DhcpDecoder.FILE_OFFSET;
import static org.provisioning.dhcp.codec.DhcpDecoder.FIXED_HEADER_LENGTH;
import static org.provisioning.dhcp.codec.DhcpDecoder.MAGIC_COOKIE;
import static org.provisioning.dhcp.codec.DhcpDecoder.OPTIONS_OFFSET;
import static org.provisioning.dhcp.codec.DhcpDecoder.SNAME_OFFSET;

import java.util.Arrays;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;

/**
 * Writes a {@link DhcpMessage} as a DHCPv4 packet (the UDP payload). Stateless and thread-safe.
 *
 * <ul>
 *   <li>Options go out in the collection's order, except that option 53 is written first and option
 *       82 last, just before End (RFC 3046 §2.1). A collection from {@link DhcpOptions#builder()}
 *       is already in the order 53, 54, ascending, 82; a decoded one keeps the received order, so
 *       decoding and encoding reproduces a packet.
 *   <li>A value longer than 255 octets is split into consecutive instances (RFC 3396 §6).
 *   <li>Option 52 is framing: the encoder decides it. One present in the collection (a decoded
 *       request had it) is not written; the encoder writes its own when it overloads.
 *   <li>The packet is padded with zeros to 300 octets, the size of a BOOTP message with its
 *       64-octet vendor area (RFC 951), which some clients and relays still insist on.
 * </ul>
 */
public final class DhcpEncoder {

  /** Smallest packet written: BOOTP's 236-octet header plus its 64-octet vendor area. */
  public static final int MIN_PACKET_SIZE = 300;

  /**
   * The IP datagram every DHCP client must accept (RFC 2131 §2), and the least legal value of
   * option 57 (RFC 2132 §9.10).
   */
  public static final int MIN_MAX_MESSAGE_SIZE = 576;

  /** IPv4 header without options plus UDP header: option 57 counts them, the payload does not. */
  static final int IP_UDP_HEADERS = 28;

  private static final int CODE_53 = DhcpOptionCode.DHCP_MESSAGE_TYPE.code();
  private static final int CODE_52 = DhcpOptionCode.OPTION_OVERLOAD.code();
  private static final int CODE_82 = DhcpOptionCode.RELAY_AGENT_INFORMATION.code();

  /** Encodes with every option in the options field, however long the packet gets. */
  public byte[] encode(DhcpMessage message) {
    byte[] out = new byte[Math.max(MIN_PACKET_SIZE, plainLength(message.options()))];
    writePlain(message, out);
    return out;
  }

  /** Header, cookie, every option in the options field, End; {@code out} is zero and sized. */
  private static void writePlain(DhcpMessage message, byte[] out) {
    writeHeader(message, out, false, false);
    DhcpOptions o = message.options();
    int type = -1;
    int relay = -1;
    for (int pos = 0; pos < o.size(); pos++) {
      int code = o.codeAt(pos).code();
      if (code == CODE_53) {
        type = pos;
      } else if (code == CODE_82) {
        relay = pos;
      }
    }
    int at = OPTIONS_OFFSET;
    if (type >= 0) {
      at = writeOption(o, type, 0, o.valueLength(type), out, at);
    }
    for (int pos = 0; pos < o.size(); pos++) {
      int code = o.codeAt(pos).code();
      if (code != CODE_53 && code != CODE_82 && code != CODE_52) {
        at = writeOption(o, pos, 0, o.valueLength(pos), out, at);
      }
    }
    if (relay >= 0) {
      at = writeOption(o, relay, 0, o.valueLength(relay), out, at);
    }
    out[at] = (byte) 0xff;
  }

  /**
   * Encodes a reply for a client that accepts IP datagrams of at most {@code maxMessageSize} octets
   * (its option 57; RFC 2132 §9.10 counts IP and UDP headers, so the DHCP payload may use {@code
   * maxMessageSize - 28}). A value below 576 is taken as 576. If the options do not fit the options
   * field, they overflow into {@code file} and then {@code sname} (RFC 2131 §4.1, RFC 2132 §9.3),
   * whichever the message leaves empty; options 53 and 82 stay in the options field.
   *
   * @throws DhcpEncodeException if the options do not fit even so
   */
  public byte[] encode(DhcpMessage message, int maxMessageSize) {
    int limit = Math.max(MIN_MAX_MESSAGE_SIZE, maxMessageSize) - IP_UDP_HEADERS;
    if (plainLength(message.options()) <= limit) {
      return encode(message);
    }
    return encodeOverloaded(message, limit);
  }

  /**
   * As {@link #encode(DhcpMessage, int)}, into {@code out} from its start instead of a new array:
   * for a server that sends from one buffer per thread. Returns the packet's length.
   *
   * @throws DhcpEncodeException as {@link #encode(DhcpMessage, int)}, or if {@code out} is too
   *     short for the packet
   */
  public int encode(DhcpMessage message, int maxMessageSize, byte[] out) {
    int limit = Math.max(MIN_MAX_MESSAGE_SIZE, maxMessageSize) - IP_UDP_HEADERS;
    int plain = plainLength(message.options());
    if (plain > limit) {
      byte[] overloaded = encodeOverloaded(message, limit);
      checkRoom(overloaded.length, out);
      System.arraycopy(overloaded, 0, out, 0, overloaded.length);
      return overloaded.length;
    }
    int length = Math.max(MIN_PACKET_SIZE, plain);
    checkRoom(length, out);
    Arrays.fill(out, 0, length, (byte) 0);
    writePlain(message, out);
    return length;
  }

  private static void checkRoom(int length, byte[] out) {
    if (length > out.length) {
      throw new DhcpEncodeException(
          "a packet of " + length + " octets does not fit a buffer of " + out.length);
    }
  }

  /** The DHCP payload a client's option 57 allows: at least 576 octets, less IP and UDP headers. */
  private static int payloadLimit(int maxMessageSize) {
    return Math.max(MIN_MAX_MESSAGE_SIZE, maxMessageSize) - IP_UDP_HEADERS;
  }

  /** Header, cookie, options, End: the length without padding or overload. */
  private static int plainLength(DhcpOptions o) {
    int n = OPTIONS_OFFSET + 1;
    for (int pos = 0; pos < o.size(); pos++) {
      if (o.codeAt(pos).code() != CODE_52) {
        n += encodedLength(o.valueLength(pos));
      }
    }
    return n;
  }

  /** Octets of one option on the wire, split into 255-octet instances if long. */
  static int encodedLength(int valueLength) {
    if (valueLength == 0) {
      return 2;
    }
    return valueLength + 2 * ((valueLength + 254) / 255);
  }

  /** Writes {@code len} value octets from {@code from} as one or more instances. */
  private static int writeOption(DhcpOptions o, int pos, int from, int len, byte[] out, int at) {
    int code = o.codeAt(pos).code();
    if (len == 0) {
      out[at] = (byte) code;
      out[at + 1] = 0;
      return at + 2;
    }
    int done = 0;
    while (done < len) {
      int chunk = Math.min(255, len - done);
      out[at] = (byte) code;
      out[at + 1] = (byte) chunk;
      o.copyValue(pos, from + done, out, at + 2, chunk);
      at += 2 + chunk;
      done += chunk;
    }
    return at;
  }

  private static void writeHeader(
      DhcpMessage m, byte[] out, boolean fileHoldsOptions, boolean snameHoldsOptions) {
    out[0] = (byte) m.op().code();
    out[1] = (byte) m.clientHardwareAddress().type().code();
    out[2] = (byte) m.clientHardwareAddress().length();
    out[3] = (byte) m.hops();
    writeInt(out, 4, m.transactionId());
    out[8] = (byte) (m.secondsElapsed() >>> 8);
    out[9] = (byte) m.secondsElapsed();
    out[10] = (byte) (m.flags() >>> 8);
    out[11] = (byte) m.flags();
    writeInt(out, 12, m.clientAddress().value());
    writeInt(out, 16, m.yourAddress().value());
    writeInt(out, 20, m.nextServerAddress().value());
    writeInt(out, 24, m.relayAgentAddress().value());
    m.clientHardwareAddress().copyTo(out, 28);
    if (!snameHoldsOptions) {
      writeText(m.serverName(), out, SNAME_OFFSET);
    }
    if (!fileHoldsOptions) {
      writeText(m.bootFileName(), out, FILE_OFFSET);
    }
    writeInt(out, FIXED_HEADER_LENGTH, MAGIC_COOKIE);
  }

  private static void writeText(String text, byte[] out, int at) {
    // DhcpMessage guarantees one octet per char and the field's length.
    for (int i = 0; i < text.length(); i++) {
      out[at + i] = (byte) text.charAt(i);
    }
  }

  private static void writeInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  // ---------------------------------------------------------------- overload (rare path)

  private static final int AREA_OPTIONS = 0;
  private static final int AREA_FILE = 1;
  private static final int AREA_SNAME = 2;

  private static byte[] encodeOverloaded(DhcpMessage m, int limit) {
    DhcpOptions o = m.options();
    int type = o.indexOf(DhcpOptionCode.DHCP_MESSAGE_TYPE);
    int relay = o.indexOf(DhcpOptionCode.RELAY_AGENT_INFORMATION);
    int pinned = encodedLength(o.valueLength(type)) + 3; // 53 and the 52 we add
    if (relay >= 0) {
      pinned += encodedLength(o.valueLength(relay));
    }
    int[] capacity = {
      limit - OPTIONS_OFFSET - 1 - pinned,
      m.bootFileName().isEmpty() ? DhcpMessage.BOOT_FILE_NAME_LENGTH - 1 : -1,
      m.serverName().isEmpty() ? DhcpMessage.SERVER_NAME_LENGTH - 1 : -1
    };
    if (capacity[AREA_OPTIONS] < 0) {
      throw new DhcpEncodeException(
          "options 53 and 82 alone exceed the client's maximum of " + limit + " octets");
    }

    // Fragments (position, from, length, area) of every option but 53 and 82, in write order.
    // Each option goes to the first area with room (a small one after a large one that went to
    // sname still fits the options field); the fragments of one option never go back to an
    // earlier area, so they keep their order when the client joins them (RFC 3396).
    int[] frags = new int[4 * 16];
    int n = 0;
    int[] used = new int[3];
    for (int pos = 0; pos < o.size(); pos++) {
      int code = o.codeAt(pos).code();
      if (code == CODE_53 || code == CODE_82 || code == CODE_52) {
        continue; // 53 and 82 are pinned to the options field; 52 is the encoder's own
      }
      int len = o.valueLength(pos);
      int from = 0;
      int area = AREA_OPTIONS;
      do {
        int chunk = Math.min(255, len - from);
        while (area <= AREA_SNAME && used[area] + 2 + chunk > capacity[area]) {
          area++;
        }
        if (area > AREA_SNAME) {
          throw new DhcpEncodeException(
              o.codeAt(pos)
                  + " does not fit within the client's maximum of "
                  + limit
                  + " octets, even with option overload");
        }
        if (4 * n + 4 > frags.length) {
          frags = Arrays.copyOf(frags, frags.length * 2);
        }
        frags[4 * n] = pos;
        frags[4 * n + 1] = from;
        frags[4 * n + 2] = chunk;
        frags[4 * n + 3] = area;
        n++;
        used[area] += 2 + chunk;
        from += chunk;
      } while (from < len);
    }
    int overload = (used[AREA_FILE] > 0 ? 1 : 0) | (used[AREA_SNAME] > 0 ? 2 : 0);

    int optionsLength = pinned + used[AREA_OPTIONS] + 1 - (overload == 0 ? 3 : 0);
    byte[] out = new byte[Math.max(MIN_PACKET_SIZE, OPTIONS_OFFSET + optionsLength)];
    writeHeader(m, out, (overload & 1) != 0, (overload & 2) != 0);
    int at = writeOption(o, type, 0, o.valueLength(type), out, OPTIONS_OFFSET);
    if (overload != 0) {
      out[at++] = (byte) CODE_52;
      out[at++] = 1;
      out[at++] = (byte) overload;
    }
    int fileAt = FILE_OFFSET;
    int snameAt = SNAME_OFFSET;
    for (int i = 0; i < n; i++) {
      int pos = frags[4 * i];
      int from = frags[4 * i + 1];
      int len = frags[4 * i + 2];
      switch (frags[4 * i + 3]) {
        case AREA_OPTIONS -> at = writeOption(o, pos, from, len, out, at);
        case AREA_FILE -> fileAt = writeOption(o, pos, from, len, out, fileAt);
        default -> snameAt = writeOption(o, pos, from, len, out, snameAt);
      }
    }
    if (relay >= 0) {
      at = writeOption(o, relay, 0, o.valueLength(relay), out, at);
    }
    out[at] = (byte) 0xff;
    // RFC 2131 §4.1: an overloaded field ends with End; the zeros after it are pad.
    if ((overload & 1) != 0) {
      out[fileAt] = (byte) 0xff;
    }
    if ((overload & 2) != 0) {
      out[snameAt] = (byte) 0xff;
    }
    return out;
  }
}
