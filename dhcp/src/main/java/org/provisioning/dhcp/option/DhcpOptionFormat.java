package org.provisioning.dhcp.option;

import java.util.List;

/**
 * How an option or sub-option value is laid out, after ISC Kea's option data types. The format
 * decides whether a value is well-formed: a value that is not is kept raw and flagged, never thrown
 * at the caller (RFC 2131 §2 leaves malformed options to the receiver's judgement; Kea skips them,
 * so do we).
 */
public enum DhcpOptionFormat {
  /** No value at all (a flag such as RAPID_COMMIT). */
  EMPTY(0),
  /** One octet, 0 or 1 by convention; other values are passed on untouched. */
  BOOLEAN(1),
  UINT8(1),
  UINT16(2),
  UINT32(4),
  INT32(4),
  IPV4_ADDRESS(4),
  /** NVT ASCII text, at least one octet (RFC 2132 gives every text option a minimum length 1). */
  STRING(0),
  /** A domain name in DNS wire format without compression (RFC 1035 §3.1). */
  FQDN(0),
  /** Opaque octets of any length. */
  BINARY(0),
  /** A fixed sequence of fields, see {@link DhcpOptionDefinition#recordFields()}. */
  RECORD(0),
  /** Encapsulated code/length/value sub-options (RFC 2132 §8.4, RFC 3046, RFC 3495). */
  SUB_OPTIONS(0),
  /** Enterprise-number blocks of sub-options (RFC 3925 §4, RFC 4243). */
  VENDOR_SUB_OPTIONS(0),
  /** Enterprise-number blocks of length-prefixed class data (RFC 3925 §3). */
  VENDOR_CLASSES(0);

  private final int size;

  DhcpOptionFormat(int size) {
    this.size = size;
  }

  /** Octets of one value of a fixed-size format; 0 for a variable-size one. */
  public int fixedSize() {
    return size;
  }

  /**
   * Whether {@code len} octets at {@code off} are a well-formed value of this format.
   *
   * @param array several values of a fixed-size format, at least one
   * @param recordFields the fields of a {@link #RECORD}; only the last may be variable-size
   */
  boolean accepts(byte[] b, int off, int len, boolean array, List<DhcpOptionFormat> recordFields) {
    if (size > 0) {
      return array ? len >= size && len % size == 0 : len == size;
    }
    switch (this) {
      case EMPTY:
        return len == 0;
      case STRING:
        return len >= 1;
      case FQDN:
        return DnsNames.isValid(b, off, len);
      case BINARY:
        return true;
      case RECORD:
        return acceptsRecord(b, off, len, recordFields);
      case SUB_OPTIONS:
        return SubOptions.isWellFramed(b, off, len);
      case VENDOR_SUB_OPTIONS:
        return acceptsVendorBlocks(b, off, len, true);
      case VENDOR_CLASSES:
        return acceptsVendorBlocks(b, off, len, false);
      default:
        throw new AssertionError(this);
    }
  }

  private static boolean acceptsRecord(byte[] b, int off, int len, List<DhcpOptionFormat> fields) {
    int at = 0;
    for (int i = 0; i < fields.size(); i++) {
      DhcpOptionFormat field = fields.get(i);
      if (field.size > 0) {
        at += field.size;
        if (at > len) {
          return false;
        }
      } else {
        // A variable-size field takes the rest of the value (Kea's rule for records).
        return field.accepts(b, off + at, len - at, false, List.of());
      }
    }
    return at == len;
  }

  /**
   * RFC 3925: one or more {enterprise-number(4), data-len(1), data}. For V-I vendor-specific
   * information the data are sub-options; for V-I vendor class they are length-prefixed opaque
   * items.
   */
  private static boolean acceptsVendorBlocks(byte[] b, int off, int len, boolean subOptions) {
    if (len < 5) {
      return false;
    }
    int i = off;
    int end = off + len;
    while (i < end) {
      if (end - i < 5) {
        return false;
      }
      int dataLen = b[i + 4] & 0xff;
      int dataStart = i + 5;
      if (dataStart + dataLen > end) {
        return false;
      }
      boolean ok =
          subOptions
              ? SubOptions.isWellFramed(b, dataStart, dataLen)
              : VendorClass.isWellFramed(b, dataStart, dataLen);
      if (!ok) {
        return false;
      }
      i = dataStart + dataLen;
    }
    return true;
  }
}
