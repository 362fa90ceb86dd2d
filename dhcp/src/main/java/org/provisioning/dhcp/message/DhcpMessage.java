package org.provisioning.dhcp.message;

import java.util.Objects;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;

/**
 * One DHCPv4 message (RFC 2131 §2). Immutable: a reply is built from the request with {@link
 * #replyBuilder}, never patched. Every instance carries a known message type in option 53, so
 * {@link #messageType()} cannot fail; a packet without one never becomes a {@code DhcpMessage}.
 *
 * @param clientHardwareAddress {@code htype}, {@code hlen} and {@code chaddr}
 * @param hops relay hops, 0-255
 * @param transactionId {@code xid}, chosen by the client
 * @param secondsElapsed {@code secs}, 0-65535
 * @param flags the 16-bit {@code flags} field; only {@link #BROADCAST_FLAG} is defined, the other
 *     bits are kept as received
 * @param clientAddress {@code ciaddr}
 * @param yourAddress {@code yiaddr}, the address offered or bound
 * @param nextServerAddress {@code siaddr}, the next server in the boot (the TFTP server for a
 *     modem's config file)
 * @param relayAgentAddress {@code giaddr}, the relay agent; {@link Ipv4Address#ANY} if none
 * @param serverName {@code sname}, up to 64 octets of text; empty when option overload uses it
 * @param bootFileName {@code file}, up to 128 octets of text; empty when option overload uses it
 * @param options every option, option 53 included
 */
