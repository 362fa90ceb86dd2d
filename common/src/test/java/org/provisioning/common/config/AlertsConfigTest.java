package org.provisioning.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlertsConfigTest {
  private final ConfigCodec codec = new ConfigCodec();

  @Test
  void channelsAreOffUnlessConfigured() throws ConfigException {
    AlertsConfig alerts = codec.parse("alerts: {historyLimit: 50}").alerts();
    assertNull(alerts.email());
    assertNull(alerts.syslog());
  }

  @Test
  void readsEmailWithDefaultsByMode() throws ConfigException {
    EmailAlertsConfig email =
        codec
            .parse(
                """
                alerts:
                  email:
                    host: mail.example.net
                    security: smtps
                    username: provisiond
                    password: s3cret
                    from: provisiond@example.net
                    to: [noc@example.net, oncall@example.net]
                    events: [FAILOVER_PARTNER_DOWN]
                """)
            .alerts()
            .email();
    assertEquals(465, email.port());
    assertEquals(EmailAlertsConfig.SmtpSecurity.SMTPS, email.security());
    assertEquals(List.of("noc@example.net", "oncall@example.net"), email.to());
    assertEquals("warning", email.minSeverity());
    assertEquals(10, email.maxPerMinute());
    assertFalse(email.toString().contains("s3cret"));
    EmailAlertsConfig starttls =
        codec.parse("alerts: {email: {host: h, from: a@b.net, to: [c@d.net]}}").alerts().email();
    assertEquals(587, starttls.port());
    assertEquals(EmailAlertsConfig.SmtpSecurity.STARTTLS, starttls.security());
  }

  @Test
  void smtpPasswordIsMaskedAndKeptWhenTheMaskComesBack() throws ConfigException {
    ProvisioningConfig running =
        codec.parse(
            "alerts: {email: {host: h, username: u, password: s3cret, from: a@b.net, to: [c@d.net]}}");
    String shown = codec.maskedTree(running).toString();
    assertFalse(shown.contains("s3cret"), shown);
    assertTrue(shown.contains(ConfigCodec.MASK), shown);
    ProvisioningConfig back = codec.parse(codec.restoreSecrets(shown, running));
    assertEquals("s3cret", back.alerts().email().password());
  }

  /**
   * A mask sent back with its destination changed is not restored: an operator, who may not read
   * secrets, could otherwise send the running SMTP password in clear to a host of their choosing,
   * or the community of one trap receiver to another by reordering them.
   */
  @Test
  void aMaskIsNotRestoredWhereTheSecretWouldGoElsewhere() throws ConfigException {
    ProvisioningConfig running =
        codec.parse(
            """
            alerts:
              email: {host: mail.example.net, username: u, password: s3cret, from: a@b.net,
                      to: [c@d.net]}
              snmp:
                traps:
                  - {address: 127.0.0.5, community: first-community}
                  - {address: 127.0.0.6, community: second-community}
            """);
    String shown = codec.maskedTree(running).toString();
    for (String moved :
        List.of(
            shown.replace("mail.example.net", "attacker.example.org"),
            shown.replace("\"starttls\"", "\"none\""),
            shown.replace("127.0.0.5", "127.0.0.7").replace("127.0.0.6", "127.0.0.5"))) {
      ConfigException e =
          assertThrows(
              ConfigException.class, () -> codec.parse(codec.restoreSecrets(moved, running)));
      assertFalse(
          e.getMessage().contains("s3cret") || e.getMessage().contains("first-community"),
          e.getMessage());
      assertTrue(e.getMessage().contains("is the mask"), e.getMessage());
    }
    ConfigException reordered =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    codec.restoreSecrets(
                        shown.replace("127.0.0.5", "127.0.0.7").replace("127.0.0.6", "127.0.0.5"),
                        running)));
    assertEquals(
        List.of("alerts.snmp.traps[0].community", "alerts.snmp.traps[1].community"),
        reordered.errors().stream().map(ConfigError::path).toList());

    // Anything else changed beside the secret: restored as before.
    ProvisioningConfig kept =
        codec.parse(codec.restoreSecrets(shown.replace("a@b.net", "alerts@b.net"), running));
    assertEquals("s3cret", kept.alerts().email().password());
    assertEquals("first-community", kept.alerts().snmp().traps().get(0).community());
  }

  @Test
  void reportsEveryEmailAndSyslogErrorWithItsPath() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    alerts:
                      email:
                        port: 0
                        security: none
                        password: s3cret
                        from: nobody
                        to: [noc@example.net, "not an address"]
                        minSeverity: loud
                        events: [pool-full]
                        maxPerMinute: 0
                      syslog:
                        port: 70000
                        facility: local9
                        minSeverity: debug
                    """));
    assertEquals(
        List.of(
            "alerts.email.host",
            "alerts.email.port",
            "alerts.email.username",
            "alerts.email.security",
            "alerts.email.from",
            "alerts.email.to[1]",
            "alerts.email.minSeverity",
            "alerts.email.events[0]",
            "alerts.email.maxPerMinute",
            "alerts.syslog.host",
            "alerts.syslog.port",
            "alerts.syslog.facility",
            "alerts.syslog.minSeverity"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.getMessage());
    assertTrue(e.getMessage().contains("use starttls or smtps"), e.getMessage());
  }

  @Test
  void readsSyslogWithDefaults() throws ConfigException {
    SyslogAlertsConfig syslog =
        codec.parse("alerts: {syslog: {host: 127.0.0.1, protocol: tcp}}").alerts().syslog();
    assertEquals(514, syslog.port());
    assertEquals(SyslogAlertsConfig.SyslogProtocol.TCP, syslog.protocol());
    assertEquals(16, syslog.facilityCode());
    assertEquals("info", syslog.minSeverity());
  }

  @Test
  void metricsNeedTheTokenOnlyBeyondLoopbackUnlessSaid() throws ConfigException {
    assertFalse(codec.parse("management: {port: 8067}").management().metricsTokenRequired());
    assertTrue(codec.parse("management: {listen: 0.0.0.0}").management().metricsTokenRequired());
    assertFalse(
        codec
            .parse("management: {listen: 0.0.0.0, metricsRequireToken: false}")
            .management()
            .metricsTokenRequired());
    assertTrue(
        codec.parse("management: {metricsRequireToken: true}").management().metricsTokenRequired());
  }
}
