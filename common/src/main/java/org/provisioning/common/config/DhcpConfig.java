package org.provisioning.common.config;

import java.util.List;
import org.provisioning.common.net.Ipv4Address;

/**
 * The DHCPv4 service.
 *
 * @param listen the address to bind; {@code 0.0.0.0} to receive broadcasts of local clients
 * @param serverIdentifier option 54 and the server's address on the local link (the subnet of
 *     clients that are not relayed); defaults to {@code listen}
 * @param leaseTime default lease time in seconds
 * @param offerHoldSeconds how long an offered address is kept for its client
 * @param declineQuarantineSeconds how long a declined address stays out of use
 */
public record DhcpConfig(
    Boolean enabled,
    Ipv4Address listen,
    Integer port,
    Ipv4Address serverIdentifier,
    Long leaseTime,
    Long offerHoldSeconds,
    Long declineQuarantineSeconds,
    DhcpOptionsConfig options,
    List<ClientClassConfig> classes,
    List<SubnetConfig> subnets,
    List<ReservationConfig> reservations,
    DhcpPolicyConfig policies) {

  public DhcpConfig {
    enabled = enabled != null && enabled;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 67 : port;
    leaseTime = leaseTime == null ? 3600L : leaseTime;
    offerHoldSeconds = offerHoldSeconds == null ? 30L : offerHoldSeconds;
    declineQuarantineSeconds = declineQuarantineSeconds == null ? 86400L : declineQuarantineSeconds;
    options = options == null ? DhcpOptionsConfig.NONE : options;
    classes = classes == null ? List.of() : List.copyOf(classes);
    subnets = subnets == null ? List.of() : List.copyOf(subnets);
    reservations = reservations == null ? List.of() : List.copyOf(reservations);
    policies = policies == null ? new DhcpPolicyConfig(null, null, null) : policies;
  }

  /**
   * This config on the sockets of {@code running}: whether the server runs, its address, port and
   * identifier, which take a restart to change.
   */
  public DhcpConfig onSocketsOf(DhcpConfig running) {
    return new DhcpConfig(
        running.enabled,
        running.listen,
        running.port,
        running.serverIdentifier,
        leaseTime,
        offerHoldSeconds,
        declineQuarantineSeconds,
        options,
        classes,
        subnets,
        reservations,
        policies);
  }

  /** Option 54: the configured identifier, or the listen address. */
  public Ipv4Address effectiveServerIdentifier() {
    return serverIdentifier != null ? serverIdentifier : listen;
  }
}
