package org.provisioning.dhcp.engine;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/**
 * Every alert the DHCP server raises. Their object is the pool's config path ({@code
 * dhcp.subnets[0].pools[1]}) or the subnets' ({@code dhcp.subnets[0]}).
 */
public final class DhcpAlerts {
  public static final AlertType POOL_HIGH_WATER_WARNING =
      new AlertType(
          "DHCP_POOL_HIGH_WATER_WARNING",
          AlertSeverity.WARNING,
          "dhcp",
          "A pool's use reached its warning mark (warningPercent of the pool). It clears when use"
              + " falls 5 points under the mark.",
          "Plan more addresses for the pool, or find what holds them (provisionctl leases);"
              + " nothing is refused yet.");

  public static final AlertType POOL_HIGH_WATER_CRITICAL =
      new AlertType(
          "DHCP_POOL_HIGH_WATER_CRITICAL",
          AlertSeverity.CRITICAL,
          "dhcp",
          "A pool's use reached its critical mark (criticalPercent of the pool): new clients may"
              + " soon get no address. It clears when use falls 5 points under the mark.",
          "Add addresses now (a larger range or another pool in the subnet) or free some"
              + " (shorter lease time, release stale leases).");

  public static final AlertType POOL_EXHAUSTED =
      new AlertType(
          "DHCP_POOL_EXHAUSTED",
          AlertSeverity.CRITICAL,
          "dhcp",
          "A client asked for an address and every pool it may use was full: it got no offer. It"
              + " clears once those subnets have given addresses for a minute without refusing one.",
          "Add addresses to the subnet's pools, or check the client's class restrictions"
              + " (dhcp.classes) if other pools still have room.");

  public static final List<AlertType> ALL =
      List.of(POOL_HIGH_WATER_WARNING, POOL_HIGH_WATER_CRITICAL, POOL_EXHAUSTED);

  private DhcpAlerts() {}
}
