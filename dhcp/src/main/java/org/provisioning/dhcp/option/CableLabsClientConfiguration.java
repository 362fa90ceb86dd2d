package org.provisioning.dhcp.option;

import static org.provisioning.dhcp.option.DhcpOptionFormat.BOOLEAN;
import static org.provisioning.dhcp.option.DhcpOptionFormat.FQDN;
import static org.provisioning.dhcp.option.DhcpOptionFormat.IPV4_ADDRESS;
import static org.provisioning.dhcp.option.DhcpOptionFormat.UINT16;
import static org.provisioning.dhcp.option.DhcpOptionFormat.UINT32;
import static org.provisioning.dhcp.option.DhcpOptionFormat.UINT8;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.provisioning.common.net.Ipv4Address;

/**
 * Option 122, CableLabs Client Configuration: what a PacketCable eMTA needs to find its
 * provisioning server and Kerberos realm (RFC 3495, sub-option 9 from RFC 3594, sub-option 10 from
 * RFC 3634). Names inside are DNS wire format without compression (RFC 3495 §5).
 */
public final class CableLabsClientConfiguration {

  /** Sub-option 1: the DHCP server the MTA may accept an OFFER from (RFC 3495 §5.1). */
  public static final DhcpSubOptionDefinition PRIMARY_DHCP_SERVER =
      DhcpSubOptionDefinition.single(1, "PRIMARY_DHCP_SERVER", IPV4_ADDRESS);

  /** Sub-option 2: the secondary one (RFC 3495 §5.1). */
  public static final DhcpSubOptionDefinition SECONDARY_DHCP_SERVER =
      DhcpSubOptionDefinition.single(2, "SECONDARY_DHCP_SERVER", IPV4_ADDRESS);

  /**
   * Sub-option 3: the provisioning server, a type octet (0 FQDN, 1 IPv4) then the address (RFC 3495
   * §5.2).
   */
  public static final DhcpSubOptionDefinition PROVISIONING_SERVER =
      DhcpSubOptionDefinition.record(3, "PROVISIONING_SERVER", UINT8, DhcpOptionFormat.BINARY);

  /** Sub-option 4: nominal timeout, maximum timeout, maximum retries (RFC 3495 §5.3). */
  public static final DhcpSubOptionDefinition AS_REQ_AS_REP_BACKOFF =
      DhcpSubOptionDefinition.record(4, "AS_REQ_AS_REP_BACKOFF", UINT32, UINT32, UINT32);

  /** Sub-option 5: as sub-option 4, for AP-REQ/AP-REP (RFC 3495 §5.4). */
  public static final DhcpSubOptionDefinition AP_REQ_AP_REP_BACKOFF =
      DhcpSubOptionDefinition.record(5, "AP_REQ_AP_REP_BACKOFF", UINT32, UINT32, UINT32);

  /** Sub-option 6: the Kerberos realm, as a domain name (RFC 3495 §5.5). */
  public static final DhcpSubOptionDefinition KERBEROS_REALM =
      DhcpSubOptionDefinition.single(6, "KERBEROS_REALM", FQDN);

  /** Sub-option 7: whether the MTA uses a ticket-granting ticket (RFC 3495 §5.6). */
  public static final DhcpSubOptionDefinition TICKET_GRANTING_SERVER_UTILIZATION =
      DhcpSubOptionDefinition.single(7, "TICKET_GRANTING_SERVER_UTILIZATION", BOOLEAN);

  /** Sub-option 8: minutes the MTA has to finish provisioning (RFC 3495 §5.7). */
  public static final DhcpSubOptionDefinition PROVISIONING_TIMER =
      DhcpSubOptionDefinition.single(8, "PROVISIONING_TIMER", UINT8);

  /** Sub-option 9: bit mask of tickets the MTA must invalidate (RFC 3594). */
  public static final DhcpSubOptionDefinition SECURITY_TICKET_CONTROL =
      DhcpSubOptionDefinition.single(9, "SECURITY_TICKET_CONTROL", UINT16);

