package org.provisioning.dhcp.option;

import static org.provisioning.dhcp.option.DhcpOptionFormat.BINARY;
import static org.provisioning.dhcp.option.DhcpOptionFormat.IPV4_ADDRESS;
import static org.provisioning.dhcp.option.DhcpOptionFormat.STRING;
import static org.provisioning.dhcp.option.DhcpOptionFormat.UINT32;
import static org.provisioning.dhcp.option.DhcpOptionFormat.VENDOR_SUB_OPTIONS;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.provisioning.common.net.Ipv4Address;

/**
 * Option 82, what a relay agent (a CMTS, a DSLAM) says about the port a request came in on (RFC
 * 3046). Parsed for classification, but a reply echoes {@link #toBytes()}, the octets exactly as
 * received (RFC 3046 §2.2), never a re-encoding.
 */
public final class RelayAgentInformation {

  /** Sub-option 1: the port or circuit, e.g. the CMTS interface (RFC 3046 §3.1). */
  public static final DhcpSubOptionDefinition CIRCUIT_ID =
      DhcpSubOptionDefinition.single(1, "CIRCUIT_ID", BINARY);

  /** Sub-option 2: the remote host, for a CMTS the cable modem's MAC (RFC 3046 §3.2). */
  public static final DhcpSubOptionDefinition REMOTE_ID =
      DhcpSubOptionDefinition.single(2, "REMOTE_ID", BINARY);

  /** Sub-option 4: the DOCSIS device class of the modem (RFC 3256). */
  public static final DhcpSubOptionDefinition DOCSIS_DEVICE_CLASS =
      DhcpSubOptionDefinition.single(4, "DOCSIS_DEVICE_CLASS", UINT32);

  /** Sub-option 5: the subnet the client is on, when giaddr cannot say (RFC 3527). */
  public static final DhcpSubOptionDefinition LINK_SELECTION =
      DhcpSubOptionDefinition.single(5, "LINK_SELECTION", IPV4_ADDRESS);

  /** Sub-option 6: the subscriber, as provisioned (RFC 3993). */
  public static final DhcpSubOptionDefinition SUBSCRIBER_ID =
      DhcpSubOptionDefinition.single(6, "SUBSCRIBER_ID", STRING);

  /** Sub-option 9: enterprise blocks, the RFC 3925 layout (RFC 4243). */
  public static final DhcpSubOptionDefinition VENDOR_SPECIFIC =
      DhcpSubOptionDefinition.single(9, "VENDOR_SPECIFIC", VENDOR_SUB_OPTIONS);

  /** Sub-option 11: the address the client should use as server identifier (RFC 5107). */
  public static final DhcpSubOptionDefinition SERVER_IDENTIFIER_OVERRIDE =
      DhcpSubOptionDefinition.single(11, "SERVER_IDENTIFIER_OVERRIDE", IPV4_ADDRESS);

  /** Sub-option 12: the relay agent's own identity (RFC 6925). */
  public static final DhcpSubOptionDefinition RELAY_ID =
      DhcpSubOptionDefinition.single(12, "RELAY_ID", BINARY);

  public static final List<DhcpSubOptionDefinition> DEFINITIONS =
      List.of(
          CIRCUIT_ID,
          REMOTE_ID,
          DOCSIS_DEVICE_CLASS,
          LINK_SELECTION,
          SUBSCRIBER_ID,
          VENDOR_SPECIFIC,
          SERVER_IDENTIFIER_OVERRIDE,
          RELAY_ID);

  private final SubOptions subOptions;

  RelayAgentInformation(SubOptions subOptions) {
    this.subOptions = subOptions;
  }

  /** Parses a raw option 82 value; empty if its sub-option framing is broken. */
  public static Optional<RelayAgentInformation> parse(byte[] value) {
    return SubOptions.parse(value).map(RelayAgentInformation::new);
  }

  /** For a relay agent or a test: the sub-options become the whole value. */
  public static RelayAgentInformation of(SubOptions subOptions) {
    return new RelayAgentInformation(subOptions);
  }

  public SubOptions subOptions() {
    return subOptions;
  }

  public Optional<byte[]> circuitId() {
    return subOptions.get(CIRCUIT_ID);
  }

  public Optional<byte[]> remoteId() {
    return subOptions.get(REMOTE_ID);
  }

  public OptionalLong docsisDeviceClass() {
    return subOptions.uint32(DOCSIS_DEVICE_CLASS);
  }

  public Optional<Ipv4Address> linkSelection() {
    return subOptions.ipv4Address(LINK_SELECTION);
  }

  public Optional<String> subscriberId() {
    return subOptions.string(SUBSCRIBER_ID);
  }

  public Optional<VendorIdentifyingOptions> vendorSpecific() {
    if (subOptions.isMalformed(VENDOR_SPECIFIC)) {
      return Optional.empty();
    }
    return subOptions.get(VENDOR_SPECIFIC).flatMap(VendorIdentifyingOptions::parse);
  }

  public Optional<Ipv4Address> serverIdentifierOverride() {
    return subOptions.ipv4Address(SERVER_IDENTIFIER_OVERRIDE);
  }

  /** The option value exactly as received, for the echo RFC 3046 §2.2 requires. */
  public byte[] toBytes() {
    return subOptions.toBytes();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelayAgentInformation other && subOptions.equals(other.subOptions);
  }

  @Override
  public int hashCode() {
    return subOptions.hashCode();
  }

  @Override
  public String toString() {
    return "RelayAgentInformation" + subOptions;
  }
}
