package org.provisioning.console.web;

import org.provisioning.common.config.PoolConfig;
import org.provisioning.common.config.SubnetConfig;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;

/**
 * A configured pool's use as the DHCP server reports it ({@code dhcp.pool.{pool}.*}), against its
 * two high-water marks: what the tree view and the dashboard show of a pool, read one statistic at
 * a time rather than from a snapshot of them all.
 *
 * @param id the pool's config path, the object its alerts name
 */
record PoolUse(
    String id,
    String name,
    String subnet,
    String range,
    long size,
    long used,
    long peakUsed,
    int warningPercent,
    int criticalPercent) {

  /** Pool {@code p} of subnet {@code s}; its size is its range's until the server reports it. */
  static PoolUse of(StatisticsRegistry stats, int s, SubnetConfig subnet, int p) {
    PoolConfig pool = subnet.pools().get(p);
    String prefix = "dhcp.pool." + StatisticDefinition.labelValue(pool.label()) + ".";
    long used = stats.value(prefix + "used").orElse(0L);
    return new PoolUse(
        "dhcp.subnets[" + s + "].pools[" + p + "]",
        pool.label(),
        String.valueOf(subnet.subnet()),
        String.valueOf(pool.range()),
        stats.value(prefix + "size").orElse(pool.range().size()),
        used,
        Math.max(used, stats.value(prefix + "peak_used").orElse(used)),
        pool.warningPercent(),
        pool.criticalPercent());
  }

  double percent() {
    return size == 0 ? 0 : used * 100.0 / size;
  }

  /** {@code ok}, {@code warning} or {@code critical}: the highest mark its use has reached. */
  String state() {
    double percent = percent();
    return percent >= criticalPercent ? "critical" : percent >= warningPercent ? "warning" : "ok";
  }
}
