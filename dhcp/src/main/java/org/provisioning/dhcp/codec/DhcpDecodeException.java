package org.provisioning.dhcp.codec;

import java.util.Locale;

/**
 * A packet the decoder rejects as a whole: its fixed header or its option framing is broken, or it
 * is not a DHCP message this server can act on. The server drops it and counts it under {@code
 * dhcp.dropped.<reason label>}. A malformed option value is not a reason: see {@link
 * org.provisioning.dhcp.option.DhcpOptions}.
 *
 * <p>Built without a stack trace: a flood of garbage must not cost a stack walk per packet.
 */
public final class DhcpDecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a packet was dropped. Each has a stable lower-case label for statistics. */
  public enum Reason {
    /** Longer than the decoder's limit (see {@link DhcpDecoder#DEFAULT_MAX_PACKET_SIZE}). */
    OVERSIZED,
    /** Shorter than the 236-octet fixed header plus the 4-octet magic cookie. */
    TRUNCATED_HEADER,
    /** {@code op} is neither BOOTREQUEST (1) nor BOOTREPLY (2). */
    BAD_OP,
    /** A server's decoder met a BOOTREPLY (op 2), which only clients consume. */
    NOT_BOOTREQUEST,
    /** {@code hlen} exceeds the 16 octets of {@code chaddr}. */
    BAD_HLEN,
    /**
     * The options field does not start with 99.130.83.99 (RFC 2131 §3): a BOOTP client without the
     * RFC 1497 vendor extensions, or not DHCP at all.
     */
    BAD_MAGIC_COOKIE,
    /**
     * An option's length runs past the end of its area (options field, or {@code file}/{@code
     * sname} under overload), or a code octet has no length octet after it. After this, nothing
     * that follows can be framed, so the packet cannot be trusted.
     */
    OPTION_OVERRUNS_PACKET,
    /** No option 53: BOOTP, which this server does not serve. */
    NO_MESSAGE_TYPE,
    /**
     * Option 53 is not one octet, or names a type {@link
     * org.provisioning.dhcp.message.DhcpMessageType} does not know.
     */
    BAD_MESSAGE_TYPE;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** E.g. {@code bad_magic_cookie}, for {@code dhcp.dropped.bad_magic_cookie}. */
    public String label() {
      return label;
    }
  }

  private final Reason reason;

  public DhcpDecodeException(Reason reason, String message) {
    super(reason.label() + ": " + message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
