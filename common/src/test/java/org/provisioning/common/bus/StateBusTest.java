package org.provisioning.common.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.stats.StatisticsRegistry;

class StateBusTest {
  private static final int ORIGIN = 1;
  private static final int PEER = 2;

  @TempDir Path dir;
  private final TickingClock clock = new TickingClock(1_700_000_000_000L);

  private StateBus open(StatisticsRegistry stats, List<BusParticipant> participants)
      throws IOException {
    return StateBus.open(dir, ORIGIN, clock, stats, participants);
  }

  private StateBus open(KeyValueStore store) throws IOException {
    return open(new StatisticsRegistry(), List.of(store));
  }

  @Test
  void replaysEveryPublishedRecordInOrderWithAllFieldsIntact() throws IOException {
    List<BusRecord> published = new ArrayList<>();
    try (StateBus bus = open(new KeyValueStore())) {
      for (int i = 0; i < 20; i++) {
        published.add(
            bus.publish(KeyValueStore.TYPE, KeyValueStore.record("k" + i, "v".repeat(i))).join());
      }
    }

    KeyValueStore reopened = new KeyValueStore();
    try (StateBus bus = open(reopened)) {
      assertEquals(20, reopened.applied.size());
      for (int i = 0; i < 20; i++) {
        BusRecord expected = published.get(i);
        BusRecord actual = reopened.applied.get(i);
        assertEquals(ORIGIN, actual.origin());
        assertEquals(i + 1, actual.sequence());
        assertEquals(expected.timeMillis(), actual.timeMillis());
        assertEquals(KeyValueStore.TYPE, actual.type());
        assertArrayEquals(expected.payload(), actual.payload());
      }
      assertEquals("v".repeat(19), reopened.values().get("k19"));
      assertEquals(20, bus.lastSequence());
    }
  }

