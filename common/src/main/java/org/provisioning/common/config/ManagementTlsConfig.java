package org.provisioning.common.config;

/**
 * How the management listener protects its traffic. Plain HTTP is served only on a loopback
 * address; on any other address the listener speaks HTTPS only.
 *
 * @param enabled null (the default): HTTPS unless the listener is on loopback; true: HTTPS on
 *     loopback too; false: plain HTTP, allowed only on loopback
 * @param certificate a PEM certificate chain (leaf first), relative to the installation; left out
 *     with {@code key}, provisiond makes a self-signed certificate at first start and keeps it in
 *     {@code dataDir/tls}
 * @param key the PEM (PKCS#8) private key of {@code certificate}; readable by its owner only
 */
public record ManagementTlsConfig(Boolean enabled, String certificate, String key) {

  public static ManagementTlsConfig defaults() {
    return new ManagementTlsConfig(null, null, null);
  }
}
