package org.provisioning.dhcp.engine;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/** The alerts the DHCP server raises, each with what it means and what the operator should do. */
public final class DhcpAlerts {
  private DhcpAlerts() {}

  public static final List<AlertType> TYPES =
      List.of(
          new AlertType(
              HighWaterMarks.WARNING,
              AlertSeverity.WARNING,
              "dhcp",
              "The addresses in use in a pool reached its warningPercent. It clears when use falls"
                  + " 5 points below the mark.",
              "Plan more addresses for the pool's link (a wider or an additional pool) or shorter"
                  + " leases; look for leases held by clients that are gone (provisionctl"
                  + " leases)."),
          new AlertType(
              HighWaterMarks.CRITICAL,
              AlertSeverity.CRITICAL,
              "dhcp",
              "The addresses in use in a pool reached its criticalPercent: new clients may soon"
                  + " find no address. It clears when use falls 5 points below the mark.",
              "Add addresses now (widen the pool or add one to its subnet, then provisionctl"
                  + " config set) or shorten leases; check whether a storm of new clients or a"
                  + " misconfigured relay is using them up."),
          new AlertType(
              DhcpEngine.POOL_EXHAUSTED,
              AlertSeverity.CRITICAL,
              "dhcp",
              "A client asked for an address and every pool that may serve its link and class"
                  + " is full: it got no answer and stays offline.",
              "Add addresses to the pools of that link and class at once; meanwhile look for a"
                  + " flood of new clients and for leases that could be released."));
}