  /** Sub-option 10: the Kerberos KDCs (RFC 3634). */
  public static final DhcpSubOptionDefinition KDC_SERVER_ADDRESSES =
      DhcpSubOptionDefinition.list(10, "KDC_SERVER_ADDRESSES", IPV4_ADDRESS);

  public static final List<DhcpSubOptionDefinition> DEFINITIONS =
      List.of(
          PRIMARY_DHCP_SERVER,
          SECONDARY_DHCP_SERVER,
          PROVISIONING_SERVER,
          AS_REQ_AS_REP_BACKOFF,
          AP_REQ_AP_REP_BACKOFF,
          KERBEROS_REALM,
          TICKET_GRANTING_SERVER_UTILIZATION,
          PROVISIONING_TIMER,
          SECURITY_TICKET_CONTROL,
          KDC_SERVER_ADDRESSES);

  /** Type octet of sub-option 3. */
  private static final int PROVISIONING_FQDN = 0;

  private static final int PROVISIONING_IPV4 = 1;

  /**
   * The three values of the Kerberos backoff sub-options 4 and 5, unsigned 32-bit each, in the
   * units RFC 3495 §5.3 gives them.
   */
  public record Backoff(long nominalTimeout, long maximumTimeout, long maximumRetries) {
    public Backoff {
      DhcpOptions.uint32Bytes(nominalTimeout);
      DhcpOptions.uint32Bytes(maximumTimeout);
      DhcpOptions.uint32Bytes(maximumRetries);
    }

    byte[] toBytes() {
      byte[] out = new byte[12];
      System.arraycopy(DhcpOptions.uint32Bytes(nominalTimeout), 0, out, 0, 4);
      System.arraycopy(DhcpOptions.uint32Bytes(maximumTimeout), 0, out, 4, 4);
      System.arraycopy(DhcpOptions.uint32Bytes(maximumRetries), 0, out, 8, 4);
      return out;
    }
  }

  private final SubOptions subOptions;

  CableLabsClientConfiguration(SubOptions subOptions) {
    this.subOptions = subOptions;
  }

  /** Parses a raw option 122 value; empty if its framing is broken. */
  public static Optional<CableLabsClientConfiguration> parse(byte[] value) {
    return SubOptions.parse(value).map(CableLabsClientConfiguration::new);
  }

  public static Builder builder() {
    return new Builder();
  }

  public SubOptions subOptions() {
    return subOptions;
  }

  public Optional<Ipv4Address> primaryDhcpServer() {
    return subOptions.ipv4Address(PRIMARY_DHCP_SERVER);
  }

  public Optional<Ipv4Address> secondaryDhcpServer() {
    return subOptions.ipv4Address(SECONDARY_DHCP_SERVER);
  }

  /** The provisioning server when given as an address (type 1). */
  public Optional<Ipv4Address> provisioningServerAddress() {
    return subOptions
        .get(PROVISIONING_SERVER)
        .filter(v -> v.length == 5 && v[0] == PROVISIONING_IPV4)
        .map(v -> new Ipv4Address(SubOptions.readInt(v, 1)));
  }

  /** The provisioning server when given as a name (type 0). */
  public Optional<String> provisioningServerFqdn() {
    return subOptions
        .get(PROVISIONING_SERVER)
        .filter(v -> v.length > 1 && v[0] == PROVISIONING_FQDN)
        .map(v -> DnsNames.decode(v, 1, v.length - 1));
  }

  public Optional<Backoff> asReqAsRepBackoff() {
    return backoff(AS_REQ_AS_REP_BACKOFF);
  }

  public Optional<Backoff> apReqApRepBackoff() {
    return backoff(AP_REQ_AP_REP_BACKOFF);
  }

