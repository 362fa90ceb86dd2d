package org.provisioning.console.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret that guards the management API. Written to {@code dataDir/api-token} (owner-only) at
 * first start; whoever can read that file, {@code provisionctl} run by the same user, may manage
 * the server.
 */
public final class ApiToken {
  public static final String FILE_NAME = "api-token";

  private final String value;

  private ApiToken(String value) {
    this.value = value;
  }

  public static ApiToken of(String value) {
    return new ApiToken(value.strip());
  }

  /** Reads the token in {@code dataDir}, creating it (and the directory) if there is none. */
  public static ApiToken loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      return read(file);
    }
    Files.createDirectories(dataDir);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    try {
      // Owner-only from its creation: made under the umask and narrowed after, it was readable
      // meanwhile, and for good if the process died between the two.
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        // Not a POSIX file system: the directory's own permissions guard it.
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException raced) {
      return read(file);
    }
    Files.writeString(file, token + "\n", StandardOpenOption.WRITE);
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