  @Test
  void continuesTheSequenceAfterReopen() throws IOException {
    try (StateBus bus = open(new KeyValueStore())) {
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "1")).join();
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "2")).join();
    }
    try (StateBus bus = open(new KeyValueStore())) {
      assertEquals(2, bus.lastSequence());
      assertEquals(
          3, bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "3")).join().sequence());
      assertEquals(3, bus.lastSequence());
    }
  }

  @Test
  void stampsRecordsWithThisOriginAndTheClock() throws IOException {
    try (StateBus bus = open(new KeyValueStore())) {
      long before = clock.millis();
      BusRecord record = bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "1")).join();
      assertEquals(ORIGIN, record.origin());
      assertEquals(before + 1, record.timeMillis());
    }
  }

  @Test
  void journalsPeerRecordsWithTheirOwnOriginAndSequenceAndReplaysThem() throws IOException {
    BusRecord fromPeer =
        new BusRecord(PEER, 7, 1234L, KeyValueStore.TYPE, KeyValueStore.record("p", "x"));
    try (StateBus bus = open(new KeyValueStore())) {
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "1")).join();
      assertEquals(fromPeer, bus.append(fromPeer).join());
      assertEquals(Map.of(ORIGIN, 1L, PEER, 7L), bus.highestSequenceByOrigin());
      assertEquals(1, bus.lastSequence());
    }
    KeyValueStore reopened = new KeyValueStore();
    try (StateBus bus = open(reopened)) {
      BusRecord replayed = reopened.applied.get(1);
      assertEquals(PEER, replayed.origin());
      assertEquals(7, replayed.sequence());
      assertEquals(1234L, replayed.timeMillis());
      assertArrayEquals(fromPeer.payload(), replayed.payload());
      assertEquals(Map.of(ORIGIN, 1L, PEER, 7L), bus.highestSequenceByOrigin());
    }
  }

  @Test
  void appendDoesNotApplyThePeerRecord() throws IOException {
    KeyValueStore store = new KeyValueStore();
    try (StateBus bus = open(store)) {
      bus.append(new BusRecord(PEER, 1, 1L, KeyValueStore.TYPE, KeyValueStore.record("p", "x")))
          .join();
      assertTrue(store.applied.isEmpty());
      assertTrue(store.values().isEmpty());
    }
  }

  @Test
  void refusesPeerRecordsAtOrBelowTheHighestSequenceOfTheirOrigin() throws IOException {
    try (StateBus bus = open(new KeyValueStore())) {
      bus.append(new BusRecord(PEER, 7, 1L, KeyValueStore.TYPE, KeyValueStore.record("p", "1")))
          .join();
      for (long stale : new long[] {7, 5}) {
        CompletableFuture<BusRecord> f =
            bus.append(
                new BusRecord(
                    PEER, stale, 2L, KeyValueStore.TYPE, KeyValueStore.record("p", "old")));
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
      }
      assertEquals(7, bus.highestSequenceByOrigin().get(PEER));
      // A refused duplicate does not stop the bus.
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "1")).join();
    }
    KeyValueStore reopened = new KeyValueStore();
    try (StateBus bus = open(reopened)) {
      assertEquals(2, reopened.applied.size());
      assertEquals("1", reopened.values().get("p"));
    }
  }

  @Test
  void continuesOwnSequenceAboveOwnRecordsReceivedBackFromThePeer() throws IOException {
    try (StateBus bus = open(new KeyValueStore())) {
      bus.append(new BusRecord(ORIGIN, 10, 1L, KeyValueStore.TYPE, KeyValueStore.record("a", "1")))
          .join();
      assertEquals(10, bus.lastSequence());
      assertEquals(
          11, bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "2")).join().sequence());
    }
  }

  @Test
  void tellsListenersOfEveryDurableRecordInJournalOrder() throws IOException {
    List<BusRecord> heard = new CopyOnWriteArrayList<>();
    List<CompletableFuture<BusRecord>> futures = new ArrayList<>();
    try (StateBus bus = open(new KeyValueStore())) {
      bus.addListener(
          record -> {
            heard.add(record);
          });
      for (int i = 0; i < 10; i++) {
        futures.add(bus.publish(KeyValueStore.TYPE, KeyValueStore.record("k" + i, "v")));
      }
      futures.add(
          bus.append(
              new BusRecord(PEER, 3, 5L, KeyValueStore.TYPE, KeyValueStore.record("p", "x"))));
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    }
    assertEquals(futures.stream().map(CompletableFuture::join).toList(), heard);
  }

  @Test
  void aFailingListenerIsCountedAndDoesNotStopTheBus() throws IOException {
    StatisticsRegistry stats = new StatisticsRegistry();
    List<BusRecord> heard = new CopyOnWriteArrayList<>();
    try (StateBus bus = open(stats, List.of(new KeyValueStore()))) {
      bus.addListener(
          record -> {
            throw new IllegalStateException("listener bug");
          });
      bus.addListener(heard::add);
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "1")).join();
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "2")).join();
    }
    assertEquals(2, heard.size());
    assertEquals(2, stats.snapshot().get("bus.listener.failures"));
  }

  @Test
  void keepsRecordsOfUnknownTypesInTheJournalAndCountsThemOnReplay() throws IOException {
    RecordType future = RecordType.valueOf((short) 999);
    try (StateBus bus = open(new KeyValueStore())) {
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "1")).join();
      bus.publish(future, KeyValueStore.record("newer", "release")).join();
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("b", "2")).join();
    }
    for (int reopen = 0; reopen < 2; reopen++) {
      StatisticsRegistry stats = new StatisticsRegistry();
      KeyValueStore store = new KeyValueStore();
      try (StateBus bus = open(stats, List.of(store))) {
        assertEquals(2, store.applied.size());
        assertEquals(1, stats.snapshot().get("bus.replay.unknown_type"));
        assertEquals(3, stats.snapshot().get("bus.replay.records"));
      }
    }
    KeyValueStore newer = new KeyValueStore("newer", future);
    try (StateBus bus = open(new StatisticsRegistry(), List.of(new KeyValueStore(), newer))) {
      assertEquals(1, newer.applied.size());
      assertEquals(future, newer.applied.get(0).type());
      assertEquals("UNKNOWN(999)", newer.applied.get(0).type().toString());
    }
  }

  @Test
  void closeWritesEveryQueuedRecordBeforeReturning() throws IOException {
    List<CompletableFuture<BusRecord>> futures = new ArrayList<>();
    StateBus bus = open(new KeyValueStore());
    for (int i = 0; i < 200; i++) {
      futures.add(bus.publish(KeyValueStore.TYPE, KeyValueStore.record("k" + i, "v")));
    }
    bus.close();
    for (CompletableFuture<BusRecord> f : futures) {
      assertTrue(f.isDone() && !f.isCompletedExceptionally());
    }
    KeyValueStore reopened = new KeyValueStore();
    try (StateBus again = open(reopened)) {
      assertEquals(200, reopened.applied.size());
    }
  }

  @Test
  void publishAfterCloseFailsAndCloseIsIdempotent() throws IOException {
    StateBus bus = open(new KeyValueStore());
    bus.close();
    bus.close();
    CompletableFuture<BusRecord> f =
        bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "1"));
    CompletionException e = assertThrows(CompletionException.class, f::join);
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertThrows(IllegalStateException.class, bus::snapshot);
  }

  @Test
  void refusesASecondBusOnTheSameDirectory() throws IOException {
    try (StateBus bus = open(new KeyValueStore())) {
      assertThrows(IOException.class, () -> open(new KeyValueStore()));
    }
    open(new KeyValueStore()).close();
  }

  @Test
  void rollsSegmentsAtTheConfiguredSizeAndReplaysAcrossThem() throws IOException {
    StateBus.Options small = StateBus.Options.defaults().withSegmentBytes(1024);
    try (StateBus bus =
        StateBus.open(
            dir, ORIGIN, clock, new StatisticsRegistry(), List.of(new KeyValueStore()), small)) {
      for (int i = 0; i < 100; i++) {
        bus.publish(
                KeyValueStore.TYPE, KeyValueStore.record(String.format("k%03d", i), "x".repeat(90)))
            .join();
      }
    }
    var segments = Journal.listSegments(dir);
    assertTrue(segments.size() >= 10, "segments: " + segments.keySet());
    assertEquals(1L, segments.firstKey());
    for (Path segment : segments.values()) {
      assertTrue(Files.size(segment) <= 1024, segment + " is " + Files.size(segment) + " bytes");
    }
    KeyValueStore reopened = new KeyValueStore();
    try (StateBus bus =
        StateBus.open(dir, ORIGIN, clock, new StatisticsRegistry(), List.of(reopened), small)) {
      assertEquals(100, reopened.applied.size());
      assertEquals(100, bus.lastSequence());
    }
  }

  @Test
  void rejectsTwoParticipantsClaimingOneRecordType() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            open(
                new StatisticsRegistry(),
                List.of(
                    new KeyValueStore("a", RecordType.LEASE),
                    new KeyValueStore("b", RecordType.LEASE))));
  }

  @Test
  void rejectsAPayloadAboveTheLimit() throws IOException {
    try (StateBus bus = open(new KeyValueStore())) {
      assertThrows(
          IllegalArgumentException.class,
          () -> bus.publish(KeyValueStore.TYPE, new byte[JournalCodec.MAX_PAYLOAD + 1]));
    }
  }

  @Test
  void refusesSnapshotAndCloseFromAListenerInsteadOfDeadlocking() throws IOException {
    List<Throwable> refused = new CopyOnWriteArrayList<>();
    try (StateBus bus = open(new KeyValueStore())) {
      bus.addListener(
          record -> {
            if (record.sequence() != 1) {
              return;
            }
            try {
              bus.snapshot();
            } catch (IOException | RuntimeException e) {
              refused.add(e);
            }
            try {
              bus.close();
            } catch (RuntimeException e) {
              refused.add(e);
            }
          });
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "1")).join();
      // Futures complete before listeners run: wait for the listener.
      await().atMost(Duration.ofSeconds(10)).until(() -> refused.size() == 2);
      refused.forEach(e -> assertInstanceOf(IllegalStateException.class, e));
      assertEquals(
          2, bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "2")).join().sequence());
    }
  }

  @Test
  void createsAMissingDirectory() throws IOException {
    Path nested = dir.resolve("data").resolve("bus");
    try (StateBus bus = StateBus.open(nested, ORIGIN, clock, new StatisticsRegistry(), List.of())) {
      bus.publish(KeyValueStore.TYPE, KeyValueStore.record("a", "1")).join();
    }
    assertTrue(Files.exists(nested.resolve(Journal.segmentName(1))));
  }

  @Test
  void aBusOpenedOnTheBackupFilesHasEveryRecordDurableBeforeTheBackup(@TempDir Path copy)
      throws IOException {
    KeyValueStore store = new KeyValueStore();
    try (StateBus bus = open(store)) {
      for (int i = 0; i < 50; i++) {
        store.put(bus, "k" + i, "v" + i).join();
      }
      bus.snapshot();
      store.put(bus, "after-snapshot", "yes").join();
      bus.backup((name, file) -> Files.copy(file, copy.resolve(name)));
      store.put(bus, "after-backup", "not in it").join();
    }
    KeyValueStore restored = new KeyValueStore();
    try (StateBus bus =
        StateBus.open(copy, ORIGIN, clock, new StatisticsRegistry(), List.of(restored))) {
      assertEquals("v49", restored.values().get("k49"));
      assertEquals("yes", restored.values().get("after-snapshot"));
      assertEquals(null, restored.values().get("after-backup"));
      assertEquals(51, bus.lastSequence());
    }
  }

  /** Replicated state of one type that keeps nothing: enough to be found by the bus. */
  private static final class Replicated implements ReplicatedState {
    private final RecordType type;

    Replicated(RecordType type) {
      this.type = type;
    }

    @Override
    public java.util.Set<RecordType> types() {
      return java.util.Set.of(type);
    }

    @Override
    public List<ReplicatedState.Entry> entries() {
      return List.of();
    }

    @Override
    public boolean merge(ReplicatedState.Entry entry) {
      return false;
    }
  }

  /** A participant that is replicated state is found; a type replicated twice is refused. */
  @Test
  void findsTheReplicatedStateOfItsParticipantsAndOfItsCallersOnce() throws IOException {
    KeyValueStore store = new KeyValueStore("users", RecordType.USER);
    class ReplicatedStore implements BusParticipant, ReplicatedState {
      @Override
      public String name() {
        return store.name();
      }

      @Override
      public java.util.Set<RecordType> types() {
        return store.types();
      }

      @Override
      public void apply(BusRecord record) {
        store.apply(record);
      }

      @Override
      public byte[] snapshot() {
        return store.snapshot();
      }

      @Override
      public void restore(byte[] snapshot) {
        store.restore(snapshot);
      }

      @Override
      public List<ReplicatedState.Entry> entries() {
        return List.of();
      }

      @Override
      public boolean merge(ReplicatedState.Entry entry) {
        return false;
      }
    }
    ReplicatedStore users = new ReplicatedStore();
    try (StateBus bus = open(new StatisticsRegistry(), List.of(new KeyValueStore(), users))) {
      assertEquals(List.of(users), bus.replicatedStates());
      Replicated acks = new Replicated(RecordType.ALERT_ACK);
      bus.addReplicatedState(acks);
      assertEquals(List.of(users, acks), bus.replicatedStates());
      assertThrows(
          IllegalArgumentException.class,
          () -> bus.addReplicatedState(new Replicated(RecordType.USER)));
      assertEquals(2, bus.replicatedStates().size());
    }
  }
}
