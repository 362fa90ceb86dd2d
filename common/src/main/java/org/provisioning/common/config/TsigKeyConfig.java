package org.provisioning.common.config;

import java.util.Set;

/**
 * A TSIG key (RFC 8945), as BIND writes it: name, algorithm and the base64 secret.
 *
 * @param algorithm {@code hmac-sha256} (the default), {@code hmac-sha224}, {@code hmac-sha384},
 *     {@code hmac-sha512} or {@code hmac-sha1}
 */
public record TsigKeyConfig(String name, String algorithm, @Secret String secret) {
  public static final Set<String> ALGORITHMS =
      Set.of("hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512");

  public TsigKeyConfig {
    algorithm = algorithm == null ? "hmac-sha256" : algorithm.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "TsigKeyConfig[name=" + name + ", algorithm=" + algorithm + ", secret=***]";
  }
}
