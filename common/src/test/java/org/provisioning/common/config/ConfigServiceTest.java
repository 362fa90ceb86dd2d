package org.provisioning.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;

class ConfigServiceTest {
  private static final String FILE = "server: {name: one}\ntftp: {enabled: true}\n";
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
  private final List<BusRecord> journal = new ArrayList<>();
  private final BusPublisher bus =
      (type, payload) -> {
        BusRecord record = new BusRecord(1, journal.size() + 1, clock.millis(), type, payload);
        journal.add(record);
        return CompletableFuture.completedFuture(record);
      };

  private ConfigService restarted() {
    ConfigService service = new ConfigService(new ConfigCodec(), clock);
    journal.forEach(service::apply);
    service.attach(bus);
    return service;
  }

  @Test
  void firstStartAppliesTheFileAsVersionOne() throws ConfigException {
    ConfigVersion version = restarted().seedFromFile(FILE);
    assertEquals(1, version.number());
    assertEquals("file", version.source());
    assertEquals("one", version.config().server().name());
    assertEquals(1, journal.size());
  }

  @Test
  void apiChangeSurvivesRestartWithTheSameFile() throws ConfigException {
    ConfigService first = restarted();
    first.seedFromFile(FILE);
    first.applyDocument("server: {name: two}\n", "api", 1L).join();

    ConfigService second = restarted();
    ConfigVersion kept = second.seedFromFile(FILE);
    assertEquals(2, kept.number());
    assertEquals("two", kept.config().server().name());
    assertEquals(2, journal.size(), "an unchanged file publishes nothing");
  }

  @Test
  void editedFileIsANewChangeAtRestart() throws ConfigException {
    ConfigService first = restarted();
    first.seedFromFile(FILE);
    first.applyDocument("server: {name: two}\n", "api", null).join();

    ConfigVersion edited = restarted().seedFromFile("server: {name: three}\n");
    assertEquals(3, edited.number());
    assertEquals("three", edited.config().server().name());
  }

