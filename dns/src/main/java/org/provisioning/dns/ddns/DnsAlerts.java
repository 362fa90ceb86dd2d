package org.provisioning.dns.ddns;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/** The alerts of the DNS service. */
public final class DnsAlerts {
  private DnsAlerts() {}

  public static final List<AlertType> TYPES =
      List.of(
          new AlertType(
              "DNS_DDNS_UPDATE_FAILED",
              AlertSeverity.WARNING,
              "dns",
              "RFC 2136 updates for a zone kept on the operator's own DNS server fail: the names"
                  + " of new leases are not published there. Tried again with backoff; cleared"
                  + " when updates get through.",
              "Check that the zone's primary answers on its address and port, knows the TSIG key"
                  + " and allows this server to update the zone."));
}
