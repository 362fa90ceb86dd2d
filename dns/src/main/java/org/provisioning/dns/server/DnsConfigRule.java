package org.provisioning.dns.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigRule;
import org.provisioning.common.config.DnsZoneConfig;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.dns.zone.DnsZone;
import org.xbill.DNS.Name;

/**
 * The DNS rules that need dnsjava: every static record of a served zone must parse as zone-file
 * syntax and lie inside its zone, reported by path ({@code dns.zones[0].records[2]}).
 */
public final class DnsConfigRule implements ConfigRule {
  @Override
  public List<ConfigError> check(ProvisioningConfig config) {
    List<ConfigError> errors = new ArrayList<>();
    List<DnsZoneConfig> zones = config.dns().zones();
    for (int z = 0; z < zones.size(); z++) {
      DnsZoneConfig zone = zones.get(z);
      Name origin;
      try {
        origin = Name.fromString(zone.name(), Name.root);
      } catch (IOException | RuntimeException e) {
        continue; // the document's own rules report the name
      }
      for (int r = 0; r < zone.records().size(); r++) {
        try {
          DnsZone.parseRecord(zone.records().get(r), origin, zone.soa().ttl());
        } catch (IOException | RuntimeException e) {
          errors.add(
              new ConfigError(
                  "dns.zones[" + z + "].records[" + r + "]",
                  "'"
                      + zone.records().get(r)
                      + "' is not a record in zone-file syntax like 'www 300 IN A 127.0.0.5': "
                      + e.getMessage()));
        }
      }
    }
    return errors;
  }
}
