package org.provisioning.common.config;

import java.util.function.BiConsumer;

/**
 * The rules of {@code management.tls} and {@code management.login}: plain HTTP never leaves
 * loopback, a certificate comes with its key, and the login limits stay within sane bounds. The
 * files themselves (present, readable, owner-only key) are checked where they are read, at start.
 */
final class ManagementSecurityValidator {
  private ManagementSecurityValidator() {}

  static void validate(ManagementConfig management, BiConsumer<String, String> error) {
    ManagementTlsConfig tls = management.tls();
    if (Boolean.FALSE.equals(tls.enabled())
        && !management.listen().toInetAddress().isLoopbackAddress()) {
      error.accept(
          "management.tls.enabled",
          "false is allowed on a loopback listen address only; management.listen "
              + management.listen()
              + " is reachable from the network, where the API is served over HTTPS only (leave"
              + " enabled out, or listen on 127.0.0.1)");
    }
    boolean certificate = tls.certificate() != null && !tls.certificate().isBlank();
    boolean key = tls.key() != null && !tls.key().isBlank();
    if (certificate && !key) {
      error.accept(
          "management.tls.key",
          "is missing; a certificate needs its private key (a PEM file, PKCS#8)");
    } else if (key && !certificate) {
      error.accept(
          "management.tls.certificate",
          "is missing; give the PEM certificate of the key, or leave both out for a self-signed"
              + " one");
    }
    ManagementLoginConfig login = management.login();
    range(error, "management.login.sessionIdleMinutes", login.sessionIdleMinutes(), 1, 1440);
    range(error, "management.login.maxFailures", login.maxFailures(), 1, 100);
    range(error, "management.login.lockoutMinutes", login.lockoutMinutes(), 1, 1440);
  }

  private static void range(
      BiConsumer<String, String> error, String path, int value, int min, int max) {
    if (value < min || value > max) {
      error.accept(path, value + " is outside " + min + "-" + max);
    }
  }
}
