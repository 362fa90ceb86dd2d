package org.provisioning.dns.ddns;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/** Every alert the DNS service raises; the object is the zone's config path. */
public final class DnsAlerts {
  public static final AlertType DDNS_UPDATE_FAILED =
      new AlertType(
          "DNS_DDNS_UPDATE_FAILED",
          AlertSeverity.WARNING,
          "dns",
          "Dynamic updates for DHCP leases to the operator's DNS server of a zone failed after"
              + " every retry: names of new leases are missing there. DHCP is not affected."
              + " Cleared when an update gets through again.",
          "Check that the zone's primary server is up and reachable and accepts the zone's TSIG"
              + " key (dns.zones[...].primary).");

  public static final List<AlertType> ALL = List.of(DDNS_UPDATE_FAILED);

  private DnsAlerts() {}

  /** The config path of a zone, as alerts name it. */
  static String zonePath(String zone) {
    return "dns.zones[" + zone + "]";
  }
}
