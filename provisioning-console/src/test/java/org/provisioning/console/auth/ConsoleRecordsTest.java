package org.provisioning.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.ReplicatedState;
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

  /**
   * A change made from a user read before a password was hashed is refused when the user changed
   * meanwhile: a user changing their password while an admin removed or demoted them came back,
   * with their old role, the change stamped after the removal.
   */
  @Test
  void aChangeFromAStaleReadDoesNotUndoARemoval() throws Exception {
    try (Server alpha = open("alpha", 1)) {
      UserStore users = alpha.access().users();
      users.create(user("mallory", Role.OPERATOR, T0)).join();
      ConsoleUser read = users.find("mallory").orElseThrow();
      ConsoleUser removed =
          new ConsoleUser(
              "mallory", read.role(), "", read.createdAt(), T0.plusSeconds(1), "ada", true);
      users.save(removed).join();
      ConsoleUser newPassword =
          new ConsoleUser(
              "mallory",
              read.role(),
              hasher.hash("another long password"),
              read.createdAt(),
              T0.plusSeconds(2),
              "mallory",
              false);
      assertThrows(IllegalStateException.class, () -> users.replace(read, newPassword));
      assertTrue(users.find("mallory").isEmpty(), "still removed");

      users.create(user("olga", Role.OPERATOR, T0)).join();
      ConsoleUser olga = users.find("olga").orElseThrow();
      ConsoleUser renamed =
          new ConsoleUser(
              "olga",
              Role.VIEWER,
              olga.passwordHash(),
              olga.createdAt(),
              T0.plusSeconds(3),
              "ada",
              false);
      users.replace(olga, renamed).join();
      assertEquals(Role.VIEWER, users.find("olga").orElseThrow().role(), "unchanged: it goes");
    }
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
      Link link = new Link();
      alpha
          .bus()
          .addListener(
              r -> {
                if (r.origin() == 1) link.deliver(() -> beta.bus().append(r));
              });
      beta.bus()
          .addListener(
              r -> {
                if (r.origin() == 2) link.deliver(() -> alpha.bus().append(r));
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
          .atMost(java.time.Duration.ofSeconds(20)) // a bound, generous for a loaded CI machine
          .until(
              () ->
                  alpha.access().users().list().size() == 2
                      && beta.access().users().list().size() == 2
                      && beta.access().audit().newest(10, null, null).size() == 1);

      // Both change bob, neither having seen the other's change (the link down meanwhile: a change
      // made after the partner's arrived would supersede it by design); the later change stands on
      // both once the link is back.
      ConsoleUser bob = beta.access().users().find("bob").orElseThrow();
      link.down();
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
      link.up();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20)) // a bound, generous for a loaded CI machine
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

  /**
   * What the failover sync by snapshot does with the console's state: every user value (a removal
   * included) and every audit entry of one server, merged into the other by the stream's rules.
   */
  @Test
  void aPartnersWholeStateMergesByTheStreamsRulesAndAnAuditEntryComesOnce() throws Exception {
    try (Server alpha = open("alpha", 1);
        Server beta = open("beta", 2)) {
      ConsoleUser ada = user("ada", Role.ADMIN, T0);
      alpha.access().users().create(ada).join();
      alpha.access().users().create(user("bob", Role.VIEWER, T0)).join();
      alpha
          .access()
          .users()
          .save(new ConsoleUser("bob", Role.VIEWER, "", T0, T0.plusSeconds(5), "ada", true))
          .join();
      AuditEntry added =
          new AuditEntry(T0, "alpha", "ada", "session", "", "POST /api/v1/users", 201, "bob", "");
      alpha.access().audit().record(added).join();
      // Beta made bob earlier and cy, and holds alpha's audit entry already (from the stream).
      beta.access().users().create(user("bob", Role.ADMIN, T0.plusSeconds(1))).join();
      beta.access().users().create(user("cy", Role.OPERATOR, T0)).join();
      beta.access().audit().record(added).join();
      List<String> told = new java.util.ArrayList<>();
      beta.access().users().addListener(u -> told.add(u.name()));

      int merged = 0;
      List<ReplicatedState.Entry> entries = entriesOf(alpha);
      assertEquals(3, entries.size(), "ada, bob's removal, one audit entry");
      for (ReplicatedState.Entry e : entries) {
        merged += merge(beta, e) ? 1 : 0;
      }
      assertEquals(2, merged, "ada and bob's removal; the audit entry is held already");
      assertEquals(
          List.of("ada", "cy"),
          beta.access().users().list().stream().map(ConsoleUser::name).toList());
      assertEquals(
          List.of("ada", "bob"),
          told.stream().sorted().toList(),
          "sessions end on a removal merged from the partner");
      assertEquals(1, beta.access().audit().newest(10, null, null).size());
      for (ReplicatedState.Entry e : entries) {
        assertTrue(!merge(beta, e), "merged twice, changed once");
      }
      // Alpha's state merged back from beta changes nothing but cy.
      merged = 0;
      for (ReplicatedState.Entry e : entriesOf(beta)) {
        merged += merge(alpha, e) ? 1 : 0;
      }
      assertEquals(1, merged);
      assertEquals(
          List.of("ada", "cy"),
          alpha.access().users().list().stream().map(ConsoleUser::name).toList());
      assertEquals(1, alpha.access().audit().newest(10, null, null).size());
    }
  }

  /** The failover stream between two servers: deliveries in order, held while it is down. */
  private static final class Link {
    private final List<Runnable> held = new java.util.ArrayList<>();
    private boolean up = true;

    synchronized void deliver(Runnable delivery) {
      if (up) {
        delivery.run();
      } else {
        held.add(delivery);
      }
    }

    synchronized void down() {
      up = false;
    }

    synchronized void up() {
      held.forEach(Runnable::run);
      held.clear();
      up = true;
    }
  }

  /** Every entry of the server's replicated state, as the failover's snapshot sends them. */
  private static List<ReplicatedState.Entry> entriesOf(Server server) {
    List<ReplicatedState.Entry> all = new java.util.ArrayList<>();
    for (ReplicatedState state : server.bus().replicatedStates()) {
      all.addAll(state.entries());
    }
    return all;
  }

  /** Merges the entry into the state of its type, as the failover's receiver does. */
  private static boolean merge(Server into, ReplicatedState.Entry entry) {
    for (ReplicatedState state : into.bus().replicatedStates()) {
      if (state.types().contains(entry.type())) {
        return state.merge(entry);
      }
    }
    throw new AssertionError("nothing keeps " + entry.type());
  }
}
