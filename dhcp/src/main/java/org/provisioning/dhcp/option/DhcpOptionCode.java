package org.provisioning.dhcp.option;

/**
 * A DHCPv4 option code (RFC 2132 and later). The code space is open: every value 0-255 has an
 * instance, the ones this suite knows carry a name, the others print as {@code UNKNOWN(code)} and
 * still round-trip. Instances are cached, so {@link #of(int)} never allocates.
 */
public final class DhcpOptionCode implements Comparable<DhcpOptionCode> {

  private static final DhcpOptionCode[] ALL = new DhcpOptionCode[256];

  /** Framing, not an option: fills space (RFC 2132 §3.1). Never stored in a collection. */
  public static final DhcpOptionCode PAD = define(0, "PAD");

  public static final DhcpOptionCode SUBNET_MASK = define(1, "SUBNET_MASK");
  public static final DhcpOptionCode TIME_OFFSET = define(2, "TIME_OFFSET");
  public static final DhcpOptionCode ROUTER = define(3, "ROUTER");
  public static final DhcpOptionCode TIME_SERVER = define(4, "TIME_SERVER");
  public static final DhcpOptionCode NAME_SERVER = define(5, "NAME_SERVER");
  public static final DhcpOptionCode DOMAIN_NAME_SERVER = define(6, "DOMAIN_NAME_SERVER");
  public static final DhcpOptionCode LOG_SERVER = define(7, "LOG_SERVER");
  public static final DhcpOptionCode HOST_NAME = define(12, "HOST_NAME");
  public static final DhcpOptionCode BOOT_FILE_SIZE = define(13, "BOOT_FILE_SIZE");
  public static final DhcpOptionCode DOMAIN_NAME = define(15, "DOMAIN_NAME");
  public static final DhcpOptionCode ROOT_PATH = define(17, "ROOT_PATH");
  public static final DhcpOptionCode DEFAULT_IP_TTL = define(23, "DEFAULT_IP_TTL");
  public static final DhcpOptionCode INTERFACE_MTU = define(26, "INTERFACE_MTU");
  public static final DhcpOptionCode BROADCAST_ADDRESS = define(28, "BROADCAST_ADDRESS");
  public static final DhcpOptionCode STATIC_ROUTE = define(33, "STATIC_ROUTE");
  public static final DhcpOptionCode ARP_CACHE_TIMEOUT = define(35, "ARP_CACHE_TIMEOUT");
  public static final DhcpOptionCode NTP_SERVERS = define(42, "NTP_SERVERS");

  /**
   * Option 43; a DOCSIS device fills it with CableLabs sub-options, see {@link
   * DocsisDeviceInformation}.
   */
  public static final DhcpOptionCode VENDOR_SPECIFIC_INFORMATION =
      define(43, "VENDOR_SPECIFIC_INFORMATION");

