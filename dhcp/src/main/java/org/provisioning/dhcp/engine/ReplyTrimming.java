package org.provisioning.dhcp.engine;

import java.util.List;
import java.util.Set;
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
