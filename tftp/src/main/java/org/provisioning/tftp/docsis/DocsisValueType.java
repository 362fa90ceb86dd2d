package org.provisioning.tftp.docsis;

/** How a setting's value is written in a template and encoded in its TLV. */
public enum DocsisValueType {
  UINT8,
  UINT16,
  UINT32,
  /** An IPv4 address, four octets. */
  IP,
  /** A MAC address, six octets. */
  ETHER,
  /** Text without a terminating NUL. */
  STRING,
  /** Text with a terminating NUL. */
  STRZERO,
  /** {@code 0x} and hex digits, the octets as given. */
  HEX,
  /** Sub-settings inside braces. */
  AGGREGATE
}
