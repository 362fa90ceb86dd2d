package org.provisioning.common.bus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.stats.StatisticsRegistry;

class JournalRecoveryTest {
  private static final int ORIGIN = 3;
  private static final int VALUE_LENGTH = 20;

  /** Every test record is "kNNN=" plus 20 value bytes: 25 bytes of payload. */
  private static final int FRAME = JournalCodec.FRAME_HEADER + JournalCodec.BODY_HEADER + 25;

  @TempDir Path dir;
  private final TickingClock clock = new TickingClock(1_700_000_000_000L);
  private StatisticsRegistry stats = new StatisticsRegistry();
  private KeyValueStore store = new KeyValueStore();

  private StateBus open(StateBus.Options options) throws IOException {
    stats = new StatisticsRegistry();
    store = new KeyValueStore();
    return StateBus.open(dir, ORIGIN, clock, stats, List.of(store), options);
  }

  private StateBus open() throws IOException {
    return open(StateBus.Options.defaults());
  }

  private static byte[] payload(int i) {
    return KeyValueStore.record(String.format(Locale.ROOT, "k%03d", i), "v".repeat(VALUE_LENGTH));
  }

  private void publish(StateBus.Options options, int from, int count) throws IOException {
    try (StateBus bus = open(options)) {
      for (int i = from; i < from + count; i++) {
        bus.publish(KeyValueStore.TYPE, payload(i)).join();
      }
    }
  }

  private Path segment(long number) {
    return dir.resolve(Journal.segmentName(number));
  }

  private long counter(String name) {
    return stats.snapshot().getOrDefault(name, 0L);
  }

