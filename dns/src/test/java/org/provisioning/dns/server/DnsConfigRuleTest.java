package org.provisioning.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigException;

/** The DNS settings a config is refused for, each reported by its path. */
class DnsConfigRuleTest {
  private static List<String> errors(String zoneLines) {
    String document =
        """
        dns:
          enabled: true
          zones:
            - name: cable.example.net
              nameServers: [ns1.cable.example.net]
        %s
        """
            .formatted(zoneLines);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> new ConfigCodec(List.of(new DnsConfigRule())).parse(document));
    return e.errors().stream().map(ConfigError::path).toList();
  }

  @Test
  void aSecondaryToNotifyNeedsAnAddressAndAPort() {
    assertEquals(
        List.of("dns.zones[0].alsoNotify[0].address", "dns.zones[0].alsoNotify[1].port"),
        errors("      alsoNotify: [{port: 53}, {address: 127.0.0.2, port: 70000}]"));
  }
}
