package org.provisioning.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void tcpLimitsMustBePositive() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                new ConfigCodec()
                    .parse("dns: {enabled: true, maxTcpConnections: 0, tcpIdleSeconds: 0}"));
    assertEquals(
        List.of("dns.maxTcpConnections", "dns.tcpIdleSeconds"),
        e.errors().stream().map(ConfigError::path).toList());
  }

  private static List<ConfigError> recordErrors(String... records) {
    String document =
        """
        dns:
          enabled: true
          zones:
            - name: cable.example.net
              nameServers: [ns1.cable.example.net]
              records: [%s]
        """
            .formatted(
                java.util.Arrays.stream(records)
                    .map(r -> "\"" + r + "\"")
                    .collect(java.util.stream.Collectors.joining(", ")));
    try {
      new ConfigCodec(List.of(new DnsConfigRule())).parse(document);
      return List.of();
    } catch (ConfigException e) {
      return e.errors();
    }
  }

  @Test
  void aCnameBesideOtherDataIsAnErrorAtTheCnamesPath() {
    List<ConfigError> errors = recordErrors("www A 127.0.0.5", "www MX 10 mail", "www CNAME web");
    assertEquals(1, errors.size(), errors::toString);
    assertEquals("dns.zones[0].records[2]", errors.get(0).path());
    assertTrue(
        errors.get(0).message().contains("beside the A dns.zones[0].records[0]"),
        errors.get(0).message());
  }

  @Test
  void aCnameAtTheApexOrTwiceAtOneNameIsAnError() {
    assertEquals(
        List.of("dns.zones[0].records[0]"),
        recordErrors("@ CNAME elsewhere.example.").stream().map(ConfigError::path).toList());
    assertEquals(
        List.of("dns.zones[0].records[1]"),
        recordErrors("alias CNAME www", "alias CNAME web").stream()
            .map(ConfigError::path)
            .toList());
  }

  /** A DNAME is refused at its path: lookups do not follow it (RFC 6672 is not implemented). */
  @Test
  void aDnameIsAnError() {
    List<ConfigError> errors = recordErrors("www A 127.0.0.5", "old DNAME cable.example.org.");
    assertEquals(
        List.of("dns.zones[0].records[1]"), errors.stream().map(ConfigError::path).toList());
    assertTrue(errors.get(0).message().contains("DNAME"), errors.get(0).message());
  }

  @Test
  void aLoneCnameAndNamesThatMerelyDifferAreFine() {
    assertEquals(
        List.of(),
        recordErrors(
            "www A 127.0.0.5",
            "alias CNAME www",
            "alias CNAME www",
            "x.alias A 127.0.0.6",
            "mail CNAME www"));
  }
}