  private List<Path> setAside() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().contains(".corrupt-")).sorted().toList();
    }
  }

  private static void flipBit(Path file, long offset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
      ch.write(b, offset);
    }
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private List<Long> replayedSequences() {
    return store.applied.stream().map(BusRecord::sequence).toList();
  }

  @Test
  void writesTheDocumentedFrameLayout() throws IOException {
    BusRecord published;
    try (StateBus bus = open()) {
      published = bus.publish(RecordType.LEASE, "lease".getBytes(UTF_8)).join();
    }
    byte[] body =
        ByteBuffer.allocate(JournalCodec.BODY_HEADER + 5)
            .put((byte) 1)
            .put((byte) ORIGIN)
            .putLong(1)
            .putLong(published.timeMillis())
            .putShort((short) 2)
            .put("lease".getBytes(UTF_8))
            .array();
    CRC32C crc = new CRC32C();
    crc.update(body);
    byte[] frame =
        ByteBuffer.allocate(8 + body.length)
            .putInt(body.length)
            .putInt((int) crc.getValue())
            .put(body)
            .array();
    assertArrayEquals(frame, Files.readAllBytes(segment(1)));
  }

  @Test
  void cutsATornLastRecordAndAcceptsNewRecordsAfterIt() throws IOException {
    publish(StateBus.Options.defaults(), 0, 5);
    byte[] original = Files.readAllBytes(segment(1));
    assertEquals(5 * FRAME, original.length);
    truncate(segment(1), 5 * FRAME - 3);

    try (StateBus bus = open()) {
      assertEquals(List.of(1L, 2L, 3L, 4L), replayedSequences());
      assertEquals(1, counter("bus.journal.tail_truncated"));
      assertEquals(FRAME - 3, counter("bus.journal.truncated_bytes"));
      assertEquals(4 * FRAME, Files.size(segment(1)));
      List<Path> aside = setAside();
      assertEquals(1, aside.size());
      assertTrue(
          aside.get(0).getFileName().toString().startsWith(Journal.segmentName(1) + ".corrupt-"));
      assertArrayEquals(
          Arrays.copyOfRange(original, 4 * FRAME, 5 * FRAME - 3), Files.readAllBytes(aside.get(0)));

      assertEquals(4, bus.lastSequence());
      assertEquals(5, bus.publish(KeyValueStore.TYPE, payload(99)).join().sequence());
    }

    try (StateBus bus = open()) {
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), replayedSequences());
      assertArrayEquals(payload(99), store.applied.get(4).payload());
      assertEquals(0, counter("bus.journal.tail_truncated"));
    }
  }

  @Test
  void cutsTheLastRecordWhenABitOfItsPayloadFlipped() throws IOException {
    publish(StateBus.Options.defaults(), 0, 5);
    flipBit(segment(1), 4 * FRAME + FRAME - 2);

    try (StateBus bus = open()) {
      assertEquals(List.of(1L, 2L, 3L, 4L), replayedSequences());
      assertEquals(1, counter("bus.journal.tail_truncated"));
      assertEquals(FRAME, counter("bus.journal.truncated_bytes"));
      assertEquals(4 * FRAME, Files.size(segment(1)));
    }
  }

  @Test
  void cutsAFlippedBitInAMiddleRecordAndEverythingAfterIt() throws IOException {
    publish(StateBus.Options.defaults(), 0, 10);
    flipBit(segment(1), 3 * FRAME + 30);

    try (StateBus bus = open()) {
      assertEquals(List.of(1L, 2L, 3L), replayedSequences());
      assertEquals(1, counter("bus.journal.tail_truncated"));
      assertEquals(7 * FRAME, counter("bus.journal.truncated_bytes"));
      assertEquals(3 * FRAME, Files.size(segment(1)));
      assertEquals(7 * FRAME, Files.size(setAside().get(0)));
      assertEquals(Set.of("k000", "k001", "k002"), store.values().keySet());
    }
  }

  /**
   * Damage in a closed segment is a failing disk, not a torn write: the records after it were
   * acknowledged, so the bus refuses to open, saying what to do, and changes nothing. Moving the
   * later segments out, as the message says, leaves the damage at the journal's end, cut as a torn
   * tail.
   */
  @Test
  void refusesToOpenPastDamageInAClosedSegmentUntilTheLaterSegmentsAreMovedOut(@TempDir Path moved)
      throws IOException {
    StateBus.Options small = StateBus.Options.defaults().withSegmentBytes(1024);
    publish(small, 0, 60);
    var segments = Journal.listSegments(dir);
    assertTrue(segments.size() >= 3, "segments: " + segments.keySet());
    int perSegment = (int) (Files.size(segment(1)) / FRAME);
    flipBit(segment(1), 2 * FRAME + 10);

    IOException refused = assertThrows(IOException.class, () -> open(small).close());
    assertTrue(
        refused.getMessage().contains(segment(1).getFileName() + " is damaged"),
        refused.getMessage());
    assertTrue(
        refused.getMessage().contains("move " + segment(2).getFileName()), refused.getMessage());
    assertEquals(segments.keySet(), Journal.listSegments(dir).keySet(), "nothing moved or cut");

    for (long n = 2; n <= segments.lastKey(); n++) {
      Files.move(segment(n), moved.resolve(segment(n).getFileName()));
    }
    try (StateBus bus = open(small)) {
      assertEquals(List.of(1L, 2L), replayedSequences());
      assertEquals(List.of(1L), List.copyOf(Journal.listSegments(dir).keySet()));
      assertEquals((perSegment - 2) * FRAME, counter("bus.journal.truncated_bytes"));
      assertEquals(1, counter("bus.journal.tail_truncated"));
      for (int i = 0; i < 20; i++) {
        bus.publish(KeyValueStore.TYPE, payload(100 + i)).join();
      }
      assertEquals(22, bus.lastSequence());
    }

    try (StateBus bus = open(small)) {
      assertEquals(22, store.applied.size());
      assertEquals(0, counter("bus.journal.tail_truncated"));
    }
  }

  @Test
  void cutsARecordWithAnImplausibleLength() throws IOException {
    publish(StateBus.Options.defaults(), 0, 5);
    try (FileChannel ch = FileChannel.open(segment(1), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE), 4 * FRAME);
    }

    try (StateBus bus = open()) {
      assertEquals(List.of(1L, 2L, 3L, 4L), replayedSequences());
      assertEquals(FRAME, counter("bus.journal.truncated_bytes"));
    }
  }

  @Test
  void readsAZeroFilledTailAsTheEndOfTheRecordsAndWritesOverIt() throws IOException {
    publish(StateBus.Options.defaults(), 0, 5);
    // What a crash leaves of the active segment: its records, then the zeros filled in ahead.
    Files.write(segment(1), new byte[4096], StandardOpenOption.APPEND);

    try (StateBus bus = open()) {
      assertEquals(5, store.applied.size());
      assertEquals(0, counter("bus.journal.tail_truncated"));
      assertTrue(setAside().isEmpty());
      bus.publish(KeyValueStore.TYPE, payload(5)).join();
    }
    assertEquals(6 * FRAME, Files.size(segment(1)), "closed: cut to its records");
    try (StateBus bus = open()) {
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), replayedSequences());
    }
  }

  @Test
  void cutsDataAfterZerosWhereAFrameShouldBe() throws IOException {
    publish(StateBus.Options.defaults(), 0, 5);
    // A torn batch: its first block never reached the disk, a later one did.
    byte[] tail = new byte[4096];
    tail[2000] = 42;
    Files.write(segment(1), tail, StandardOpenOption.APPEND);

    try (StateBus bus = open()) {
      assertEquals(5, store.applied.size());
      assertEquals(1, counter("bus.journal.tail_truncated"));
      assertEquals(4096, counter("bus.journal.truncated_bytes"));
      assertEquals(5 * FRAME, Files.size(segment(1)));
      assertEquals(1, setAside().size());
    }
  }

  @Test
  void fillsTheActiveSegmentWithZerosAheadOfItsRecords() throws IOException {
    try (StateBus bus = open()) {
      bus.publish(KeyValueStore.TYPE, payload(0)).join();
      // Open: the segment holds the record and the zeros that later batches overwrite, so their
      // fdatasync changes no file size.
      assertEquals(Journal.PREALLOCATE_BYTES, Files.size(segment(1)));
      byte[] bytes = Files.readAllBytes(segment(1));
      assertTrue(
          Arrays.equals(
              new byte[bytes.length - FRAME], Arrays.copyOfRange(bytes, FRAME, bytes.length)));
      bus.publish(KeyValueStore.TYPE, payload(1)).join();
      assertEquals(Journal.PREALLOCATE_BYTES, Files.size(segment(1)));
    }
    assertEquals(2 * FRAME, Files.size(segment(1)));
  }

  @Test
  void cutsAHeaderTornBeforeItsEnd() throws IOException {
    publish(StateBus.Options.defaults(), 0, 5);
    truncate(segment(1), 4 * FRAME + 5);

    try (StateBus bus = open()) {
      assertEquals(4, store.applied.size());
      assertEquals(5, counter("bus.journal.truncated_bytes"));
    }
  }

  @Test
  void refusesToOpenWhenASegmentInTheMiddleIsMissing() throws IOException {
    StateBus.Options small = StateBus.Options.defaults().withSegmentBytes(1024);
    publish(small, 0, 60);
    Files.delete(segment(2));

    IOException e = assertThrows(IOException.class, () -> open(small));
    assertTrue(e.getMessage().contains(Journal.segmentName(2)), e.getMessage());
    // The refusal changed nothing and released the directory.
    assertTrue(Files.exists(segment(3)));
    assertTrue(setAside().isEmpty());
  }

  @Test
  void refusesAJournalOfANewerFormatVersionRatherThanCuttingIt() throws IOException {
    publish(StateBus.Options.defaults(), 0, 2);
    // Rewrite the second record as version 2 with a valid CRC.
    byte[] bytes = Files.readAllBytes(segment(1));
    ByteBuffer frame = ByteBuffer.wrap(bytes, FRAME, FRAME).slice();
    frame.put(8, (byte) 2);
    CRC32C crc = new CRC32C();
    crc.update(bytes, FRAME + 8, FRAME - 8);
    frame.putInt(4, (int) crc.getValue());
    Files.write(segment(1), bytes);

    assertThrows(IOException.class, this::open);
    assertEquals(2 * FRAME, Files.size(segment(1)));
  }
}
