package org.provisioning.console.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.provisioning.common.io.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret that guards the management API. Written to {@code dataDir/api-token} (owner-only) at
 * first start; whoever can read that file, {@code provisionctl} run by the same user, may manage
 * the server.
 */
public final class ApiToken {
  public static final String FILE_NAME = "api-token";
  private static final Logger log = LoggerFactory.getLogger(ApiToken.class);

  private final String value;

  private ApiToken(String value) {
    this.value = value;
  }

  public static ApiToken of(String value) {
    return new ApiToken(value.strip());
  }

  /**
   * Reads the token in {@code dataDir}, creating it (and the directory) if there is none. The file
   * appears only with its token in it, synced: made empty and then written, a crash between the two
   * (or a power loss before the write reached the disk) left an empty file, and every start after
   * that failed. An empty one, which only that could leave and no client can have read a token
   * from, is given a new token.
   */
  public static ApiToken loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file) && !Files.readString(file, StandardCharsets.UTF_8).isBlank()) {
      return read(file);
    }
    Files.createDirectories(dataDir);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    if (Files.exists(file)) {
      log.warn("API_TOKEN_EMPTY file={}: left by a crash as it was made; a new one is made", file);
      DurableFiles.replace(file, token + "\n");
      return new ApiToken(token);
    }
    try {
      DurableFiles.create(file, token + "\n");
    } catch (FileAlreadyExistsException raced) {
      return read(file);
    }
    return new ApiToken(token);
  }

  public static ApiToken read(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw new IOException(file + " is empty; delete it and restart provisiond to make a new one");
    }
    return new ApiToken(token);
  }

  public String value() {
    return value;
  }

  /** Checks an {@code Authorization: Bearer ...} header in constant time. */
  public boolean admits(String authorizationHeader) {
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(
        authorizationHeader.substring(7).strip().getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }
}
