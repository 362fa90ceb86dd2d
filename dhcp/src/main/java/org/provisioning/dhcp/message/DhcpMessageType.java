package org.provisioning.dhcp.message;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Option 53, the DHCP message type. A closed set as far as this server acts on it: the RFC 2131
 * exchange, FORCERENEW (RFC 3203) and the lease query family (RFC 4388, 6926, 7724). A code outside
 * it makes the decoder drop the packet, counted as {@code bad_message_type}.
 */
public enum DhcpMessageType {
  DISCOVER(1),
  OFFER(2),
  REQUEST(3),
  DECLINE(4),
  ACK(5),
  NAK(6),
  RELEASE(7),
  INFORM(8),
  FORCERENEW(9),
  LEASEQUERY(10),
  LEASEUNASSIGNED(11),
  LEASEUNKNOWN(12),
  LEASEACTIVE(13),
  BULKLEASEQUERY(14),
  LEASEQUERYDONE(15),
  ACTIVELEASEQUERY(16),
  LEASEQUERYSTATUS(17),
  TLS(18);

  /** Each type wrapped once: the engine asks a request's type several times over. */
  @SuppressWarnings("unchecked")
  private static final Optional<DhcpMessageType>[] BY_CODE = new Optional[19];

  static {
    Arrays.fill(BY_CODE, Optional.empty());
    for (DhcpMessageType t : values()) {
      BY_CODE[t.code] = Optional.of(t);
    }
  }

  private final int code;
  private final String label;

  DhcpMessageType(int code) {
    this.code = code;
    this.label = name().toLowerCase(Locale.ROOT);
  }

  public int code() {
    return code;
  }

  /** Lower-case name for statistics, as in {@code dhcp.received.discover}. */
  public String label() {
    return label;
  }

  public static Optional<DhcpMessageType> fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : Optional.empty();
  }

  /** Whether a client sends this type to a server (RFC 2131 Table 2, RFC 4388 §6.1). */
  public boolean isClientToServer() {
    return switch (this) {
      case DISCOVER,
          REQUEST,
          DECLINE,
          RELEASE,
          INFORM,
          LEASEQUERY,
          BULKLEASEQUERY,
          ACTIVELEASEQUERY ->
          true;
      default -> false;
    };
  }

  /** {@code NAME(code)}, the way option codes print. */
  @Override
  public String toString() {
    return name() + '(' + code + ')';
  }
}
