package org.provisioning.dhcp.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.provisioning.common.io.DurableFiles;

/**
 * The pair's shared secret, kept in the data directory, readable by the owner only. The secondary
 * creates it at its first start; the operator gives it to the primary ({@code provisionctl failover
 * init}). Frames are keyed with a key derived from it ({@link FrameAuthenticator#deriveKey}).
 */
public final class PairingSecret {
  public static final String FILE = "failover.secret";

  private PairingSecret() {}

  /** The stored secret, or empty if this server was never paired. */
  public static Optional<String> load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
    return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
  }

  /** The stored secret, created (256 random bits, hex) if there is none yet. */
  public static String loadOrCreate(Path dataDir) throws IOException {
    Optional<String> existing = load(dataDir);
    if (existing.isPresent()) {
      return existing.get();
    }
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String secret = HexFormat.of().formatHex(bytes);
    store(dataDir, secret);
    return secret;
  }

  /**
   * What the logs show of a secret: the first 16 hex digits of its SHA-256, enough for an operator
   * to see that both servers hold the same secret, of no use to whoever reads the logs (journald's
   * readers, a log collector) for forging frames or records.
   */
  public static String fingerprint(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Stores a secret given by the operator, replacing any other; owner-only permissions. */
  public static void store(Path dataDir, String secret) throws IOException {
    if (secret == null || secret.isBlank() || secret.length() < 16) {
      throw new IllegalArgumentException("a pairing secret has at least 16 characters");
    }
    Files.createDirectories(dataDir);
    DurableFiles.replace(dataDir.resolve(FILE), secret.trim() + "\n");
  }
}
