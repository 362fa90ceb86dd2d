package org.provisioning.console.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificatesTest {
  @TempDir Path dir;

  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void makesAnX509v3ServerCertificateTheJdkReadsAndVerifies() throws Exception {
    TlsMaterial made =
        SelfSignedCertificates.generate(
            "headend-1",
            List.of("localhost", "headend-1"),
            List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("192.0.2.7")),
            NOW,
            Duration.ofDays(825));
    X509Certificate cert = made.leaf();
    cert.verify(cert.getPublicKey());
    assertEquals(3, cert.getVersion());
    assertEquals("CN=headend-1", cert.getSubjectX500Principal().getName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    assertEquals("SHA256withECDSA", cert.getSigAlgName());
    assertEquals(NOW.minus(Duration.ofHours(1)), cert.getNotBefore().toInstant());
    assertEquals(NOW.plus(Duration.ofDays(825)), cert.getNotAfter().toInstant());
    assertEquals(-1, cert.getBasicConstraints(), "not a CA");
    assertTrue(cert.getKeyUsage()[0], "digitalSignature");
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage());
    List<String> names = new ArrayList<>();
    cert.getSubjectAlternativeNames().forEach(n -> names.add(n.get(0) + ":" + n.get(1)));
    assertEquals(List.of("2:localhost", "2:headend-1", "7:127.0.0.1", "7:192.0.2.7"), names);
    assertTrue(cert.getSerialNumber().signum() > 0);
    assertTrue(made.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), made.fingerprint());
  }

  @Test
  void datesFrom2050AreGeneralizedTime() throws Exception {
    Instant late = Instant.parse("2049-06-01T00:00:00Z");
    X509Certificate cert =
        SelfSignedCertificates.generate("a", List.of("a"), List.of(), late, Duration.ofDays(825))
            .leaf();
    assertEquals(late.plus(Duration.ofDays(825)), cert.getNotAfter().toInstant());
  }

  @Test
  void keepsTheCertificateAndMakesANewOneOnlyNearItsEnd() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    TlsMaterial first = ManagementTls.loadOrGenerate(dir, "alpha", loopback, NOW);
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve(ManagementTls.KEY_FILE))));
    TlsMaterial later =
        ManagementTls.loadOrGenerate(dir, "alpha", loopback, NOW.plus(Duration.ofDays(700)));
    assertEquals(first.fingerprint(), later.fingerprint());
    TlsMaterial renewed =
        ManagementTls.loadOrGenerate(dir, "alpha", loopback, NOW.plus(Duration.ofDays(800)));
    assertTrue(!first.fingerprint().equals(renewed.fingerprint()));
  }

  @Test
  void readsTheOperatorsPemFilesAndRefusesAKeyOthersMayRead() throws Exception {
    TlsMaterial made =
        SelfSignedCertificates.generate(
            "console.example.net",
            List.of("console.example.net"),
            List.of(),
            NOW,
            Duration.ofDays(90));
    Path cert = dir.resolve("console.pem");
    Path key = dir.resolve("console.key");
    PemFiles.writeCertificate(cert, made.leaf());
    PemFiles.writePrivateKey(key, made.key());
    TlsMaterial read = ManagementTls.configured(cert, key);
    assertEquals(made.fingerprint(), read.fingerprint());
    assertEquals(cert.toString(), read.source());

    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    var open = assertThrows(java.io.IOException.class, () -> ManagementTls.configured(cert, key));
    assertTrue(open.getMessage().contains("chmod 600"), open.getMessage());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

    TlsMaterial other =
        SelfSignedCertificates.generate(
            "other", List.of("other"), List.of(), NOW, Duration.ofDays(9));
    Path otherKey = dir.resolve("other.key");
    PemFiles.writePrivateKey(otherKey, other.key());
    var mismatch =
        assertThrows(java.io.IOException.class, () -> ManagementTls.configured(cert, otherKey));
    assertTrue(mismatch.getMessage().contains("does not belong"), mismatch.getMessage());

    Path pkcs1 = dir.resolve("rsa.key");
    Files.writeString(
        pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(pkcs1, PosixFilePermissions.fromString("rw-------"));
    var legacy =
        assertThrows(java.io.IOException.class, () -> ManagementTls.configured(cert, pkcs1));
    assertTrue(legacy.getMessage().contains("openssl pkcs8 -topk8"), legacy.getMessage());
  }

  @Test
  void normalisesFingerprintsAsPeopleTypeThem() {
    String canonical = "AB:".repeat(31) + "AB";
    assertEquals(canonical, TlsMaterial.normaliseFingerprint("ab".repeat(32)));
    assertEquals(canonical, TlsMaterial.normaliseFingerprint("sha256=" + canonical.toLowerCase()));
    assertThrows(IllegalArgumentException.class, () -> TlsMaterial.normaliseFingerprint("AB:CD"));
  }
}