  private Optional<Backoff> backoff(DhcpSubOptionDefinition d) {
    if (subOptions.isMalformed(d)) {
      return Optional.empty();
    }
    return subOptions
        .get(d)
        .map(
            v ->
                new Backoff(
                    Integer.toUnsignedLong(SubOptions.readInt(v, 0)),
                    Integer.toUnsignedLong(SubOptions.readInt(v, 4)),
                    Integer.toUnsignedLong(SubOptions.readInt(v, 8))));
  }

  public Optional<String> kerberosRealm() {
    return subOptions.fqdn(KERBEROS_REALM);
  }

  public Optional<Boolean> ticketGrantingServerUtilization() {
    OptionalInt v = subOptions.uint8(TICKET_GRANTING_SERVER_UTILIZATION);
    return v.isPresent() ? Optional.of(v.getAsInt() != 0) : Optional.empty();
  }

  /** Minutes. */
  public OptionalInt provisioningTimer() {
    return subOptions.uint8(PROVISIONING_TIMER);
  }

  public OptionalInt securityTicketControl() {
    return subOptions.uint16(SECURITY_TICKET_CONTROL);
  }

  public List<Ipv4Address> kdcServerAddresses() {
    return subOptions.ipv4Addresses(KDC_SERVER_ADDRESSES);
  }

  public byte[] toBytes() {
    return subOptions.toBytes();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CableLabsClientConfiguration other && subOptions.equals(other.subOptions);
  }

  @Override
  public int hashCode() {
    return subOptions.hashCode();
  }

  @Override
  public String toString() {
    return "CableLabsClientConfiguration" + subOptions;
  }

  /** Sub-options are written in the order they are set. */
  public static final class Builder {
    private final SubOptions.Builder b = SubOptions.builder();

    private Builder() {}

    public Builder primaryDhcpServer(Ipv4Address address) {
      b.ipv4Address(PRIMARY_DHCP_SERVER, address);
      return this;
    }

    public Builder secondaryDhcpServer(Ipv4Address address) {
      b.ipv4Address(SECONDARY_DHCP_SERVER, address);
      return this;
    }

    public Builder provisioningServer(Ipv4Address address) {
      byte[] v = new byte[5];
      v[0] = PROVISIONING_IPV4;
      System.arraycopy(address.toBytes(), 0, v, 1, 4);
      b.add(PROVISIONING_SERVER, v);
      return this;
    }

    public Builder provisioningServer(String fqdn) {
      byte[] name = DnsNames.encode(fqdn.endsWith(".") ? fqdn : fqdn + ".");
      byte[] v = new byte[1 + name.length];
      v[0] = PROVISIONING_FQDN;
      System.arraycopy(name, 0, v, 1, name.length);
      b.add(PROVISIONING_SERVER, v);
      return this;
    }

    public Builder asReqAsRepBackoff(Backoff backoff) {
      b.add(AS_REQ_AS_REP_BACKOFF, backoff.toBytes());
      return this;
    }

    public Builder apReqApRepBackoff(Backoff backoff) {
      b.add(AP_REQ_AP_REP_BACKOFF, backoff.toBytes());
      return this;
    }

    /** The realm as a name; RFC 3495 §5 wants the terminating root label, added if missing. */
    public Builder kerberosRealm(String realm) {
      b.fqdn(KERBEROS_REALM, realm.endsWith(".") ? realm : realm + ".");
      return this;
    }

    public Builder ticketGrantingServerUtilization(boolean use) {
      b.uint8(TICKET_GRANTING_SERVER_UTILIZATION, use ? 1 : 0);
      return this;
    }

    public Builder provisioningTimer(int minutes) {
      b.uint8(PROVISIONING_TIMER, minutes);
      return this;
    }

    public Builder securityTicketControl(int mask) {
      b.uint16(SECURITY_TICKET_CONTROL, mask);
      return this;
    }

    public Builder kdcServerAddresses(List<Ipv4Address> addresses) {
      b.ipv4Addresses(KDC_SERVER_ADDRESSES, addresses);
      return this;
    }

    public CableLabsClientConfiguration build() {
      return new CableLabsClientConfiguration(b.build());
    }
  }
}
