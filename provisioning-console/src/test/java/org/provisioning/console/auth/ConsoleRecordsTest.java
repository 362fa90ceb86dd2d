package org.provisioning.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.Role;

/**
 * Users and the audit log on the real state bus: they survive a restart (from the journal, and from
 * a snapshot), and the records one server journals reach the other as the failover stream delivers
 * them (appended as the partner's records, then heard by the listeners).
 */
class ConsoleRecordsTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private final PasswordHasher hasher = new PasswordHasher(1_000);

  private record Server(StateBus bus, ConsoleAccess access) implements AutoCloseable {
    @Override
    public void close() {
      bus.close();
      access.close();
    }
  }

  private Server open(String name, int origin) throws Exception {
    ConsoleAccess access = new ConsoleAccess(Clock.systemUTC());
    StateBus bus =
        StateBus.open(
            dir.resolve(name),
            origin,
            Clock.systemUTC(),
            new StatisticsRegistry(),
            access.participants());
    access.attach(bus);
    return new Server(bus, access);
  }

  private ConsoleUser user(String name, Role role, Instant at) {
    return new ConsoleUser(name, role, hasher.hash("a long password"), at, at, "test", false);
  }

  @Test
  void usersAndAuditEntriesSurviveARestartFromTheJournalAndFromASnapshot() throws Exception {
    try (Server alpha = open("alpha", 1)) {
      alpha.access().users().create(user("ada", Role.ADMIN, T0)).join();
      alpha.access().users().create(user("bob", Role.VIEWER, T0)).join();
      alpha
          .access()
          .audit()
          .record(
              new AuditEntry(
                  T0, "alpha", "ada", "session", "127.0.0.1:5", "login", 200, "login", ""))
          .join();
    }
    try (Server alpha = open("alpha", 1)) {
      assertEquals(
          List.of("ada", "bob"),
          alpha.access().users().list().stream().map(ConsoleUser::name).toList());
      assertEquals(Role.ADMIN, alpha.access().users().find("ada").orElseThrow().role());
      assertTrue(
          hasher.verify(
              "a long password", alpha.access().users().find("bob").orElseThrow().passwordHash()));
      ConsoleUser bob = alpha.access().users().find("bob").orElseThrow();
      alpha
          .access()
          .users()
          .save(
              new ConsoleUser(
                  "bob", bob.role(), "", bob.createdAt(), T0.plusSeconds(60), "ada", true))
          .join();
      alpha.bus().snapshot();
      alpha.access().users().create(user("cy", Role.OPERATOR, T0.plusSeconds(120))).join();
    }
    try (Server alpha = open("alpha", 1)) {
      assertEquals(
          List.of("ada", "cy"),
          alpha.access().users().list().stream().map(ConsoleUser::name).toList());
      assertEquals("login", alpha.access().audit().newest(10, null, null).get(0).action());
    }
  }

  @Test
  void theRecordsOfOneServerReachTheOtherAndTheLaterChangeWinsOnBoth() throws Exception {
    try (Server alpha = open("alpha", 1);
        Server beta = open("beta", 2)) {
      // The failover stream: every own record, once durable, appended at the partner as it came.
      alpha
          .bus()
          .addListener(
              r -> {
                if (r.origin() == 1) beta.bus().append(r);
              });
      beta.bus()
          .addListener(
              r -> {
                if (r.origin() == 2) alpha.bus().append(r);
              });

      alpha.access().users().create(user("ada", Role.ADMIN, T0)).join();
      beta.access().users().create(user("bob", Role.VIEWER, T0)).join();
      alpha
          .access()
          .audit()
          .record(
              new AuditEntry(T0, "alpha", "ada", "session", "", "PUT /api/v1/config", 200, "", ""))
          .join();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(
              () ->
                  alpha.access().users().list().size() == 2
                      && beta.access().users().list().size() == 2
                      && beta.access().audit().newest(10, null, null).size() == 1);

      // Both change bob; the later change stands on both.
      ConsoleUser bob = beta.access().users().find("bob").orElseThrow();
      beta.access()
          .users()
          .save(
              new ConsoleUser(
                  "bob",
                  Role.OPERATOR,
                  bob.passwordHash(),
                  bob.createdAt(),
                  T0.plusSeconds(10),
                  "beta-admin",
                  false))
          .join();
      alpha
          .access()
          .users()
          .save(
              new ConsoleUser(
                  "bob",
                  Role.ADMIN,
                  bob.passwordHash(),
                  bob.createdAt(),
                  T0.plusSeconds(5),
                  "alpha-admin",
                  false))
          .join();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(
              () ->
                  alpha.access().users().find("bob").orElseThrow().role() == Role.OPERATOR
                      && beta.access().users().find("bob").orElseThrow().role() == Role.OPERATOR);
    }
    // And the partner's records are the restarted server's too.
    try (Server beta = open("beta", 2)) {
      assertEquals(
          List.of("ada", "bob"),
          beta.access().users().list().stream().map(ConsoleUser::name).toList());
      assertEquals(
          "PUT /api/v1/config", beta.access().audit().newest(10, null, null).get(0).action());
    }
    assertEquals(5, RecordType.USER.code());
  }
}