  @Test
  void invalidChangeLeavesTheRunningConfig() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    assertThrows(
        ConfigException.class, () -> service.applyDocument("server: {id: 999}\n", "api", null));
    assertEquals(1, service.current().orElseThrow().number());
    assertEquals(1, journal.size());
  }

  @Test
  void refusesToMoveTheDataDirectoryWhileRunning() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> service.applyDocument("server: {name: one, dataDir: elsewhere}\n", "api", null));
    assertEquals("server.dataDir", e.errors().get(0).path());
  }

  @Test
  void refusesAChangeMadeAgainstAStaleVersion() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    service.applyDocument("server: {name: two}\n", "api", 1L).join();
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> service.applyDocument("server: {name: three}\n", "api", 1L).join());
    assertInstanceOf(VersionConflictException.class, e.getCause());
    assertEquals("two", service.current().orElseThrow().config().server().name());
  }

  @Test
  void snapshotRestoresTheCurrentVersion() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    service.applyDocument("server: {name: two}\n", "api", null).join();
    ConfigService restored = new ConfigService(new ConfigCodec(), clock);
    restored.restore(service.snapshot());
    assertEquals(service.current(), restored.current());
  }

  /**
   * A change made here is being made durable when the failover partner's version of the same
   * number, made later, arrives and is installed first: the change is not running, and its caller
   * hears so (a version conflict, HTTP 412) instead of "applied"; the listeners heard the partner's
   * only. The journal holds the change first: replayed in that order, the partner's version stands
   * again.
   */
  @Test
  void aChangeThePartnersLaterVersionOvertookFailsAsAConflict() throws ConfigException {
    Overtaken race = overtaken(Duration.ofSeconds(1));

    var failure = assertThrows(CompletionException.class, race.change::join);
    assertInstanceOf(VersionConflictException.class, failure.getCause());
    assertEquals("partner", race.service.current().orElseThrow().config().server().name());
    assertEquals(List.of("partner"), race.heard);
    assertEquals("partner", replayed(race).current().orElseThrow().config().server().name());
  }

  /**
   * The same race with this server's change the later one: it stands, though the partner's was
   * installed first, as it does on the partner (which adopts it as the next version) and after a
   * replay of the journal.
   */
  @Test
  void aLaterChangeStandsOverThePartnersVersionInstalledFirst() throws ConfigException {
    Overtaken race = overtaken(Duration.ofSeconds(-1));

    assertEquals(1, race.change.join().number());
    assertEquals("local", race.service.current().orElseThrow().config().server().name());
    assertEquals(List.of("partner", "local"), race.heard);
    assertEquals("local", replayed(race).current().orElseThrow().config().server().name());
  }

  /** A local change, and the partner's version 1 made {@code partnerLater} after it. */
  private record Overtaken(
      ConfigService service,
      CompletableFuture<ConfigVersion> change,
      List<String> heard,
      List<BusRecord> journaled) {}

  /**
   * Races a change here (journal origin 1) with the partner's version of the same number (origin
   * 2), made {@code partnerLater} after it: the partner's is installed while the change waits for
   * its fsync. Returns the journal as it then stands: the change first.
   */
  private Overtaken overtaken(Duration partnerLater) throws ConfigException {
    ConfigService partner = new ConfigService(new ConfigCodec(), Clock.offset(clock, partnerLater));
    partner.attach(bus);
    partner.applyDocument("server: {name: partner}\n", "api", null).join();
    BusRecord partners = journal.get(0);

    List<String> heard = new ArrayList<>();
    ConfigService service = new ConfigService(new ConfigCodec(), clock);
    CompletableFuture<BusRecord> durable = new CompletableFuture<>();
    byte[][] published = new byte[1][];
    service.attach(
        (type, payload) -> {
          published[0] = payload;
          return durable;
        });
    service.addListener(v -> heard.add(v.config().server().name()));
    CompletableFuture<ConfigVersion> change =
        service.applyDocument("server: {name: local}\n", "api", null);
    BusRecord local = new BusRecord(1, 1, clock.millis(), RecordType.CONFIG, published[0]);
    BusRecord fromPartner =
        new BusRecord(2, 1, clock.millis(), partners.type(), partners.payload());
    service.apply(fromPartner);
    durable.complete(local);
    try {
      change.join();
    } catch (CompletionException lost) {
      // the caller's answer: the test looks at it
    }
    return new Overtaken(service, change, heard, List.of(local, fromPartner));
  }

  /** A restart of the race's server: its journal replayed in order. */
  private ConfigService replayed(Overtaken race) {
    ConfigService restarted = new ConfigService(new ConfigCodec(), clock);
    race.journaled.forEach(restarted::apply);
    return restarted;
  }

  @Test
  void listenersHearOnlyDurableVersions() throws ConfigException {
    List<Long> heard = new ArrayList<>();
    ConfigService service = new ConfigService(new ConfigCodec(), clock);
    CompletableFuture<BusRecord> durable = new CompletableFuture<>();
    service.attach((type, payload) -> durable);
    service.addListener(v -> heard.add(v.number()));
    CompletableFuture<ConfigVersion> change = service.applyDocument(FILE, "api", null);
    assertEquals(List.of(), heard);
    assertEquals(java.util.Optional.empty(), service.current());
    durable.complete(
        new BusRecord(1, 1, 0, org.provisioning.common.bus.RecordType.CONFIG, new byte[0]));
    assertEquals(1, change.join().number());
    assertEquals(List.of(1L), heard);
  }

  /**
   * A version is installed only once its record is durable: a snapshot taken between the two (the
   * journal rolled past the record, its listeners still running for the version before) holds it
   * all the same. Before, the snapshot held the version before, the journal after it no longer held
   * the record, and a restart ran the older config though the change had been answered.
   */
  @Test
  void aSnapshotHoldsAVersionPublishedButNotYetInstalled() throws ConfigException {
    ConfigService service = new ConfigService(new ConfigCodec(), clock);
    List<CompletableFuture<BusRecord>> durable = new ArrayList<>();
    service.attach(
        (type, payload) -> {
          CompletableFuture<BusRecord> f = new CompletableFuture<>();
          durable.add(f);
          return f;
        });
    CompletableFuture<ConfigVersion> first = service.applyDocument(FILE, "api", null);
    durable.get(0).complete(new BusRecord(1, 1, 0, RecordType.CONFIG, new byte[0]));
    first.join();
    CompletableFuture<ConfigVersion> second =
        service.applyDocument("server: {name: two}\n", "api", "ada", 1L);
    assertEquals("one", service.current().orElseThrow().config().server().name());

    ConfigService restored = new ConfigService(new ConfigCodec(), clock);
    restored.restore(service.snapshot());
    assertEquals(2, restored.current().orElseThrow().number());
    assertEquals("two", restored.current().orElseThrow().config().server().name());
    assertEquals(List.of(2L, 1L), numbers(restored));

    durable.get(1).complete(new BusRecord(1, 2, 0, RecordType.CONFIG, new byte[0]));
    assertEquals(2, second.join().number());
    assertEquals(
        new String(service.snapshot(), java.nio.charset.StandardCharsets.UTF_8),
        new String(restored.snapshot(), java.nio.charset.StandardCharsets.UTF_8),
        "the same snapshot once installed");
  }

  @Test
  void reloadAppliesAnEditedFileAndRecordsItAsTheFileApplied() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    ConfigVersion reloaded = service.reloadFile("server: {name: two}\n").join();
    assertEquals(2, reloaded.number());
    assertEquals("file", reloaded.source());

    ConfigVersion kept = restarted().seedFromFile("server: {name: two}\n");
    assertEquals(2, kept.number(), "the reloaded file is the one applied: a restart keeps it");
  }

  @Test
  void reloadOfAnUnchangedFileKeepsALaterApiChange() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    service.applyDocument("server: {name: two}\n", "api", null).join();
    ConfigVersion kept = service.reloadFile(FILE).join();
    assertEquals(2, kept.number());
    assertEquals(2, journal.size());
  }

  @Test
  void reloadRefusesAnInvalidFileOrARestartOnlyChange() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    assertThrows(ConfigException.class, () -> service.reloadFile("server: {id: 999}\n"));
    ConfigException moved =
        assertThrows(
            ConfigException.class,
            () -> service.reloadFile("server: {name: one, dataDir: elsewhere}\n"));
    assertEquals("server.dataDir", moved.errors().get(0).path());
    assertEquals(1, service.current().orElseThrow().number());
  }

  /**
   * Whether DHCP runs, and the address, port and identifier it answers on, are set when it starts:
   * a change through the API or a reload used to be taken by the engine at once (replies to the new
   * port, a new option 54) while the sockets stayed, and turning DHCP off did nothing.
   */
  @Test
  void theDhcpSocketsChangeOnlyWithARestart() throws ConfigException {
    ConfigService service = restarted();
    String dhcp = "server: {name: one}\ndhcp: {enabled: true, listen: 127.0.0.1, port: 6767}\n";
    service.seedFromFile(dhcp);
    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () ->
                service.applyDocument(
                    "server: {name: one}\n"
                        + "dhcp: {enabled: false, listen: 127.0.0.5, port: 6768,"
                        + " serverIdentifier: 127.0.0.6}\n",
                    "api",
                    1L));
    assertEquals(
        List.of("dhcp.enabled", "dhcp.listen", "dhcp.port", "dhcp.serverIdentifier"),
        refused.errors().stream().map(ConfigError::path).toList());
    ConfigException reloaded =
        assertThrows(ConfigException.class, () -> service.reloadFile(dhcp.replace("6767", "6768")));
    assertEquals("dhcp.port", reloaded.errors().get(0).path());
    assertEquals(1, service.current().orElseThrow().number());
  }

  @Test
  void onlyTheFileSetsWhatReachesTheMachineOrTheManagementListener() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    String machine =
        "server: {name: one}\ntftp: {enabled: true, root: served}\n"
            + "tod: {requireSync: true, syncCommand: [chronyc, waitsync, '1']}\n";
    ConfigException byApi =
        assertThrows(ConfigException.class, () -> service.applyDocument(machine, "api", null));
    assertEquals(
        List.of("tod.syncCommand", "tftp.root"),
        byApi.errors().stream().map(ConfigError::path).toList());

    ConfigVersion reloaded = service.reloadFile(machine).join();
    assertEquals(List.of("chronyc", "waitsync", "1"), reloaded.config().tod().syncCommand());
    String sameAgain = machine.replace("name: one", "name: two");
    assertEquals(
        "two", service.applyDocument(sameAgain, "api", null).join().config().server().name());

    ConfigException moved =
        assertThrows(
            ConfigException.class,
            () -> service.reloadFile(sameAgain + "management: {port: 9000}\n"));
    assertEquals("management.port", moved.errors().get(0).path());
  }

  @Test
  void aVersionWithTenThousandReservationsIsReadBackAtRestart() throws ConfigException {
    StringBuilder document =
        new StringBuilder(
            "server: {name: one}\ndhcp:\n  subnets:\n    - subnet: 127.64.0.0/16\n"
                + "      pools: [{range: 127.64.0.10-127.64.99.255}]\n  reservations:\n");
    for (int i = 0; i < 10_000; i++) {
      document.append(
          String.format(
              Locale.ROOT,
              "    - {mac: \"02:00:00:00:%02x:%02x\", address: 127.64.%d.%d, blocked: true}%n",
              i >> 8,
              i & 0xff,
              100 + (i >> 8),
              i & 0xff));
    }
    ConfigService first = restarted();
    first.seedFromFile(FILE);
    first.applyDocument(document.toString(), "api", null).join();

    ConfigVersion kept = restarted().seedFromFile(FILE);
    assertEquals(2, kept.number(), "the API's version, read back from the journal");
    assertEquals(10_000, kept.config().dhcp().reservations().size());
  }

  private static List<Long> numbers(ConfigService service) {
    return service.history().stream().map(ConfigHistoryEntry::number).toList();
  }

  @Test
  void historyKeepsEveryVersionWithWhoMadeItNewestFirst() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    service.applyDocument("server: {name: two}\n", "api", "ada", 1L).join();
    service.applyDocument("server: {name: three}\n", "api", null, null).join();

    List<ConfigHistoryEntry> history = service.history();
    assertEquals(List.of(3L, 2L, 1L), numbers(service));
    assertEquals("file", history.get(2).source());
    assertEquals(null, history.get(2).author());
    assertEquals("ada", history.get(1).author());
    assertEquals("two", history.get(1).server(), "the name of the server that took it");
    assertEquals(clock.instant(), history.get(1).changedAt());
    assertEquals("two", service.version(2).orElseThrow().config().server().name());
    assertEquals(java.util.Optional.empty(), service.version(9));
  }

  @Test
  void historyIsRebuiltFromTheJournalAtRestart() throws ConfigException {
    ConfigService first = restarted();
    first.seedFromFile(FILE);
    first.applyDocument("server: {name: two}\n", "api", "ada", 1L).join();

    ConfigService second = restarted();
    second.seedFromFile(FILE);
    assertEquals(List.of(2L, 1L), numbers(second));
    assertEquals("ada", second.history().get(0).author());
    assertEquals("one", second.version(1).orElseThrow().config().server().name());
  }

  @Test
  void historySurvivesARestoreFromSnapshotWithoutTheJournal() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    service.applyDocument("server: {name: two}\n", "api", "ada", null).join();
    service.rollback(1, "bob", 2L).join();

    ConfigService restored = new ConfigService(new ConfigCodec(), clock);
    restored.restore(service.snapshot());
    assertEquals(service.current(), restored.current());
    assertEquals(service.history(), restored.history());
    assertEquals(List.of(3L, 2L, 1L), numbers(restored));
    assertEquals(
        service.version(2).orElseThrow().config(), restored.version(2).orElseThrow().config());
    // ... and the next change is numbered after them.
    restored.attach(bus);
    assertEquals(4, restored.applyDocument("server: {name: four}\n", "api", 3L).join().number());
  }

  @Test
  void aSnapshotOfAReleaseWithoutHistoryRestoresTheCurrentVersionAlone() throws Exception {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    service.applyDocument("server: {name: two}\n", "api", null).join();
    var node = (com.fasterxml.jackson.databind.node.ObjectNode) json().readTree(service.snapshot());
    node.remove("history");
    node.remove("author");
    node.remove("server");

    ConfigService restored = new ConfigService(new ConfigCodec(), clock);
    restored.restore(json().writeValueAsBytes(node));
    assertEquals(List.of(2L), numbers(restored));
    assertEquals("two", restored.current().orElseThrow().config().server().name());
  }

  @Test
  void rollbackAppliesAnOlderDocumentAsANewVersion() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    service.applyDocument("server: {name: two}\ntftp: {enabled: false}\n", "api", null).join();

    ConfigVersion back = service.rollback(1, "ada", 2L).join();
    assertEquals(3, back.number());
    assertEquals("rollback", back.source());
    assertEquals(1L, back.restores());
    assertEquals("ada", back.author());
    assertEquals(service.version(1).orElseThrow().config(), back.config());
    assertEquals(3, journal.size(), "journaled like any change");
    assertEquals(List.of(3L, 2L, 1L), numbers(restarted()));
  }

  @Test
  void rollbackIsRefusedForAnUnknownOrStaleVersionAndChangesNothing() throws ConfigException {
    ConfigService service = restarted();
    service.seedFromFile(FILE);
    service.applyDocument("server: {name: two}\n", "api", null).join();
    assertThrows(NoSuchElementException.class, () -> service.rollback(7, "ada", null));
    CompletionException stale =
        assertThrows(CompletionException.class, () -> service.rollback(1, "ada", 1L).join());
    assertInstanceOf(VersionConflictException.class, stale.getCause());
    assertEquals(2, service.current().orElseThrow().number());
    assertEquals(2, journal.size());
  }

  @Test
  void rollbackGoesThroughTheSameChecksAsAnyChange() throws ConfigException {
    restarted().seedFromFile("server: {name: one, dataDir: first}\n");
    // The file moved the data directory at a restart: version 1 cannot come back while running.
    ConfigService running = restarted();
    running.seedFromFile("server: {name: one, dataDir: second}\n");
    assertEquals(List.of(2L, 1L), numbers(running));
    ConfigException e = assertThrows(ConfigException.class, () -> running.rollback(1, "ada", null));
    assertEquals("server.dataDir", e.errors().get(0).path());
  }

  @Test
  void historyKeepsTheNewestVersionsUpToItsLimit() throws ConfigException {
    ConfigService service = new ConfigService(new ConfigCodec(), clock, 3);
    service.attach(bus);
    service.seedFromFile(FILE);
    for (int i = 2; i <= 6; i++) {
      service.applyDocument("server: {name: v" + i + "}\n", "api", null).join();
    }
    assertEquals(List.of(6L, 5L, 4L), numbers(service));
    assertThrows(NoSuchElementException.class, () -> service.rollback(3, "ada", null));
  }

  @Test
  void aPartnersSnapshotBringsItsHistoryAndNumbering() throws ConfigException, Exception {
    ConfigService partner = restarted();
    partner.seedFromFile("server: {name: partner}\n");
    partner
        .applyDocument("server: {name: partner}\ndhcp: {leaseTime: 600}\n", "api", "ada", null)
        .join();
    partner
        .applyDocument("server: {name: partner}\ndhcp: {leaseTime: 900}\n", "api", "bob", null)
        .join();
    byte[] snapshot = partner.snapshot();

    List<BusRecord> own = new ArrayList<>();
    BusPublisher ownBus =
        (type, payload) -> {
          BusRecord record = new BusRecord(2, own.size() + 1, clock.millis(), type, payload);
          own.add(record);
          return CompletableFuture.completedFuture(record);
        };
    ConfigService here = new ConfigService(new ConfigCodec(), clock);
    here.attach(ownBus);
    here.seedFromFile("server: {name: here}\n");
    ConfigVersion synced = here.applyPartnerVersion(snapshot, "peer-sync").join();

    assertEquals(3, synced.number(), "numbered as the partner numbered it");
    assertEquals("peer-sync", synced.source());
    assertEquals("bob", synced.author());
    assertEquals(900L, synced.config().dhcp().leaseTime());
    assertEquals(List.of(3L, 2L, 1L), numbers(here));
    assertEquals("here", here.history().get(2).server(), "its own version 1 stays");
    assertEquals("ada", here.history().get(1).author());
    assertEquals(600L, here.version(2).orElseThrow().config().dhcp().leaseTime());

    // The adopted versions are journaled with the new one: a restart has them all.
    ConfigService restarted = new ConfigService(new ConfigCodec(), clock);
    own.forEach(restarted::apply);
    assertEquals(List.of(3L, 2L, 1L), numbers(restarted));
    assertEquals(600L, restarted.version(2).orElseThrow().config().dhcp().leaseTime());
  }

  /**
   * The partner's snapshot version is read as its stream records are: the rules about this host's
   * files (a template or directory missing here) do not refuse it, where they left the pair on two
   * configs with a log line alone.
   */
  @Test
  void aPartnersSnapshotVersionIsNotRefusedForThisHostsFiles() throws Exception {
    ConfigService partner = restarted();
    partner.seedFromFile("server: {name: partner}\ndhcp: {leaseTime: 600}\n");
    byte[] snapshot = partner.snapshot();
    ConfigRule missingHere =
        config -> List.of(new ConfigError("tftp.root", "does not exist on this host"));
    ConfigService here = new ConfigService(new ConfigCodec(List.of(missingHere)), clock);
    here.attach(bus);
    ConfigVersion synced = here.applyPartnerVersion(snapshot, "peer-sync").join();
    assertEquals(600L, synced.config().dhcp().leaseTime());
    assertThrows(
        ConfigException.class,
        () -> here.applyDocument("dhcp: {leaseTime: 900}\n", "api", null),
        "a change made here still meets them");
  }

  /**
   * The config file applied before starts again as it is after an upgrade whose rules it breaks
   * (edited, it must meet them): it stopped every service of the headend at the upgrade's restart.
   */
  @Test
  void anUnchangedFileThatBreaksARuleAddedSinceStillStarts() throws ConfigException {
    restarted().seedFromFile(FILE);
    ConfigRule addedSince = config -> List.of(new ConfigError("tftp", "a rule added since"));
    ConfigService upgraded = new ConfigService(new ConfigCodec(List.of(addedSince)), clock);
    journal.forEach(upgraded::apply);
    upgraded.attach(bus);
    assertEquals(1, upgraded.seedFromFile(FILE).number());
    assertThrows(ConfigException.class, () -> upgraded.seedFromFile(FILE + "# edited\n"), "edited");
  }

  /**
   * A version accepted and journaled by a build with fewer rules still runs after an upgrade that
   * added one it breaks (logged), where it was skipped as unreadable and an older version ran.
   */
  @Test
  void aJournaledVersionThatBreaksARuleAddedSinceStillRuns() throws ConfigException {
    ConfigService first = restarted();
    first.seedFromFile(FILE);
    String ok =
        "server: {name: one}\ndhcp:\n  subnets:\n    - subnet: 127.16.0.0/16\n"
            + "      relays: [127.16.0.20]\n"
            + "  reservations: [{mac: \"00:11:22:33:44:55\", address: 127.16.0.30}]\n";
    first.applyDocument(ok, "api", 1L).join();
    // As an earlier build journaled it: the reservation on the relay's address, now refused.
    BusRecord kept = journal.remove(journal.size() - 1);
    String payload = new String(kept.payload(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(payload.contains("127.16.0.30"), payload);
    journal.add(
        new BusRecord(
            kept.origin(),
            kept.sequence(),
            kept.timeMillis(),
            kept.type(),
            payload
                .replace("127.16.0.30", "127.16.0.20")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    ConfigService upgraded = restarted();
    assertEquals(2, upgraded.current().orElseThrow().number());
    assertEquals(
        "127.16.0.20",
        upgraded
            .current()
            .orElseThrow()
            .config()
            .dhcp()
            .reservations()
            .get(0)
            .address()
            .toString());
  }

  private static com.fasterxml.jackson.databind.ObjectMapper json() {
    return new com.fasterxml.jackson.databind.ObjectMapper();
  }
}
