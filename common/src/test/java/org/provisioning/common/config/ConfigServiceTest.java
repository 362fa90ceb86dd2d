package org.provisioning.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;

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
}
