package org.provisioning.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;

class SnmpConfigTest {
  private final ConfigCodec codec = new ConfigCodec();

  private static final String RECEIVERS =
      """
      alerts:
        snmp:
          minSeverity: critical
          traps:
            - address: 127.0.0.1
              community: nms-public
            - address: 127.0.0.2
              port: 10162
              version: v3
              inform: true
              user: {name: nms, authKey: auth-pass-1, privKey: priv-pass-1}
          agent:
            enabled: true
            port: 1161
            community: read-only-community
            users:
              - {name: poller, authProtocol: sha512, authKey: poller-auth, privKey: poller-priv}
      """;

  @Test
  void agentIsOffAndOnLoopbackByDefault() throws ConfigException {
    SnmpConfig snmp = codec.parse("").alerts().snmp();
    assertFalse(snmp.agent().enabled());
    assertEquals(Ipv4Address.parse("127.0.0.1"), snmp.agent().listen());
    assertEquals(161, snmp.agent().port());
    assertEquals(List.of(), snmp.traps());
    assertEquals("warning", snmp.minSeverity());
  }

  @Test
  void readsReceiversAndAgentWithDefaultsFilledIn() throws ConfigException {
    SnmpConfig snmp = codec.parse(RECEIVERS).alerts().snmp();
    SnmpTrapReceiverConfig v2c = snmp.traps().get(0);
    assertEquals(162, v2c.port());
    assertEquals(SnmpVersion.V2C, v2c.version());
    assertFalse(v2c.inform());
    SnmpTrapReceiverConfig v3 = snmp.traps().get(1);
    assertEquals(SnmpVersion.V3, v3.version());
    assertTrue(v3.inform());
    assertEquals(SnmpUserConfig.AuthProtocol.SHA256, v3.user().authProtocol());
    assertEquals(SnmpUserConfig.PrivProtocol.AES128, v3.user().privProtocol());
    assertEquals(SnmpUserConfig.AuthProtocol.SHA512, snmp.agent().users().get(0).authProtocol());
    assertEquals(1161, snmp.agent().port());
  }

  @Test
  void roundTripsAndMasksEveryCommunityAndKey() throws ConfigException {
    ProvisioningConfig config = codec.parse(RECEIVERS);
    assertEquals(config, codec.parse(codec.toYaml(config)));
    String masked = codec.maskedTree(config).toString();
    for (String secret :
        List.of(
            "nms-public",
            "auth-pass-1",
            "priv-pass-1",
            "read-only-community",
            "poller-auth",
            "poller-priv")) {
      assertFalse(masked.contains(secret), secret + " shown in " + masked);
      assertFalse(config.toString().contains(secret), secret + " in toString");
    }
    assertTrue(masked.contains("\"version\":\"v3\""), masked);
    // A document edited from the masked view and sent back keeps the secrets.
    ProvisioningConfig back = codec.parse(codec.restoreSecrets(masked, config));
    assertEquals(config, back);
  }

  /**
   * A v3 receiver's keys sit in its {@code user}, its address beside it: a masked key sent back
   * with the receiver moved was restored, so an operator who may not read the keys could have traps
   * signed and encrypted with them sent to a host of their choosing.
   */
  @Test
  void theKeysOfAReceiverMovedElsewhereAreNotRestored() throws ConfigException {
    ProvisioningConfig config = codec.parse(RECEIVERS);
    String moved = codec.maskedTree(config).toString().replace("127.0.0.2", "127.0.0.9");
    ConfigException e =
        assertThrows(ConfigException.class, () -> codec.parse(codec.restoreSecrets(moved, config)));
    assertEquals(
        List.of("alerts.snmp.traps[1].user.authKey", "alerts.snmp.traps[1].user.privKey"),
        e.errors().stream().map(ConfigError::path).toList());
    assertFalse(e.getMessage().contains("auth-pass-1"), e.getMessage());
  }

  @Test
  void reportsEverySnmpErrorWithItsPath() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    alerts:
                      snmp:
                        engineId: "80:00"
                        minSeverity: urgent
                        events: [pool-full]
                        traps:
                          - {address: 127.0.0.1, version: v3, inform: true}
                          - {address: 127.0.0.1, community: public,
                             user: {name: x, authKey: 12345678, privKey: 12345678}}
                          - {version: v2c}
                          - address: 127.0.0.1
                            version: v3
                            port: 0
                            user: {name: nms, authKey: short, privKey: also}
                        agent:
                          enabled: true
                          users:
                            - {name: a, authKey: long-enough, privKey: long-enough}
                            - {name: a, authKey: long-enough}
                    """));
    assertEquals(
        List.of(
            "alerts.snmp.engineId",
            "alerts.snmp.minSeverity",
            "alerts.snmp.events[0]",
            "alerts.snmp.traps[0].user",
            "alerts.snmp.traps[1].user",
            "alerts.snmp.traps[1].port",
            "alerts.snmp.traps[2].address",
            "alerts.snmp.traps[2].community",
            "alerts.snmp.traps[3].port",
            "alerts.snmp.traps[3].user.authKey",
            "alerts.snmp.traps[3].user.privKey",
            "alerts.snmp.agent.users[1].privKey",
            "alerts.snmp.agent.users[1].name"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "alerts.snmp.traps[3].user.authKey: is 5 characters; RFC 3414 asks for at least 8"),
        e.getMessage());
    assertFalse(e.getMessage().contains("short"), "a key never appears in an error");
  }

  @Test
  void anEnabledAgentNobodyCanReadIsAnError() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> codec.parse("alerts: {snmp: {agent: {enabled: true}}}\n"));
    assertEquals(List.of("alerts.snmp.agent"), e.errors().stream().map(ConfigError::path).toList());
  }

  @Test
  void agentClaimsItsUdpSocket() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    tod: {enabled: true, listen: 127.0.0.1, port: 3737}
                    alerts: {snmp: {agent: {enabled: true, port: 3737, community: c}}}
                    """));
    assertEquals(
        List.of("alerts.snmp.agent.port"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.getMessage());
  }
}
