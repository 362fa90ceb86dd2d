package org.provisioning.tftp.docsis;

import java.util.Arrays;

/** One top-level TLV of a config file; {@code value} is not copied, treat it as read-only. */
public record DocsisTlv(int type, byte[] value) {

  @Override
  public boolean equals(Object o) {
    return o instanceof DocsisTlv other && type == other.type && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Tlv[" + type + ", " + value.length + " octets]";
  }
}
