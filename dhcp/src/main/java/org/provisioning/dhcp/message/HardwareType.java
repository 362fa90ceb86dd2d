package org.provisioning.dhcp.message;

/**
 * The {@code htype} field: an ARP hardware type (RFC 1700, IANA "Hardware Types"). Open: every
 * value 0-255 has a cached instance, unknown ones print as {@code UNKNOWN(code)}.
 */
public final class HardwareType {
  private static final HardwareType[] ALL = new HardwareType[256];

  public static final HardwareType ETHERNET = define(1, "ETHERNET");
  public static final HardwareType IEEE802 = define(6, "IEEE802");

  /** RFC 4390: hlen 0 and an empty chaddr; the client identifier carries the identity. */
  public static final HardwareType INFINIBAND = define(32, "INFINIBAND");

  static {
    for (int i = 0; i < ALL.length; i++) {
      if (ALL[i] == null) {
        ALL[i] = new HardwareType(i, "UNKNOWN");
      }
    }
  }

  private final int code;
  private final String name;

  private HardwareType(int code, String name) {
    this.code = code;
    this.name = name;
  }

  private static HardwareType define(int code, String name) {
    HardwareType t = new HardwareType(code, name);
    ALL[code] = t;
    return t;
  }

  /**
   * @throws IllegalArgumentException outside the one-octet field
   */
  public static HardwareType of(int code) {
    if (code < 0 || code > 255) {
      throw new IllegalArgumentException("hardware type " + code + " is outside 0-255");
    }
    return ALL[code];
  }

  public int code() {
    return code;
  }

  public String name() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HardwareType other && other.code == code;
  }

  @Override
  public int hashCode() {
    return code;
  }

  @Override
  public String toString() {
    return name + '(' + code + ')';
  }
}
