package org.provisioning.console.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.provisioning.console.api.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first console admin that {@code provisionctl setup} asks for, handed to provisiond through a
 * file in its data folder: the wizard runs before the server does (or while it still runs on the
 * config being replaced), so it cannot add the user through the API as {@code provisionctl user
 * add} does. It writes the name and the password's {@link PasswordHasher} hash (never the password)
 * owner-only; provisiond, at its next start, once the state bus has replayed and before the API
 * listens, adds the user to the same {@link UserStore} the API adds to (a USER record, replicated
 * like any), audits it, and deletes the file. A name that exists by then is left as it is.
 *
 * <p>The file is text, one {@code key=value} a line: {@code format=1}, {@code name}, {@code hash}.
 */
public final class FirstAdmin {
  /** The file in the data folder. */
  public static final String FILE_NAME = "console-admin.request";

  /** Who the user record and the audit entry say made the user. */
  static final String ACTOR = "setup";

  private static final int FORMAT = 1;
  private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

  private FirstAdmin() {}

  /** The file's text for this admin. */
  public static String request(String name, String passwordHash) {
    ConsoleUser.checkName(name);
    if (!PasswordHasher.wellFormed(passwordHash)) {
      throw new IllegalArgumentException("not a password hash of this release");
    }
    return "# provisionctl setup: provisiond adds this console admin at its next start, then"
        + " deletes this file\nformat="
        + FORMAT
        + "\nname="
        + name
        + "\nhash="
        + passwordHash
        + "\n";
  }

  /**
   * Adds the admin a request file in {@code dataDir} asks for, durably, then deletes the file. An
   * unreadable file is logged and deleted: it can only be remade by the wizard, and the server
   * starts either way ({@code provisionctl user add} makes a user on a running server).
   *
   * @param server this server's name, for the audit entry
   */
  static void createIfRequested(
      Path dataDir, UserStore users, AuditLog audit, Clock clock, String server) {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      Map<String, String> fields = read(file);
      String name = ConsoleUser.checkName(fields.get("name"));
      String hash = fields.get("hash");
      if (!String.valueOf(FORMAT).equals(fields.get("format"))
          || !PasswordHasher.wellFormed(hash)) {
        throw new IllegalArgumentException(
            "it is not format " + FORMAT + " with a password hash of this release");
      }
      if (users.find(name).isPresent()) {
        log.warn(
            "CONSOLE_FIRST_ADMIN_EXISTS name={}: the user is left as it is (provisionctl user"
                + " passwd gives it a new password)",
            name);
      } else {
        Instant now = clock.instant();
        users
            .create(new ConsoleUser(name, Role.ADMIN, hash, now, now, ACTOR, false))
            .get(30, TimeUnit.SECONDS);
        audit
            .record(
                new AuditEntry(
                    now,
                    server,
                    ACTOR,
                    "provisionctl setup",
                    "",
                    "user add",
                    201,
                    "added " + name + " (admin), the first console admin",
                    ""))
            .get(30, TimeUnit.SECONDS);
        log.info("CONSOLE_FIRST_ADMIN_CREATED name={} role=admin", name);
      }
    } catch (IllegalArgumentException | IOException e) {
      log.error(
          "CONSOLE_FIRST_ADMIN_UNREADABLE file={}: {}; no user was made (provisionctl user add"
              + " makes one)",
          file,
          e.getMessage());
    } catch (Exception e) {
      // Not durable: the file stays, so the next start tries again.
      log.error("CONSOLE_FIRST_ADMIN_NOT_SAVED file={}: {}", file, e.toString());
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.error("CONSOLE_FIRST_ADMIN_NOT_DELETED file={}: {}", file, e.toString());
    }
  }

  private static Map<String, String> read(Path file) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        fields.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return fields;
  }
}
