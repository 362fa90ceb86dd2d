package org.provisioning.dhcp.option;

import java.util.List;
import java.util.Optional;

/**
 * The layout of one sub-option inside an encapsulating option (82, 122, 43 from a DOCSIS device,
 * 125 for CableLabs). Each sub-option model keeps its table of these as data, like Kea's {@code
 * docsis3_option_defs.h}; the codes are only meaningful within their space.
 *
 * @param code the sub-option code, 0-255, within its space
 * @param name for logs, e.g. {@code CIRCUIT_ID}
 * @param recordFields the fields of a {@link DhcpOptionFormat#RECORD}, empty otherwise
 */
public record DhcpSubOptionDefinition(
    int code,
    String name,
    DhcpOptionFormat format,
    boolean array,
    List<DhcpOptionFormat> recordFields) {

  public DhcpSubOptionDefinition {
    if (code < 0 || code > 255) {
      throw new IllegalArgumentException("sub-option code " + code + " is outside 0-255");
    }
    recordFields = List.copyOf(recordFields);
    if ((format == DhcpOptionFormat.RECORD) == recordFields.isEmpty()) {
      throw new IllegalArgumentException("a RECORD, and only a RECORD, has fields: " + name);
    }
  }

  static DhcpSubOptionDefinition single(int code, String name, DhcpOptionFormat format) {
    return new DhcpSubOptionDefinition(code, name, format, false, List.of());
  }

  static DhcpSubOptionDefinition list(int code, String name, DhcpOptionFormat format) {
    return new DhcpSubOptionDefinition(code, name, format, true, List.of());
  }

  static DhcpSubOptionDefinition record(int code, String name, DhcpOptionFormat... fields) {
    return new DhcpSubOptionDefinition(code, name, DhcpOptionFormat.RECORD, false, List.of(fields));
  }

  /** The definition with that code in a table, if any. */
  public static Optional<DhcpSubOptionDefinition> find(
      List<DhcpSubOptionDefinition> table, int code) {
    for (int i = 0; i < table.size(); i++) {
      if (table.get(i).code == code) {
        return Optional.of(table.get(i));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code len} octets at {@code off} are a well-formed value of this sub-option. */
  public boolean accepts(byte[] value, int off, int len) {
    return format.accepts(value, off, len, array, recordFields);
  }

  /** {@code NAME(code)}, like {@link DhcpOptionCode}. */
  @Override
  public String toString() {
    return name + '(' + code + ')';
  }
}
