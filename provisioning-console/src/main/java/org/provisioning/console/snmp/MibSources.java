package org.provisioning.console.snmp;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.provisioning.common.config.PoolConfig;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.stats.StatisticsRegistry;

/**
 * What the agent reads, each part through an interface of {@code common}, so the console never
 * imports a service.
 *
 * @param stats every statistic, the pools' use included ({@code dhcp.pool.NAME.*})
 * @param pools the DHCP pools of the running config (empty when DHCP is off)
 * @param failover the failover status, empty when this server runs no failover
 * @param serverName {@code server.name}, the agent's sysName
 * @param description sysDescr: product and version
 */
public record MibSources(
    StatisticsRegistry stats,
    Supplier<List<PoolConfig>> pools,
    Supplier<Optional<FailoverStatus>> failover,
    Supplier<String> serverName,
    String description) {

  /** Every pool of a config, in the order of its subnets. */
  public static List<PoolConfig> pools(org.provisioning.common.config.ProvisioningConfig config) {
    return config.dhcp().subnets().stream()
        .filter(java.util.Objects::nonNull)
        .flatMap(subnet -> subnet.pools().stream())
        .filter(java.util.Objects::nonNull)
        .toList();
  }
}
