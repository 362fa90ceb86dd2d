package org.provisioning.common.lease;

import java.util.Arrays;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;

/**
 * What a lease search asks for ({@code GET /api/v1/leases}): every criterion is optional (null
 * matches all) and all given ones must hold. Byte strings match exactly; the host name matches as a
 * case-insensitive part of the lease's. Build one with {@link #builder()}.
 *
 * <p>Byte arrays are not copied: treat them as read-only.
 *
 * @param range the addresses of a pool, or null
 * @param limit at most this many, lowest addresses first
 */
public record LeaseFilter(
    Ipv4Address address,
    byte[] hardwareAddress,
    byte[] clientId,
    byte[] remoteId,
    byte[] circuitId,
    String hostname,
    Ipv4Range range,
    LeaseState state,
    int limit) {

  public LeaseFilter {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    hostname = hostname == null || hostname.isEmpty() ? null : hostname;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether the lease meets every criterion given. */
  public boolean matches(LeaseRecord lease) {
    return (address == null || address.equals(lease.address()))
        && (hardwareAddress == null || Arrays.equals(hardwareAddress, lease.hardwareAddress()))
        && (clientId == null || Arrays.equals(clientId, lease.clientId()))
        && (remoteId == null || Arrays.equals(remoteId, lease.remoteId()))
        && (circuitId == null || Arrays.equals(circuitId, lease.circuitId()))
        && (state == null || state == lease.state())
        && (range == null || range.contains(lease.address()))
        && (hostname == null || containsIgnoringCase(lease.hostname(), hostname));
  }

  /** Without a lower-cased copy of each name: a search that scans a million leases makes none. */
  private static boolean containsIgnoringCase(String text, String part) {
    for (int i = 0, last = text.length() - part.length(); i <= last; i++) {
      if (text.regionMatches(true, i, part, 0, part.length())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeaseFilter other
        && java.util.Objects.equals(address, other.address)
        && Arrays.equals(hardwareAddress, other.hardwareAddress)
        && Arrays.equals(clientId, other.clientId)
        && Arrays.equals(remoteId, other.remoteId)
        && Arrays.equals(circuitId, other.circuitId)
        && java.util.Objects.equals(hostname, other.hostname)
        && java.util.Objects.equals(range, other.range)
        && state == other.state
        && limit == other.limit;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(address, hostname, range, state, limit)
        ^ Arrays.hashCode(hardwareAddress)
        ^ Arrays.hashCode(remoteId);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("LeaseFilter[");
    if (address != null) {
      text.append(" ip=").append(address);
    }
    hex(text, "mac", hardwareAddress);
    hex(text, "clientId", clientId);
    hex(text, "remoteId", remoteId);
    hex(text, "circuitId", circuitId);
    if (hostname != null) {
      text.append(" hostname~").append(hostname);
    }
    if (range != null) {
      text.append(" range=").append(range);
    }
    if (state != null) {
      text.append(" state=").append(state);
    }
    return text.append(" limit=").append(limit).append(" ]").toString();
  }

  private static void hex(StringBuilder text, String name, byte[] value) {
    if (value != null) {
      text.append(' ').append(name).append('=');
      text.append(java.util.HexFormat.ofDelimiter(":").formatHex(value));
    }
  }

  /** Builds a filter; unset criteria match everything, the limit defaults to 1,000. */
  public static final class Builder {
    private Ipv4Address address;
    private byte[] hardwareAddress;
    private byte[] clientId;
    private byte[] remoteId;
    private byte[] circuitId;
    private String hostname;
    private Ipv4Range range;
    private LeaseState state;
    private int limit = 1000;

    private Builder() {}

    public Builder address(Ipv4Address value) {
      address = value;
      return this;
    }

    public Builder hardwareAddress(byte[] value) {
      hardwareAddress = value;
      return this;
    }

    public Builder clientId(byte[] value) {
      clientId = value;
      return this;
    }

    public Builder remoteId(byte[] value) {
      remoteId = value;
      return this;
    }

    public Builder circuitId(byte[] value) {
      circuitId = value;
      return this;
    }

    public Builder hostname(String value) {
      hostname = value;
      return this;
    }

    public Builder range(Ipv4Range value) {
      range = value;
      return this;
    }

    public Builder state(LeaseState value) {
      state = value;
      return this;
    }

    public Builder limit(int value) {
      limit = value;
      return this;
    }

    public LeaseFilter build() {
      return new LeaseFilter(
          address, hardwareAddress, clientId, remoteId, circuitId, hostname, range, state, limit);
    }
  }
}
