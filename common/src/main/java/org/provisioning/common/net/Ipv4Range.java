package org.provisioning.common.net;

/**
 * An inclusive range of addresses, written {@code 127.16.0.10-127.16.0.250}. A range may be parsed
 * with its end before its start so that config validation can say so with the path; every other use
 * expects {@link #isOrdered()}.
 */
public record Ipv4Range(Ipv4Address first, Ipv4Address last) {

  public static Ipv4Range parse(String text) {
    int dash = text.indexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a range like 127.16.0.10-127.16.0.250");
    }
    return new Ipv4Range(
        Ipv4Address.parse(text.substring(0, dash).trim()),
        Ipv4Address.parse(text.substring(dash + 1).trim()));
  }

  public boolean isOrdered() {
    return first.compareTo(last) <= 0;
  }

  public long size() {
    return isOrdered() ? last.unsigned() - first.unsigned() + 1 : 0;
  }

  public boolean contains(Ipv4Address address) {
    return first.compareTo(address) <= 0 && address.compareTo(last) <= 0;
  }

  public boolean overlaps(Ipv4Range other) {
    return first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
