package org.provisioning.console.tls;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.provisioning.common.config.ManagementConfig;
import org.provisioning.common.config.ManagementTlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how the management listener serves: plain HTTP on loopback unless told otherwise, HTTPS
 * everywhere else, with the operator's PEM certificate and key, or else with a self-signed
 * certificate made at first start and kept in {@code dataDir/tls} (made again only when it nears
 * its end). Its SHA-256 fingerprint goes to the log ({@code MANAGEMENT_TLS_CERTIFICATE}) so that an
 * operator can compare it with what the browser shows.
 */
public final class ManagementTls {
  private static final Logger log = LoggerFactory.getLogger(ManagementTls.class);

  public static final String DIRECTORY = "tls";
  public static final String CERTIFICATE_FILE = "management.crt";
  public static final String KEY_FILE = "management.key";

  /** The longest validity clients accept for a TLS server certificate (Apple's 825 days). */
  static final Duration VALIDITY = Duration.ofDays(825);

  /** A generated certificate this close to its end is made again at start. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private ManagementTls() {}

  /**
   * What the listener serves HTTPS with, or empty when it serves plain HTTP (loopback only).
   *
   * @param home the installation: configured paths are relative to it
   * @throws IOException when the configured files cannot be used (missing, unreadable, a key that
   *     others may read or that does not belong to the certificate): the server must not start
   *     then, rather than fall back on plain HTTP
   */
  public static Optional<TlsMaterial> forListener(
      ManagementConfig management, String serverName, Path home, Path dataDir, Clock clock)
      throws IOException {
    if (!management.tlsRequired()) {
      return Optional.empty();
    }
    ManagementTlsConfig tls = management.tls();
    TlsMaterial material;
    if (tls.certificate() != null && !tls.certificate().isBlank()) {
      material = configured(home.resolve(tls.certificate()), home.resolve(tls.key()));
    } else {
      material =
          loadOrGenerate(
              dataDir.resolve(DIRECTORY),
              serverName,
              management.listen().toInetAddress(),
              clock.instant());
    }
    log.info(
        "MANAGEMENT_TLS_CERTIFICATE sha256={} source={} subject=\"{}\" notAfter={}",
        material.fingerprint(),
        material.source(),
        material.leaf().getSubjectX500Principal().getName(),
        material.leaf().getNotAfter().toInstant());
    return Optional.of(material);
  }

  /** The certificate file the listener serves, for a client on this machine to trust it. */
  public static Optional<Path> certificateFile(
      ManagementConfig management, Path home, Path dataDir) {
    if (!management.tlsRequired()) {
      return Optional.empty();
    }
    String configured = management.tls().certificate();
    return Optional.of(
        configured != null && !configured.isBlank()
            ? home.resolve(configured)
            : dataDir.resolve(DIRECTORY).resolve(CERTIFICATE_FILE));
  }

  /** The operator's certificate and key, checked: readable, owner-only key, a matching pair. */
  public static TlsMaterial configured(Path certificate, Path key) throws IOException {
    List<X509Certificate> chain = PemFiles.readCertificates(certificate);
    PemFiles.checkOwnerOnly(key);
    PrivateKey privateKey = PemFiles.readPrivateKey(key);
    if (!matches(privateKey, chain.get(0).getPublicKey())) {
      throw new IOException(
          "the private key " + key + " does not belong to the certificate " + certificate);
    }
    return new TlsMaterial(privateKey, chain, certificate.toString());
  }

  /**
   * The self-signed certificate in {@code directory}, made now if there is none or it nears its
   * end.
   */
  static TlsMaterial loadOrGenerate(
      Path directory, String serverName, InetAddress listen, Instant now) throws IOException {
    Path certificate = directory.resolve(CERTIFICATE_FILE);
    Path key = directory.resolve(KEY_FILE);
    if (Files.exists(certificate) && Files.exists(key)) {
      TlsMaterial existing = generatedPair(certificate, key);
      if (existing != null) {
        Instant end = existing.leaf().getNotAfter().toInstant();
        if (end.minus(RENEW_BEFORE).isAfter(now)) {
          return new TlsMaterial(existing.key(), existing.chain(), "generated");
        }
        log.warn(
            "MANAGEMENT_TLS_CERTIFICATE_RENEWED sha256={} notAfter={}: a new self-signed"
                + " certificate replaces it; browsers will ask to trust the new one",
            existing.fingerprint(),
            end);
      }
    }
    Files.createDirectories(directory);
    TlsMaterial made;
    try {
      made =
          SelfSignedCertificates.generate(
              serverName, dnsNames(serverName), addresses(listen), now, VALIDITY);
      PemFiles.writePrivateKey(key, made.key());
      PemFiles.writeCertificate(certificate, made.leaf());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a self-signed certificate: " + e.getMessage(), e);
    }
    log.info(
        "MANAGEMENT_TLS_GENERATED certificate={} sha256={}: a self-signed certificate for the"
            + " management API",
        certificate,
        made.fingerprint());
    return made;
  }

  /**
   * The pair this server generated, or null if it does not read as one: the key and the certificate
   * are replaced one after the other, and a crash between the two (or a power loss before either
   * reached the disk) left a key beside another key's certificate, or an empty file, and every
   * start after that failed. Being this server's own, the pair is made again.
   */
  private static TlsMaterial generatedPair(Path certificate, Path key) {
    try {
      return configured(certificate, key);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "MANAGEMENT_TLS_GENERATED_PAIR_UNREADABLE certificate={}: {}; a new self-signed pair"
              + " replaces it",
          certificate,
          e.getMessage());
      return null;
    }
  }

  private static List<String> dnsNames(String serverName) {
    Set<String> names = new LinkedHashSet<>();
    names.add("localhost");
    if (serverName != null && serverName.matches("[A-Za-z0-9][A-Za-z0-9.\\-]*")) {
      names.add(serverName);
    }
    return new ArrayList<>(names);
  }

  /**
   * The addresses clients reach the listener at: the one it listens on, or with a wildcard every
   * IPv4 address of this machine's interfaces (read locally, no name lookups), and loopback.
   */
  private static List<InetAddress> addresses(InetAddress listen) {
    Set<InetAddress> all = new LinkedHashSet<>();
    if (listen.isAnyLocalAddress()) {
      try {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          for (InetAddress address : Collections.list(nic.getInetAddresses())) {
            if (address instanceof Inet4Address) {
              all.add(address);
            }
          }
        }
      } catch (SocketException e) {
        log.debug("MANAGEMENT_TLS_NO_INTERFACES {}", e.toString());
      }
    } else {
      all.add(listen);
    }
    all.add(InetAddress.getLoopbackAddress());
    return new ArrayList<>(all);
  }

  private static boolean matches(PrivateKey key, PublicKey certified) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return true; // Let the TLS handshake judge a kind of key we cannot test here.
    }
    try {
      byte[] probe = "provisiond key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
