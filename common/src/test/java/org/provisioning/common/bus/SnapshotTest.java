package org.provisioning.common.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.stats.StatisticsRegistry;

class SnapshotTest {
  private static final int ORIGIN = 1;

  @TempDir Path dir;
  private final TickingClock clock = new TickingClock(1_700_000_000_000L);
  private StatisticsRegistry stats;
  private KeyValueStore store;

  private StateBus open(StateBus.Options options, BusParticipant... more) throws IOException {
    stats = new StatisticsRegistry();
    store = new KeyValueStore();
    List<BusParticipant> participants = new ArrayList<>(List.of(store));
    participants.addAll(List.of(more));
    return StateBus.open(dir, ORIGIN, clock, stats, participants, options);
  }

  private StateBus open() throws IOException {
    return open(StateBus.Options.defaults());
  }

  private static void put(StateBus bus, KeyValueStore store, int from, int to) {
    for (int i = from; i < to; i++) {
      store.put(bus, "k" + i, "v" + i).join();
    }
  }

  private static Map<String, String> expected(int to) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < to; i++) {
      values.put("k" + i, "v" + i);
    }
    return values;
  }

  private Path snapshotFile(long firstSegment) {
    return dir.resolve(SnapshotStore.fileName(firstSegment));
  }

  private long stat(String name) {
    return stats.snapshot().getOrDefault(name, 0L);
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) ~b.get(0)).rewind();
      ch.write(b, offset);
    }
  }

  /**
   * A server whose default locale writes other digits (Egyptian Arabic: ٠١٢...) names its files in
   * ASCII digits all the same, and finds them again at the next start: it once wrote
   * journal-٠٠...١.log, which the file pattern did not match, so a restart lost every record.
   */
  @Test
  void filesNamedUnderALocaleWithOtherDigitsAreFoundAgain() throws IOException {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("ar-EG"));
    try {
      try (StateBus bus = open()) {
        put(bus, store, 0, 10);
        bus.snapshot();
        put(bus, store, 10, 15);
      }
      try (Stream<Path> files = Files.list(dir)) {
        List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
        assertTrue(
            names.containsAll(
                List.of("journal-0000000000000002.log", "snapshot-0000000000000002.snap")),
            names.toString());
      }
      try (StateBus bus = open()) {
        assertEquals(1, store.restores.get());
        assertEquals(expected(15), store.values());
        assertEquals(15, bus.lastSequence());
      }
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void restoresFromTheSnapshotAndReplaysOnlyTheTail() throws IOException {
    try (StateBus bus = open()) {
      put(bus, store, 0, 10);
      bus.snapshot();
      put(bus, store, 10, 15);
      store.put(bus, "k0", "changed").join();
    }
    assertTrue(Files.exists(snapshotFile(2)));

    try (StateBus bus = open()) {
      assertEquals(1, store.restores.get());
      assertEquals(6, store.applied.size());
      Map<String, String> values = expected(15);
      values.put("k0", "changed");
      assertEquals(values, store.values());
      assertEquals(16, bus.lastSequence());
    }
  }

  @Test
  void keepsTheTwoNewestSnapshotsAndTheSegmentsBackToTheOlderOne() throws IOException {
    try (StateBus bus = open()) {
      put(bus, store, 0, 5);
      bus.snapshot(); // snapshot-2, segment 1 kept for the fallback to no snapshot
      assertEquals(List.of(1L, 2L), List.copyOf(Journal.listSegments(dir).keySet()));
      put(bus, store, 5, 10);
      bus.snapshot(); // snapshot-3: segment 1 no longer needed
      assertEquals(List.of(2L, 3L), List.copyOf(Journal.listSegments(dir).keySet()));
      put(bus, store, 10, 15);
      bus.snapshot(); // snapshot-4: snapshot-2 and segment 2 go
      assertEquals(List.of(3L, 4L), List.copyOf(Journal.listSegments(dir).keySet()));
      assertFalse(Files.exists(snapshotFile(2)));
      assertTrue(Files.exists(snapshotFile(3)));
      assertTrue(Files.exists(snapshotFile(4)));
      put(bus, store, 15, 17);
      assertEquals(3, stat("bus.snapshot.taken"));
    }
    try (StateBus bus = open()) {
      assertEquals(expected(17), store.values());
      assertEquals(2, store.applied.size());
      assertEquals(17, bus.lastSequence());
    }
  }

  @Test
  void refusesToStartOnASnapshotFromANewerReleaseAndLeavesItInPlace() throws IOException {
    try (StateBus bus = open()) {
      put(bus, store, 0, 5);
      bus.snapshot();
    }
    Path file = snapshotFile(2);
    byte[] bytes = Files.readAllBytes(file);
    bytes[4] = 2; // the format version, after the magic: a newer release's snapshot...
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue()); // ...and whole
    Files.write(file, bytes);

    IOException refused = assertThrows(IOException.class, this::open);
    assertTrue(refused.getMessage().contains("written by a newer release"), refused.getMessage());
    assertTrue(Files.exists(file), "not set aside: its state would be lost");
    assertEquals(0, stat("bus.snapshot.corrupt"));
  }

  @Test
  void fallsBackToThePreviousSnapshotWhenTheNewestIsCorrupt() throws IOException {
    try (StateBus bus = open()) {
      put(bus, store, 0, 5);
      bus.snapshot();
      put(bus, store, 5, 10);
      bus.snapshot();
      put(bus, store, 10, 12);
    }
    flipByte(snapshotFile(3), 30);

    try (StateBus bus = open()) {
      assertEquals(1, stat("bus.snapshot.corrupt"));
      assertEquals(1, store.restores.get());
      assertEquals(7, store.applied.size());
      assertEquals(expected(12), store.values());
      assertFalse(Files.exists(snapshotFile(3)));
      assertEquals(12, bus.lastSequence());
    }
    try (StateBus bus = open()) {
      assertEquals(0, stat("bus.snapshot.corrupt"), "the corrupt snapshot was moved aside");
      assertEquals(expected(12), store.values());
    }
  }

  @Test
  void replaysTheWholeJournalWhenTheOnlySnapshotIsCorrupt() throws IOException {
    try (StateBus bus = open()) {
      put(bus, store, 0, 5);
      bus.snapshot();
      put(bus, store, 5, 7);
    }
    Files.write(snapshotFile(2), new byte[] {1, 2, 3}, StandardOpenOption.TRUNCATE_EXISTING);

    try (StateBus bus = open()) {
      assertEquals(1, stat("bus.snapshot.corrupt"));
      assertEquals(0, store.restores.get());
      assertEquals(7, store.applied.size());
      assertEquals(expected(7), store.values());
    }
  }

  @Test
  void refusesToOpenWhenNoSnapshotIsValidAndTheSegmentsBeforeThemAreGone() throws IOException {
    try (StateBus bus = open()) {
      put(bus, store, 0, 3);
      bus.snapshot();
      put(bus, store, 3, 6);
      bus.snapshot();
    }
    flipByte(snapshotFile(2), 20);
    flipByte(snapshotFile(3), 20);

    IOException e = assertThrows(IOException.class, this::open);
    assertTrue(e.getMessage().contains(Journal.segmentName(1)), e.getMessage());
  }

  @Test
  void keepsTheHighestSequenceOfEveryOriginAfterItsSegmentsAreDeleted() throws IOException {
    try (StateBus bus = open()) {
      put(bus, store, 0, 3);
      bus.append(new BusRecord(2, 40, 0, KeyValueStore.TYPE, KeyValueStore.record("p", "x")))
          .join();
      bus.snapshot();
      bus.snapshot();
      assertFalse(Files.exists(dir.resolve(Journal.segmentName(1))));
    }
    try (StateBus bus = open()) {
      assertEquals(0, store.applied.size());
      assertEquals(Map.of(1, 3L, 2, 40L), bus.highestSequenceByOrigin());
      assertEquals(
          4, bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "b")).join().sequence());
    }
  }

  @Test
  void takesASnapshotByItselfEveryNRecords() throws IOException {
    StateBus.Options everyTen = StateBus.Options.defaults().withSnapshotEveryRecords(10);
    try (StateBus bus = open(everyTen)) {
      put(bus, store, 0, 25);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  stat("bus.snapshot.taken") >= 1
                      && !new SnapshotStore(dir, clock, stats).list().isEmpty());
    }
    try (StateBus bus = open(everyTen)) {
      assertEquals(1, store.restores.get());
      assertTrue(store.applied.size() < 25, "replayed " + store.applied.size());
      assertEquals(expected(25), store.values());
    }
  }

  @Test
  void carriesSectionsOfAbsentParticipantsIntoLaterSnapshots() throws IOException {
    KeyValueStore dns = new KeyValueStore("dns", RecordType.NAME_CHANGE);
    try (StateBus bus = open(StateBus.Options.defaults(), dns)) {
      dns.put(bus, "host", "10.0.0.1").join();
      bus.snapshot();
    }
    try (StateBus bus = open()) { // dns disabled for a while
      bus.snapshot();
      bus.snapshot(); // the snapshot that held dns's section and its segment are gone now
    }
    KeyValueStore back = new KeyValueStore("dns", RecordType.NAME_CHANGE);
    try (StateBus bus = open(StateBus.Options.defaults(), back)) {
      assertEquals(Map.of("host", "10.0.0.1"), back.values());
      assertEquals(1, back.restores.get());
    }
  }

  @Test
  void aSnapshotTakenWhilePublishersRunLosesNothing() throws Exception {
    Map<String, String> finalValues;
    try (StateBus bus = open()) {
      ExecutorService publishers = Executors.newFixedThreadPool(4);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String prefix = "t" + t + "-";
        running.add(
            publishers.submit(
                () -> {
                  for (int i = 0; i < 300; i++) {
                    store.put(bus, prefix + (i % 50), "v" + i).join();
                  }
                }));
      }
      for (int s = 0; s < 3; s++) {
        bus.snapshot();
      }
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      publishers.shutdown();
      finalValues = store.values();
    }
    try (StateBus bus = open()) {
      assertEquals(1, store.restores.get());
      assertEquals(finalValues, store.values());
      assertEquals(1200, bus.lastSequence());
    }
  }

  @Test
  void deletesAHalfWrittenSnapshotLeftByACrash() throws IOException {
    try (StateBus bus = open()) {
      put(bus, store, 0, 3);
    }
    Path temporary = dir.resolve(SnapshotStore.fileName(2) + ".tmp");
    Files.write(temporary, new byte[] {0x42, 0x55});

    try (StateBus bus = open()) {
      assertEquals(expected(3), store.values());
      assertFalse(Files.exists(temporary));
    }
  }
}
