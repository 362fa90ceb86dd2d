package org.provisioning.console.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What the management listener serves HTTPS with: its private key and certificate chain (leaf
 * first), and where they came from.
 *
 * @param source {@code generated} (self-signed, in the data directory) or the configured
 *     certificate's path
 */
public record TlsMaterial(PrivateKey key, List<X509Certificate> chain, String source) {

  public TlsMaterial {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least the leaf");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The leaf's SHA-256 fingerprint as browsers and {@code openssl x509 -fingerprint} show it. */
  public String fingerprint() {
    return fingerprint(leaf());
  }

  public static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("the certificate cannot be encoded", e);
    }
  }

  /** A fingerprint as typed by a person (any case, colons or not) in its canonical form. */
  public static String normaliseFingerprint(String text) {
    String hex = text.strip().replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
    if (hex.startsWith("SHA256=") || hex.startsWith("SHA-256=")) {
      hex = hex.substring(hex.indexOf('=') + 1);
    }
    if (!hex.matches("[0-9A-F]{64}")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a SHA-256 fingerprint (64 hex digits, colons optional)");
    }
    return HexFormat.ofDelimiter(":")
        .formatHex(HexFormat.of().parseHex(hex))
        .toUpperCase(Locale.ROOT);
  }
}
