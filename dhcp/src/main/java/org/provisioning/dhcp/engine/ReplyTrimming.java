package org.provisioning.dhcp.engine;

import java.util.List;
import java.util.Set;
import org.provisioning.dhcp.codec.DhcpEncodeException;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;

/**
 * A reply cut down to what its client asked for, for when the whole reply does not fit the size the
 * client can take (576 octets unless option 57 allows more): every configured option is sent by
 * default, so a class's large option 43, 122 or 125 beside a boot file can overflow. RFC 2132
 * section 9.8 lets a server send only the requested options; the message type, the server
 * identifier, the lease times, the subnet mask, the server's message and the echoed options 61 and
 * 82 always stay. The lease is already committed when this is needed, so sending something the
 * client can use beats sending nothing.
 */
public final class ReplyTrimming {
  private static final Set<DhcpOptionCode> ALWAYS =
      Set.of(
          DhcpOptionCode.DHCP_MESSAGE_TYPE,
          DhcpOptionCode.SERVER_IDENTIFIER,
          DhcpOptionCode.IP_ADDRESS_LEASE_TIME,
          DhcpOptionCode.RENEWAL_TIME,
          DhcpOptionCode.REBINDING_TIME,
          DhcpOptionCode.SUBNET_MASK,
          DhcpOptionCode.MESSAGE,
          DhcpOptionCode.CLIENT_IDENTIFIER,
          DhcpOptionCode.RELAY_AGENT_INFORMATION,
          DhcpOptionCode.SUBNET_SELECTION);

  private ReplyTrimming() {}

  /**
   * Encodes a reply too large for its client with the options its request asked for, leaving out
   * those asked for last while it still does not fit: RFC 2132 section 9.8 asks for as many of the
   * requested options as fit, in the order asked. A large option the client asked for used to leave
   * it without any reply. Returns the length encoded into {@code out}; throws when even the options
   * always sent do not fit.
   */
  public static int encodeTrimmed(
      DhcpEncoder encoder, DhcpMessage reply, DhcpMessage request, int maxSize, byte[] out)
      throws DhcpEncodeException {
    DhcpMessage trimmed = toRequested(reply, request);
    List<DhcpOptionCode> asked = request.options().parameterRequestList();
    int next = asked.size();
    while (true) {
      try {
        return encoder.encode(trimmed, maxSize, out);
      } catch (DhcpEncodeException stillTooLarge) {
        do {
          if (--next < 0) {
            throw stillTooLarge;
          }
        } while (ALWAYS.contains(asked.get(next)) || !trimmed.options().contains(asked.get(next)));
        DhcpOptions.Builder fewer = trimmed.options().toBuilder();
        fewer.remove(asked.get(next));
        trimmed = trimmed.toBuilder().options(fewer.build()).build();
      }
    }
  }

  /** The reply with only the options its request asked for, and those always sent. */
  public static DhcpMessage toRequested(DhcpMessage reply, DhcpMessage request) {
    List<DhcpOptionCode> asked = request.options().parameterRequestList();
    DhcpOptions.Builder kept = reply.options().toBuilder();
    for (DhcpOptionCode code : reply.options().codes()) {
      if (!ALWAYS.contains(code) && !asked.contains(code)) {
        kept.remove(code);
      }
    }
    return reply.toBuilder().options(kept.build()).build();
  }
}
