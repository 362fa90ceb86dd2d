package org.provisioning.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.Role;

/**
 * The admin request {@code provisionctl setup} leaves in the data folder, taken at start on the
 * real state bus: the user is made durably (it is there after a restart) and audited, the request
 * is deleted; a name taken meanwhile keeps its password; a damaged request makes nobody.
 */
class FirstAdminTest {
  @TempDir Path dir;

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
  private final PasswordHasher hasher = new PasswordHasher(1_000);

  private record Server(StateBus bus, ConsoleAccess access) implements AutoCloseable {
    @Override
    public void close() {
      bus.close();
      access.close();
    }
  }

  private Server open() throws Exception {
    ConsoleAccess access = new ConsoleAccess(CLOCK);
    StateBus bus =
        StateBus.open(
            dir.resolve("journal"), 1, CLOCK, new StatisticsRegistry(), access.participants());
    access.attach(bus);
    return new Server(bus, access);
  }

  private Path request(String text) throws Exception {
    return Files.writeString(dir.resolve(FirstAdmin.FILE_NAME), text);
  }

  @Test
  void theRequestedAdminIsMadeDurablyAndAuditedAndTheRequestDeleted() throws Exception {
    Path request = request(FirstAdmin.request("ada", hasher.hash("ada's long password")));
    try (Server server = open()) {
      server.access().createRequestedAdmin(dir, "headend-a");
      AuditEntry entry = server.access().audit().newest(1, null, null).get(0);
      assertEquals("setup", entry.actor());
      assertEquals("added ada (admin), the first console admin", entry.summary());
    }
    assertFalse(Files.exists(request));
    try (Server server = open()) {
      ConsoleUser ada = server.access().users().find("ada").orElseThrow();
      assertEquals(Role.ADMIN, ada.role());
      assertEquals("setup", ada.changedBy());
      assertTrue(hasher.verify("ada's long password", ada.passwordHash()));
    }
  }

  @Test
  void aNameThatExistsKeepsItsPassword() throws Exception {
    try (Server server = open()) {
      String hash = hasher.hash("the first password");
      Instant now = CLOCK.instant();
      server
          .access()
          .users()
          .create(new ConsoleUser("ada", Role.VIEWER, hash, now, now, "test", false))
          .join();
      Path request = request(FirstAdmin.request("ada", hasher.hash("another long password")));
      server.access().createRequestedAdmin(dir, "headend-a");
      assertFalse(Files.exists(request));
      ConsoleUser ada = server.access().users().find("ada").orElseThrow();
      assertEquals(Role.VIEWER, ada.role());
      assertEquals(hash, ada.passwordHash());
    }
  }

  @Test
  void aDamagedRequestMakesNobodyAndIsDeleted() throws Exception {
    String good = FirstAdmin.request("ada", hasher.hash("ada's long password"));
    for (String damaged :
        new String[] {
          good.replace("format=1", "format=2"),
          good.replaceAll("hash=.*", "hash=ada's long password"),
          good.replace("name=ada", "name=Ada Lovelace"),
          ""
        }) {
      Path request = request(damaged);
      try (Server server = open()) {
        server.access().createRequestedAdmin(dir, "headend-a");
        assertTrue(server.access().users().list().isEmpty(), damaged);
      }
      assertFalse(Files.exists(request), damaged);
    }
  }

  @Test
  void aRequestCarriesAHashNeverAPassword() {
    assertThrows(
        IllegalArgumentException.class, () -> FirstAdmin.request("ada", "ada's long password"));
    assertThrows(
        IllegalArgumentException.class,
        () -> FirstAdmin.request("Ada", hasher.hash("ada's long password")));
  }
}
