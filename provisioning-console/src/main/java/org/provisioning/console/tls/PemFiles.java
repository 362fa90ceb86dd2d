package org.provisioning.console.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.provisioning.common.io.DurableFiles;

/** Reads and writes certificates and private keys in PEM (RFC 7468). */
public final class PemFiles {
  private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String KEY_END = "-----END PRIVATE KEY-----";
  private static final Set<PosixFilePermission> NOT_FOR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private PemFiles() {}

  /** Every certificate in a PEM file, in order (the leaf first in a chain). */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        chain.add((X509Certificate) c);
      }
      if (chain.isEmpty()) {
        throw new IOException(file + " holds no PEM certificate");
      }
      return chain;
    } catch (CertificateException e) {
      throw new IOException(file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /**
   * An unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}), RSA or EC. Other forms are
   * refused with the command that converts them.
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new IOException(
          file
              + " is encrypted; provisiond reads an unencrypted key that only its own user can"
              + " read: openssl pkcs8 -topk8 -nocrypt -in "
              + file
              + " -out key.pem");
    }
    int begin = text.indexOf(KEY_BEGIN);
    int end = text.indexOf(KEY_END);
    if (begin < 0 || end < begin) {
      throw new IOException(
          file
              + " holds no PKCS#8 key (BEGIN PRIVATE KEY); convert a PKCS#1 or SEC1 key with:"
              + " openssl pkcs8 -topk8 -nocrypt -in "
              + file
              + " -out key.pem");
    }
    byte[] der =
        Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end).strip());
    for (String algorithm : List.of("EC", "RSA", "RSASSA-PSS", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new IOException(file + " holds a private key of a kind this server cannot use");
  }

  /**
   * Refuses a key file that anyone but its owner may read or write: on a shared machine such a key
   * is as good as published.
   */
  public static void checkOwnerOnly(Path file) throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    Set<PosixFilePermission> open = EnumSet.copyOf(NOT_FOR_OTHERS);
    open.retainAll(permissions);
    if (!open.isEmpty()) {
      throw new IOException(
          "the private key "
              + file
              + " may be read or written by others ("
              + PosixFilePermissions.toString(permissions)
              + "); make it the server user's alone: chmod 600 "
              + file);
    }
  }

  public static void writeCertificate(Path file, X509Certificate certificate)
      throws IOException, GeneralSecurityException {
    write(file, pem("CERTIFICATE", certificate.getEncoded()), false);
  }

  /** Writes the key in PKCS#8, owner-only from the moment the file exists. */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    write(file, pem("PRIVATE KEY", key.getEncoded()), true);
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static void write(Path file, String text, boolean secret) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          temporary,
          PosixFilePermissions.asFileAttribute(
              PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
    }
    Files.writeString(temporary, text, StandardCharsets.US_ASCII);
    // Synced: a power loss could otherwise leave an empty certificate or key under its name, and
    // the listener refused to start. The temporary file is beside it, so the rename is atomic.
    DurableFiles.moveInto(temporary, file);
  }
}
