package org.provisioning.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManagementSecurityConfigTest {
  private final ConfigCodec codec = new ConfigCodec();

  @Test
  void loopbackServesPlainHttpAndAnyOtherAddressHttps() throws ConfigException {
    assertFalse(codec.parse("").management().tlsRequired());
    assertTrue(codec.parse("management: {listen: 0.0.0.0}").management().tlsRequired());
    assertTrue(codec.parse("management: {listen: 192.0.2.10}").management().tlsRequired());
    assertTrue(codec.parse("management: {tls: {enabled: true}}").management().tlsRequired());
    assertFalse(codec.parse("management: {tls: {enabled: false}}").management().tlsRequired());
  }

  @Test
  void loginDefaults() throws ConfigException {
    ManagementLoginConfig login = codec.parse("").management().login();
    assertEquals(15, login.sessionIdleMinutes());
    assertEquals(5, login.maxFailures());
    assertEquals(15, login.lockoutMinutes());
  }

  @Test
  void refusesPlainHttpOffLoopbackAHalfCertificateAndLimitsOutOfRange() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    management:
                      listen: 0.0.0.0
                      tls: {enabled: false, certificate: conf/console.pem}
                      login: {sessionIdleMinutes: 0, maxFailures: 1000, lockoutMinutes: 5}
                    """));
    assertEquals(
        List.of(
            "management.tls.enabled",
            "management.tls.key",
            "management.login.sessionIdleMinutes",
            "management.login.maxFailures"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.errors().toString());
    assertTrue(e.errors().get(0).message().contains("HTTPS only"), e.errors().toString());
  }

  @Test
  void unknownKeysUnderTlsAreErrors() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> codec.parse("management: {tls: {certfile: a.pem}}"));
    assertEquals("management.tls.certfile", e.errors().get(0).path());
  }
}