  public static final DhcpOptionCode NETBIOS_NAME_SERVERS = define(44, "NETBIOS_NAME_SERVERS");
  public static final DhcpOptionCode REQUESTED_IP_ADDRESS = define(50, "REQUESTED_IP_ADDRESS");
  public static final DhcpOptionCode IP_ADDRESS_LEASE_TIME = define(51, "IP_ADDRESS_LEASE_TIME");
  public static final DhcpOptionCode OPTION_OVERLOAD = define(52, "OPTION_OVERLOAD");
  public static final DhcpOptionCode DHCP_MESSAGE_TYPE = define(53, "DHCP_MESSAGE_TYPE");
  public static final DhcpOptionCode SERVER_IDENTIFIER = define(54, "SERVER_IDENTIFIER");
  public static final DhcpOptionCode PARAMETER_REQUEST_LIST = define(55, "PARAMETER_REQUEST_LIST");
  public static final DhcpOptionCode MESSAGE = define(56, "MESSAGE");
  public static final DhcpOptionCode MAXIMUM_MESSAGE_SIZE = define(57, "MAXIMUM_MESSAGE_SIZE");
  public static final DhcpOptionCode RENEWAL_TIME = define(58, "RENEWAL_TIME");
  public static final DhcpOptionCode REBINDING_TIME = define(59, "REBINDING_TIME");
  public static final DhcpOptionCode VENDOR_CLASS_IDENTIFIER =
      define(60, "VENDOR_CLASS_IDENTIFIER");
  public static final DhcpOptionCode CLIENT_IDENTIFIER = define(61, "CLIENT_IDENTIFIER");
  public static final DhcpOptionCode TFTP_SERVER_NAME = define(66, "TFTP_SERVER_NAME");
  public static final DhcpOptionCode BOOTFILE_NAME = define(67, "BOOTFILE_NAME");
  public static final DhcpOptionCode WWW_SERVER = define(72, "WWW_SERVER");
  public static final DhcpOptionCode USER_CLASS = define(77, "USER_CLASS");
  public static final DhcpOptionCode RAPID_COMMIT = define(80, "RAPID_COMMIT");
  public static final DhcpOptionCode CLIENT_FQDN = define(81, "CLIENT_FQDN");
  public static final DhcpOptionCode RELAY_AGENT_INFORMATION =
      define(82, "RELAY_AGENT_INFORMATION");
  public static final DhcpOptionCode CLIENT_SYSTEM_ARCHITECTURE =
      define(93, "CLIENT_SYSTEM_ARCHITECTURE");
  public static final DhcpOptionCode CLIENT_NETWORK_INTERFACE =
      define(94, "CLIENT_NETWORK_INTERFACE");
  public static final DhcpOptionCode CLIENT_MACHINE_IDENTIFIER =
      define(97, "CLIENT_MACHINE_IDENTIFIER");
  public static final DhcpOptionCode SUBNET_SELECTION = define(118, "SUBNET_SELECTION");
  public static final DhcpOptionCode DOMAIN_SEARCH = define(119, "DOMAIN_SEARCH");
  public static final DhcpOptionCode CLASSLESS_STATIC_ROUTE = define(121, "CLASSLESS_STATIC_ROUTE");
  public static final DhcpOptionCode CABLELABS_CLIENT_CONFIGURATION =
      define(122, "CABLELABS_CLIENT_CONFIGURATION");
  public static final DhcpOptionCode V_I_VENDOR_CLASS = define(124, "V_I_VENDOR_CLASS");
  public static final DhcpOptionCode V_I_VENDOR_SPECIFIC_INFORMATION =
      define(125, "V_I_VENDOR_SPECIFIC_INFORMATION");
  public static final DhcpOptionCode TFTP_SERVER_ADDRESS = define(150, "TFTP_SERVER_ADDRESS");

  /** Framing, not an option: ends an option area (RFC 2132 §3.2). Never stored in a collection. */
  public static final DhcpOptionCode END = define(255, "END");

  static {
    for (int i = 0; i < ALL.length; i++) {
      if (ALL[i] == null) {
        ALL[i] = new DhcpOptionCode(i, "UNKNOWN", false);
      }
    }
  }

  private final int code;
  private final String name;
  private final boolean known;

  private DhcpOptionCode(int code, String name, boolean known) {
    this.code = code;
    this.name = name;
    this.known = known;
  }

  private static DhcpOptionCode define(int code, String name) {
    DhcpOptionCode c = new DhcpOptionCode(code, name, true);
    ALL[code] = c;
    return c;
  }

  /**
   * The code's instance, known or not.
   *
   * @throws IllegalArgumentException outside 0-255, the one-octet code space
   */
  public static DhcpOptionCode of(int code) {
    if (code < 0 || code > 255) {
      throw new IllegalArgumentException("option code " + code + " is outside 0-255");
    }
    return ALL[code];
  }

  public int code() {
    return code;
  }

  /** The constant's name, or {@code UNKNOWN} for a code this suite has no name for. */
  public String name() {
    return name;
  }

  /** Whether this suite has a name for the code (it may still lack a definition). */
  public boolean isKnown() {
    return known;
  }

  @Override
  public int compareTo(DhcpOptionCode other) {
    return Integer.compare(code, other.code);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DhcpOptionCode other && other.code == code;
  }

  @Override
  public int hashCode() {
    return code;
  }

  /** {@code NAME(code)}, e.g. {@code SUBNET_MASK(1)} or {@code UNKNOWN(200)}. */
  @Override
  public String toString() {
    return name + '(' + code + ')';
  }
}
