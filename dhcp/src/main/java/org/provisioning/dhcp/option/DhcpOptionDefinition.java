package org.provisioning.dhcp.option;

import static org.provisioning.dhcp.option.DhcpOptionFormat.BINARY;
import static org.provisioning.dhcp.option.DhcpOptionFormat.EMPTY;
import static org.provisioning.dhcp.option.DhcpOptionFormat.INT32;
import static org.provisioning.dhcp.option.DhcpOptionFormat.IPV4_ADDRESS;
import static org.provisioning.dhcp.option.DhcpOptionFormat.RECORD;
import static org.provisioning.dhcp.option.DhcpOptionFormat.STRING;
import static org.provisioning.dhcp.option.DhcpOptionFormat.SUB_OPTIONS;
import static org.provisioning.dhcp.option.DhcpOptionFormat.UINT16;
import static org.provisioning.dhcp.option.DhcpOptionFormat.UINT32;
import static org.provisioning.dhcp.option.DhcpOptionFormat.UINT8;
import static org.provisioning.dhcp.option.DhcpOptionFormat.VENDOR_CLASSES;
import static org.provisioning.dhcp.option.DhcpOptionFormat.VENDOR_SUB_OPTIONS;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The layout of one top-level option: the table below is data, in the manner of ISC Kea's {@code
 * std_option_defs.h}, not a class per option. A code without a definition is still carried and
 * round-trips; it just has no typed meaning.
 *
 * @param array a list of values of {@link #format()}, at least one
 * @param recordFields the fields of a {@link DhcpOptionFormat#RECORD}, empty otherwise
 */
public record DhcpOptionDefinition(
    DhcpOptionCode code,
    DhcpOptionFormat format,
    boolean array,
    List<DhcpOptionFormat> recordFields) {

  private static final DhcpOptionDefinition[] BY_CODE = new DhcpOptionDefinition[256];
  private static final List<DhcpOptionDefinition> ALL;

  static {
    List<DhcpOptionDefinition> t = new ArrayList<>();
    t.add(single(DhcpOptionCode.SUBNET_MASK, IPV4_ADDRESS));
    t.add(single(DhcpOptionCode.TIME_OFFSET, INT32));
    t.add(list(DhcpOptionCode.ROUTER, IPV4_ADDRESS));
    t.add(list(DhcpOptionCode.TIME_SERVER, IPV4_ADDRESS));
    t.add(list(DhcpOptionCode.NAME_SERVER, IPV4_ADDRESS));
    t.add(list(DhcpOptionCode.DOMAIN_NAME_SERVER, IPV4_ADDRESS));
    t.add(list(DhcpOptionCode.LOG_SERVER, IPV4_ADDRESS));
    t.add(single(DhcpOptionCode.HOST_NAME, STRING));
    t.add(single(DhcpOptionCode.BOOT_FILE_SIZE, UINT16));
    t.add(single(DhcpOptionCode.DOMAIN_NAME, STRING));
    t.add(single(DhcpOptionCode.ROOT_PATH, STRING));
    t.add(single(DhcpOptionCode.DEFAULT_IP_TTL, UINT8));
    t.add(single(DhcpOptionCode.INTERFACE_MTU, UINT16));
    t.add(single(DhcpOptionCode.BROADCAST_ADDRESS, IPV4_ADDRESS));
    t.add(list(DhcpOptionCode.STATIC_ROUTE, IPV4_ADDRESS));
    t.add(single(DhcpOptionCode.ARP_CACHE_TIMEOUT, UINT32));
    t.add(list(DhcpOptionCode.NTP_SERVERS, IPV4_ADDRESS));
    // Binary on the wire: its sub-option space depends on the vendor (option 60), RFC 2132 §8.4.
    t.add(single(DhcpOptionCode.VENDOR_SPECIFIC_INFORMATION, BINARY));
    t.add(list(DhcpOptionCode.NETBIOS_NAME_SERVERS, IPV4_ADDRESS));
    t.add(single(DhcpOptionCode.REQUESTED_IP_ADDRESS, IPV4_ADDRESS));
    t.add(single(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, UINT32));
    t.add(single(DhcpOptionCode.OPTION_OVERLOAD, UINT8));
    t.add(single(DhcpOptionCode.DHCP_MESSAGE_TYPE, UINT8));
    t.add(single(DhcpOptionCode.SERVER_IDENTIFIER, IPV4_ADDRESS));
    t.add(list(DhcpOptionCode.PARAMETER_REQUEST_LIST, UINT8));
    t.add(single(DhcpOptionCode.MESSAGE, STRING));
    t.add(single(DhcpOptionCode.MAXIMUM_MESSAGE_SIZE, UINT16));
    t.add(single(DhcpOptionCode.RENEWAL_TIME, UINT32));
    t.add(single(DhcpOptionCode.REBINDING_TIME, UINT32));
    t.add(single(DhcpOptionCode.VENDOR_CLASS_IDENTIFIER, STRING));
    // RFC 2132 §9.14: a type octet and at least one octet of identifier.
    t.add(record(DhcpOptionCode.CLIENT_IDENTIFIER, UINT8, UINT8, BINARY));
    t.add(single(DhcpOptionCode.TFTP_SERVER_NAME, STRING));
    t.add(single(DhcpOptionCode.BOOTFILE_NAME, STRING));
    t.add(list(DhcpOptionCode.WWW_SERVER, IPV4_ADDRESS));
    t.add(single(DhcpOptionCode.USER_CLASS, BINARY));
    t.add(single(DhcpOptionCode.RAPID_COMMIT, EMPTY));
    // RFC 4702 §2: flags, RCODE1, RCODE2, then the name in ASCII or wire format (flag E).
    t.add(record(DhcpOptionCode.CLIENT_FQDN, UINT8, UINT8, UINT8, BINARY));
    t.add(single(DhcpOptionCode.RELAY_AGENT_INFORMATION, SUB_OPTIONS));
    t.add(list(DhcpOptionCode.CLIENT_SYSTEM_ARCHITECTURE, UINT16));
    t.add(record(DhcpOptionCode.CLIENT_NETWORK_INTERFACE, UINT8, UINT8, UINT8));
    t.add(single(DhcpOptionCode.CLIENT_MACHINE_IDENTIFIER, BINARY));
    t.add(single(DhcpOptionCode.SUBNET_SELECTION, IPV4_ADDRESS));
    // RFC 3397 names may use compression pointers into the option itself: kept binary.
    t.add(single(DhcpOptionCode.DOMAIN_SEARCH, BINARY));
    t.add(single(DhcpOptionCode.CLASSLESS_STATIC_ROUTE, BINARY));
    t.add(single(DhcpOptionCode.CABLELABS_CLIENT_CONFIGURATION, SUB_OPTIONS));
    t.add(single(DhcpOptionCode.V_I_VENDOR_CLASS, VENDOR_CLASSES));
    t.add(single(DhcpOptionCode.V_I_VENDOR_SPECIFIC_INFORMATION, VENDOR_SUB_OPTIONS));
    t.add(list(DhcpOptionCode.TFTP_SERVER_ADDRESS, IPV4_ADDRESS));
    for (DhcpOptionDefinition d : t) {
      if (BY_CODE[d.code.code()] != null) {
        throw new ExceptionInInitializerError("two definitions for " + d.code);
      }
      BY_CODE[d.code.code()] = d;
    }
    ALL = Collections.unmodifiableList(t);
  }

  public DhcpOptionDefinition {
    recordFields = List.copyOf(recordFields);
    if ((format == RECORD) == recordFields.isEmpty()) {
      throw new IllegalArgumentException("a RECORD, and only a RECORD, has fields: " + code);
    }
    if (array && format.fixedSize() == 0) {
      throw new IllegalArgumentException("only fixed-size values make an array: " + code);
    }
  }

  private static DhcpOptionDefinition single(DhcpOptionCode code, DhcpOptionFormat format) {
    return new DhcpOptionDefinition(code, format, false, List.of());
  }

  private static DhcpOptionDefinition list(DhcpOptionCode code, DhcpOptionFormat format) {
    return new DhcpOptionDefinition(code, format, true, List.of());
  }

  private static DhcpOptionDefinition record(DhcpOptionCode code, DhcpOptionFormat... fields) {
    return new DhcpOptionDefinition(code, RECORD, false, List.of(fields));
  }

  /** The definition of a code, if the table has one. */
  public static Optional<DhcpOptionDefinition> forCode(DhcpOptionCode code) {
    return Optional.ofNullable(BY_CODE[code.code()]);
  }

  /** Every definition, by ascending code. */
  public static List<DhcpOptionDefinition> all() {
    return ALL;
  }

  /** The code's name; one name per code, kept by {@link DhcpOptionCode}. */
  public String name() {
    return code.name();
  }

  /** Whether {@code len} octets at {@code off} are a well-formed value of this option. */
  public boolean accepts(byte[] value, int off, int len) {
    return format.accepts(value, off, len, array, recordFields);
  }

  /** Whether a raw value decoded for {@code code} fits its definition; true for unknown codes. */
  static boolean wellFormed(int code, byte[] value, int off, int len) {
    DhcpOptionDefinition d = BY_CODE[code];
    return d == null || d.accepts(value, off, len);
  }
}
