package org.provisioning.common.net;

/** A network in CIDR notation, {@code 127.16.0.0/16}; the address must be the network's first. */
public record Ipv4Subnet(Ipv4Address network, int prefixLength) {

  public Ipv4Subnet {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is not 0-32");
    }
    if ((network.value() & ~mask(prefixLength)) != 0) {
      throw new IllegalArgumentException(
          network
              + "/"
              + prefixLength
              + " has host bits set; the network is "
              + new Ipv4Address(network.value() & mask(prefixLength))
              + "/"
              + prefixLength);
    }
  }

  public static Ipv4Subnet parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("'" + text + "' is not a subnet like 127.16.0.0/16");
    }
    String length = text.substring(slash + 1).trim();
    if (length.isEmpty() || length.length() > 2 || !length.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("'" + text + "' has no prefix length 0-32 after '/'");
    }
    return new Ipv4Subnet(
        Ipv4Address.parse(text.substring(0, slash).trim()), Integer.parseInt(length));
  }

  public static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  public Ipv4Address netmask() {
    return new Ipv4Address(mask(prefixLength));
  }

  public Ipv4Address broadcast() {
    return new Ipv4Address(network.value() | ~mask(prefixLength));
  }

  public boolean contains(Ipv4Address address) {
    return (address.value() & mask(prefixLength)) == network.value();
  }

  public boolean contains(Ipv4Range range) {
    return contains(range.first()) && contains(range.last());
  }

  public boolean overlaps(Ipv4Subnet other) {
    return contains(other.network) || other.contains(network);
  }

  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }
}
