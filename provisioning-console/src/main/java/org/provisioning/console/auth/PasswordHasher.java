package org.provisioning.console.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Passwords stored as PBKDF2 with HMAC-SHA256 (RFC 8018 5.2) from the JDK, a random 16-octet salt
 * per password and many iterations, as {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (base64): a
 * stolen hash costs an attacker the same work per guess as it costs the server per login. The
 * iteration count is kept with each hash, so raising it later leaves existing passwords valid.
 */
public final class PasswordHasher {
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about a quarter second per login here. */
  public static final int DEFAULT_ITERATIONS = 600_000;

  public static final int MIN_LENGTH = 10;
  public static final int MAX_LENGTH = 1024;

  private static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private final int iterations;
  private final SecureRandom random = new SecureRandom();

  public PasswordHasher() {
    this(DEFAULT_ITERATIONS);
  }

  /** Fewer iterations are for tests only. */
  public PasswordHasher(int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations " + iterations + " < 1");
    }
    this.iterations = iterations;
  }

  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME
        + "$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(derive(password, salt, iterations));
  }

  /** Whether {@code password} is the one hashed; in time independent of where they differ. */
  public boolean verify(String password, String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME) || password == null || password.isEmpty()) {
      return false;
    }
    try {
      int rounds = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      return MessageDigest.isEqual(expected, derive(password, salt, rounds));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Whether {@code stored} has the form {@link #hash} gives, so that {@link #verify} can use it.
   */
  public static boolean wellFormed(String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      return false;
    }
    try {
      return Integer.parseInt(parts[1]) > 0
          && Base64.getDecoder().decode(parts[2]).length == SALT_BYTES
          && Base64.getDecoder().decode(parts[3]).length == HASH_BITS / 8;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Does the work of one verification and throws it away: a login for a name that does not exist
   * takes as long as one for a name that does, so timing does not tell names apart.
   */
  public void verifyNothing(String password) {
    derive(
        password == null || password.isEmpty() ? "-" : password, new byte[SALT_BYTES], iterations);
  }

  /**
   * Refuses a password too short to resist guessing, too long to hash cheaply, or equal to the
   * user's name.
   */
  public static void checkAcceptable(String name, String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the password needs at least " + MIN_LENGTH + " characters");
    }
    if (password.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "the password is longer than " + MAX_LENGTH + " characters");
    }
    if (password.equalsIgnoreCase(name)) {
      throw new IllegalArgumentException("the password may not be the user's name");
    }
  }

  private static byte[] derive(String password, byte[] salt, int rounds) {
    char[] chars = password.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, rounds, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(chars, '\0');
    }
  }
}