public record DhcpMessage(
    BootOp op,
    HardwareAddress clientHardwareAddress,
    int hops,
    int transactionId,
    int secondsElapsed,
    int flags,
    Ipv4Address clientAddress,
    Ipv4Address yourAddress,
    Ipv4Address nextServerAddress,
    Ipv4Address relayAgentAddress,
    String serverName,
    String bootFileName,
    DhcpOptions options) {

  /** The B bit of {@code flags}: answer by broadcast (RFC 2131 §4.1). */
  public static final int BROADCAST_FLAG = 0x8000;

  /** Octets of the {@code sname} field. */
  public static final int SERVER_NAME_LENGTH = 64;

  /** Octets of the {@code file} field. */
  public static final int BOOT_FILE_NAME_LENGTH = 128;

  /**
   * @throws IllegalArgumentException if a field is out of range, a name does not fit its field or
   *     is not one octet per char, or option 53 is absent or unknown
   */
  public DhcpMessage {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(clientHardwareAddress, "clientHardwareAddress");
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(yourAddress, "yourAddress");
    Objects.requireNonNull(nextServerAddress, "nextServerAddress");
    Objects.requireNonNull(relayAgentAddress, "relayAgentAddress");
    Objects.requireNonNull(options, "options");
    if (hops < 0 || hops > 0xff) {
      throw new IllegalArgumentException("hops " + hops + " is outside 0-255");
    }
    if (secondsElapsed < 0 || secondsElapsed > 0xffff) {
      throw new IllegalArgumentException("secs " + secondsElapsed + " is outside 0-65535");
    }
    if (flags < 0 || flags > 0xffff) {
      throw new IllegalArgumentException("flags " + flags + " is outside 16 bits");
    }
    checkText("sname", serverName, SERVER_NAME_LENGTH);
    checkText("file", bootFileName, BOOT_FILE_NAME_LENGTH);
    if (typeOf(options) == null) {
      throw new IllegalArgumentException(
          "a DHCP message needs a known message type in option 53, got "
              + options.raw(DhcpOptionCode.DHCP_MESSAGE_TYPE).map(b -> b.length + " octets"));
    }
  }

  private static void checkText(String field, String text, int max) {
    Objects.requireNonNull(text, field);
    if (text.length() > max) {
      throw new IllegalArgumentException(field + " holds " + max + " octets, not " + text.length());
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xff || text.charAt(i) == 0) {
        throw new IllegalArgumentException(field + " must be one non-NUL octet per char: " + text);
      }
    }
  }

  private static DhcpMessageType typeOf(DhcpOptions options) {
    // Read on every messageType() call: nothing allocated (0 is no type).
    return DhcpMessageType.fromCode(options.uint8OrElse(DhcpOptionCode.DHCP_MESSAGE_TYPE, 0))
        .orElse(null);
  }

  /** Option 53. */
  public DhcpMessageType messageType() {
    return typeOf(options);
  }

  public boolean isBroadcast() {
    return (flags & BROADCAST_FLAG) != 0;
  }

  /** Whether a relay agent forwarded the message (giaddr set, RFC 2131 §4.1). */
  public boolean isRelayed() {
    return relayAgentAddress.value() != 0;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * A reply to this request, with the fields RFC 2131 §4.3.1 Table 3 copies from it: op BOOTREPLY,
   * htype, hlen, chaddr, xid, flags and giaddr; hops and secs zero; ciaddr kept only for an ACK to
   * an INFORM (set by the caller). Options start empty: the caller adds what the reply needs, and
   * echoes option 82 explicitly (RFC 3046 §2.2).
   */
  public Builder replyBuilder(DhcpMessageType type) {
    return new Builder()
        .op(BootOp.BOOTREPLY)
        .clientHardwareAddress(clientHardwareAddress)
        .transactionId(transactionId)
        .flags(flags)
        .relayAgentAddress(relayAgentAddress)
        .messageType(type);
  }

  /** Fills the fixed header; {@link #messageType} sets option 53 on top of {@link #options}. */
  public static final class Builder {
    private BootOp op = BootOp.BOOTREQUEST;
    private HardwareAddress clientHardwareAddress =
        HardwareAddress.of(HardwareType.ETHERNET, new byte[0]);
    private int hops;
    private int transactionId;
    private int secondsElapsed;
    private int flags;
    private Ipv4Address clientAddress = Ipv4Address.ANY;
    private Ipv4Address yourAddress = Ipv4Address.ANY;
    private Ipv4Address nextServerAddress = Ipv4Address.ANY;
    private Ipv4Address relayAgentAddress = Ipv4Address.ANY;
    private String serverName = "";
    private String bootFileName = "";
    private DhcpOptions options = DhcpOptions.empty();
    private DhcpMessageType messageType;

    private Builder() {}

    private Builder(DhcpMessage m) {
      op = m.op;
      clientHardwareAddress = m.clientHardwareAddress;
      hops = m.hops;
      transactionId = m.transactionId;
      secondsElapsed = m.secondsElapsed;
      flags = m.flags;
      clientAddress = m.clientAddress;
      yourAddress = m.yourAddress;
      nextServerAddress = m.nextServerAddress;
      relayAgentAddress = m.relayAgentAddress;
      serverName = m.serverName;
      bootFileName = m.bootFileName;
      options = m.options;
    }

    public Builder op(BootOp op) {
      this.op = op;
      return this;
    }

    public Builder clientHardwareAddress(HardwareAddress address) {
      this.clientHardwareAddress = address;
      return this;
    }

    public Builder hops(int hops) {
      this.hops = hops;
      return this;
    }

    public Builder transactionId(int xid) {
      this.transactionId = xid;
      return this;
    }

    public Builder secondsElapsed(int secs) {
      this.secondsElapsed = secs;
      return this;
    }

    public Builder flags(int flags) {
      this.flags = flags;
      return this;
    }

    public Builder broadcast(boolean broadcast) {
      this.flags = broadcast ? flags | BROADCAST_FLAG : flags & ~BROADCAST_FLAG;
      return this;
    }

    public Builder clientAddress(Ipv4Address address) {
      this.clientAddress = address;
      return this;
    }

    public Builder yourAddress(Ipv4Address address) {
      this.yourAddress = address;
      return this;
    }

    public Builder nextServerAddress(Ipv4Address address) {
      this.nextServerAddress = address;
      return this;
    }

    public Builder relayAgentAddress(Ipv4Address address) {
      this.relayAgentAddress = address;
      return this;
    }

    public Builder serverName(String serverName) {
      this.serverName = serverName;
      return this;
    }

    public Builder bootFileName(String bootFileName) {
      this.bootFileName = bootFileName;
      return this;
    }

    public Builder options(DhcpOptions options) {
      this.options = options;
      return this;
    }

    /** Sets option 53, replacing any in {@link #options}. */
    public Builder messageType(DhcpMessageType type) {
      this.messageType = type;
      return this;
    }

    public DhcpMessage build() {
      DhcpOptions o = options;
      if (messageType != null && typeOf(o) != messageType) {
        o = o.toBuilder().uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, messageType.code()).build();
      }
      return new DhcpMessage(
          op,
          clientHardwareAddress,
          hops,
          transactionId,
          secondsElapsed,
          flags,
          clientAddress,
          yourAddress,
          nextServerAddress,
          relayAgentAddress,
          serverName,
          bootFileName,
          o);
    }
  }
}
