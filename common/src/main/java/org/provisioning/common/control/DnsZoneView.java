package org.provisioning.common.control;

import java.util.List;
import java.util.Optional;

/**
 * What the console may see of the DNS service's zones ({@code GET /api/v1/dns/zones}, {@code
 * provisionctl dns zones}) without importing DNS: names, serials and records in presentation
 * format.
 */
public interface DnsZoneView {

  /** A served zone at a glance. */
  record ZoneSummary(String name, long serial, int records) {}

  List<ZoneSummary> zones();

  /** Every record of the zone in zone-file presentation format; empty if it is not served. */
  Optional<List<String>> records(String zone);
}
