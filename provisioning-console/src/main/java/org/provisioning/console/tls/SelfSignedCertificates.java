package org.provisioning.console.tls;

import static org.provisioning.console.tls.DerWriter.bitString;
import static org.provisioning.console.tls.DerWriter.bool;
import static org.provisioning.console.tls.DerWriter.explicit;
import static org.provisioning.console.tls.DerWriter.integer;
import static org.provisioning.console.tls.DerWriter.octetString;
import static org.provisioning.console.tls.DerWriter.oid;
import static org.provisioning.console.tls.DerWriter.sequence;
import static org.provisioning.console.tls.DerWriter.set;
import static org.provisioning.console.tls.DerWriter.time;
import static org.provisioning.console.tls.DerWriter.tlv;
import static org.provisioning.console.tls.DerWriter.utf8String;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the self-signed certificate a fresh installation serves HTTPS with, using the JDK alone: an
 * EC P-256 key, an X.509 v3 certificate (RFC 5280) signed with ECDSA over SHA-256 (RFC 5758 3.2),
 * for server authentication, naming the host in its subject alternative names. The JDK parses and
 * verifies the result before it is returned.
 */
public final class SelfSignedCertificates {
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  private SelfSignedCertificates() {}

  /**
   * @param commonName the subject's CN (the server's name)
   * @param dnsNames DNS names for the subject alternative names
   * @param addresses IP addresses for the subject alternative names
   * @param validity how long from {@code now}; it starts an hour before, for clocks behind ours
   */
  public static TlsMaterial generate(
      String commonName,
      List<String> dnsNames,
      List<InetAddress> addresses,
      Instant now,
      Duration validity)
      throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();

    byte[] serialBytes = new byte[16];
    new SecureRandom().nextBytes(serialBytes);
    serialBytes[0] = (byte) ((serialBytes[0] & 0x7f) | 0x01); // positive, non-zero, 16 octets
    byte[] algorithm = sequence(oid(ECDSA_WITH_SHA256));
    byte[] name = sequence(set(sequence(oid(COMMON_NAME), utf8String(commonName))));
    byte[] validityDates =
        sequence(
            time(now.minus(Duration.ofHours(1)).atZone(ZoneOffset.UTC)),
            time(now.plus(validity).atZone(ZoneOffset.UTC)));

    List<byte[]> altNames = new ArrayList<>();
    for (String dns : dnsNames) {
      altNames.add(tlv(0x82, dns.getBytes(StandardCharsets.US_ASCII)));
    }
    for (InetAddress address : addresses) {
      altNames.add(tlv(0x87, address.getAddress()));
    }
    byte[] extensions =
        sequence(
            extension(BASIC_CONSTRAINTS, true, sequence()),
            // digitalSignature only: the key signs TLS handshakes (ECDHE), nothing else.
            extension(KEY_USAGE, true, tlv(0x03, new byte[] {0x07, (byte) 0x80})),
            extension(EXTENDED_KEY_USAGE, false, sequence(oid(SERVER_AUTH))),
            extension(SUBJECT_ALT_NAME, false, sequence(altNames.toArray(byte[][]::new))));
    byte[] tbs =
        sequence(
            explicit(0, integer(BigInteger.TWO)),
            integer(new BigInteger(1, serialBytes)),
            algorithm,
            name,
            validityDates,
            name,
            pair.getPublic().getEncoded(),
            explicit(3, extensions));

    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(pair.getPrivate());
    signer.update(tbs);
    byte[] der = sequence(tbs, algorithm, bitString(signer.sign()));

    X509Certificate certificate =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    certificate.verify(pair.getPublic());
    return new TlsMaterial(pair.getPrivate(), List.of(certificate), "generated");
  }

  private static byte[] extension(String id, boolean critical, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(oid(id));
    if (critical) {
      out.writeBytes(bool(true));
    }
    out.writeBytes(octetString(value));
    return tlv(0x30, out.toByteArray());
  }
}
