package org.provisioning.console.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.provisioning.console.api.ApiPrincipal;
import org.provisioning.console.api.Role;

/**
 * A console user's whole state, as one USER record carries it: a change is a new whole value, and a
 * removal is a value marked {@code removed} (so that it wins over an older record replayed or
 * received later).
 *
 * @param passwordHash {@link PasswordHasher} form; empty once removed
 * @param changedAt when this value was made: of two values for one name, the later one stands
 * @param changedBy who made it (a user's name, or {@value ApiPrincipal#TOKEN_NAME})
 */
public record ConsoleUser(
    String name,
    Role role,
    String passwordHash,
    Instant createdAt,
    Instant changedAt,
    String changedBy,
    boolean removed) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");
  private static final int FORMAT = 1;

  public ConsoleUser {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(passwordHash, "passwordHash");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(changedAt, "changedAt");
    Objects.requireNonNull(changedBy, "changedBy");
  }

  /** Whether an account could have this name (a login with another names nobody). */
  public static boolean possibleName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Refuses a name that is not lower-case letters, digits and {@code . _ @ -}, or is reserved. */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "user name '"
              + name
              + "' is not 1-64 lower-case letters, digits and . _ @ - (starting with a letter or"
              + " digit)");
    }
    if (name.equals(ApiPrincipal.TOKEN_NAME)) {
      throw new IllegalArgumentException("'" + name + "' is reserved for the API token");
    }
    return name;
  }

  /** Whether this value replaces {@code other}: it is later, or as late and larger in its form. */
  boolean supersedes(ConsoleUser other) {
    int byTime = changedAt.compareTo(other.changedAt);
    if (byTime != 0) {
      return byTime > 0;
    }
    // Same instant on both servers: any fixed rule will do, so both end with the same value.
    return java.util.Arrays.compare(encode(), other.encode()) > 0;
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeUTF(name);
      out.writeUTF(role.name());
      out.writeUTF(passwordHash);
      out.writeLong(createdAt.toEpochMilli());
      out.writeLong(changedAt.toEpochMilli());
      out.writeUTF(changedBy);
      out.writeBoolean(removed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static ConsoleUser decode(byte[] payload) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IOException("user record format " + format + " is not " + FORMAT);
      }
      String name = in.readUTF();
      Role role;
      try {
        role = Role.valueOf(in.readUTF());
      } catch (IllegalArgumentException e) {
        throw new IOException("unknown role in the user record of " + name, e);
      }
      return new ConsoleUser(
          name,
          role,
          in.readUTF(),
          Instant.ofEpochMilli(in.readLong()),
          Instant.ofEpochMilli(in.readLong()),
          in.readUTF(),
          in.readBoolean());
    }
  }
}
