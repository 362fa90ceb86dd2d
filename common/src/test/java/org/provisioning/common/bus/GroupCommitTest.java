package org.provisioning.common.bus;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.stats.StatisticsRegistry;

class GroupCommitTest {
  private static final int ORIGIN = 1;

  @TempDir Path dir;
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final TickingClock clock = new TickingClock(0);

  private StateBus open(GatedSync sync) throws IOException {
    return StateBus.open(
        dir,
        ORIGIN,
        clock,
        stats,
        List.of(new KeyValueStore()),
        StateBus.Options.defaults().withSync(sync));
  }

  private long stat(String name) {
    return stats.snapshot().get(name);
  }

  private static CompletableFuture<BusRecord> publish(StateBus bus, int i) {
    return bus.publish(KeyValueStore.TYPE, KeyValueStore.record("k" + i, "v"));
  }

  @Test
  void oneFsyncServesEveryRecordQueuedDuringThePreviousFsync() throws Exception {
    GatedSync sync = new GatedSync(true);
    try (StateBus bus = open(sync)) {
      CompletableFuture<BusRecord> first = publish(bus, -1);
      assertTrue(sync.entered.await(10, SECONDS));

      ExecutorService publishers = Executors.newFixedThreadPool(4);
      List<Future<List<CompletableFuture<BusRecord>>>> perThread = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 25;
        perThread.add(
            publishers.submit(
                () -> {
                  List<CompletableFuture<BusRecord>> futures = new ArrayList<>();
                  for (int i = 0; i < 25; i++) {
                    futures.add(publish(bus, base + i));
                  }
                  return futures;
                }));
      }
      List<CompletableFuture<BusRecord>> all = new ArrayList<>(List.of(first));
      for (var f : perThread) {
        all.addAll(f.get(10, SECONDS));
      }
      publishers.shutdown();
      assertTrue(all.stream().noneMatch(CompletableFuture::isDone));
      assertEquals(100, stat("bus.journal.queue_depth"));

      sync.release.countDown();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, SECONDS);

      assertEquals(2, stat("bus.journal.fsyncs"));
      assertEquals(2, stat("bus.journal.batches"));
      assertEquals(2, stat("bus.journal.write_us.count"), "each batch's write and fsync timed");
      assertTrue(
          stat("bus.journal.write_us.count") > stat("bus.journal.write_us.le_50"),
          "the batch held back by the fsync took longer than 50 us");
      assertEquals(101, stat("bus.journal.records"));
      assertEquals(0, stat("bus.journal.queue_depth"));
      assertEquals(
          LongStream.rangeClosed(1, 101).boxed().toList(),
          all.stream().map(f -> f.join().sequence()).sorted().toList());
      assertEquals(101, bus.lastSequence());
    }
  }

  @Test
  void aFutureDoesNotCompleteBeforeItsFsyncReturns() throws Exception {
    GatedSync sync = new GatedSync(true);
    List<BusRecord> heard = new CopyOnWriteArrayList<>();
    try (StateBus bus = open(sync)) {
      bus.addListener(heard::add);
      CompletableFuture<BusRecord> f = publish(bus, 0);
      assertTrue(sync.entered.await(10, SECONDS));

      assertFalse(f.isDone());
      assertTrue(heard.isEmpty());
      assertEquals(0, bus.lastSequence());
      assertEquals(0, stat("bus.journal.fsyncs"));

      sync.release.countDown();
      assertEquals(1, f.get(10, SECONDS).sequence());
      assertEquals(1, bus.lastSequence());
    }
    assertEquals(1, heard.size());
  }

  @Test
  void aFailedFsyncFailsEveryRecordOfItsBatchAndTheBusRefusesMore() throws Exception {
    GatedSync sync = new GatedSync(true);
    sync.failFromCall = 2;
    List<BusRecord> heard = new CopyOnWriteArrayList<>();
    try (StateBus bus = open(sync)) {
      bus.addListener(heard::add);
      CompletableFuture<BusRecord> first = publish(bus, 0);
      assertTrue(sync.entered.await(10, SECONDS));
      List<CompletableFuture<BusRecord>> batch = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        batch.add(publish(bus, i));
      }
      sync.release.countDown();

      assertEquals(1, first.get(10, SECONDS).sequence());
      Throwable cause = null;
      for (CompletableFuture<BusRecord> f : batch) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertInstanceOf(IOException.class, e.getCause());
        if (cause != null) {
          assertSame(cause, e.getCause(), "one write failure fails the batch");
        }
        cause = e.getCause();
      }
      assertEquals(1, stat("bus.journal.write_failures"));
      assertEquals(1, stat("bus.journal.fsyncs"));
      assertEquals(1, bus.lastSequence());

      CompletionException later =
          assertThrows(CompletionException.class, () -> publish(bus, 11).join());
      assertInstanceOf(IOException.class, later.getCause());
      assertSame(cause, later.getCause().getCause());
      CompletionException fromPeer =
          assertThrows(
              CompletionException.class,
              () ->
                  bus.append(
                          new BusRecord(
                              2, 1, 0, KeyValueStore.TYPE, KeyValueStore.record("p", "x")))
                      .join());
      assertInstanceOf(IOException.class, fromPeer.getCause());
      assertThrows(IOException.class, bus::snapshot);
      assertEquals(1, stat("bus.journal.write_failures"));
      assertEquals(2, sync.calls.get(), "nothing is written or fsynced after the failure");
    }
    assertEquals(1, heard.size(), "listeners hear only the durable record");
  }

  @Test
  void aBatchWhoseFsyncFailedIsNotReplayedAtTheNextStart() throws Exception {
    GatedSync failing = new GatedSync(false);
    failing.failFromCall = 2;
    try (StateBus bus = open(failing)) {
      publish(bus, 0).get(10, SECONDS);
      assertThrows(CompletionException.class, () -> publish(bus, 1).join());
    }

    KeyValueStore store = new KeyValueStore();
    try (StateBus reopened =
        StateBus.open(dir, ORIGIN, clock, stats, List.of(store), StateBus.Options.defaults())) {
      assertEquals(Map.of("k0", "v"), store.values(), "the refused record stays refused");
      assertEquals(1, reopened.lastSequence());
    }
  }

  /**
   * The process is killed after a failed fsync, before the bus closes (kill -9 while the fail-stop
   * runs): the refused batch is cut off at the failure, not at the close, so the journal as the
   * kill leaves it replays no record that was refused. Before, its whole frames stayed in the file
   * until the close and were replayed.
   */
  @Test
  void aBatchWhoseFsyncFailedIsCutAtOnceNotOnlyAtTheClose(@TempDir Path killed) throws Exception {
    GatedSync failing = new GatedSync(false);
    failing.failFromCall = 2;
    try (StateBus bus = open(failing)) {
      publish(bus, 0).get(10, SECONDS);
      assertThrows(CompletionException.class, () -> publish(bus, 1).join());
      try (var files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.copy(file, killed.resolve(file.getFileName()));
        }
      }
    }

    KeyValueStore store = new KeyValueStore();
    try (StateBus reopened =
        StateBus.open(killed, ORIGIN, clock, stats, List.of(store), StateBus.Options.defaults())) {
      assertEquals(Map.of("k0", "v"), store.values(), "the refused record stays refused");
    }
  }

  @Test
  void theOwnerHearsOnceThatTheJournalFailedAndALateHandlerAtOnce() throws Exception {
    GatedSync sync = new GatedSync(false);
    sync.failFromCall = 2;
    List<Throwable> told = new CopyOnWriteArrayList<>();
    try (StateBus bus = open(sync)) {
      bus.onJournalFailure(told::add);
      publish(bus, 0).get(10, SECONDS);
      assertTrue(told.isEmpty(), "a durable record tells nobody");

      CompletionException e = assertThrows(CompletionException.class, () -> publish(bus, 1).join());
      assertEquals(List.of(e.getCause()), told, "told once, of the failure that failed the batch");
      assertThrows(CompletionException.class, () -> publish(bus, 2).join());
      assertEquals(1, told.size(), "a record refused after the failure tells nobody again");

      List<Throwable> late = new ArrayList<>();
      bus.onJournalFailure(late::add);
      assertEquals(told, late, "a handler that comes after the failure hears of it at once");
    }
  }

  @Test
  void lingerGathersRecordsPublishedMeanwhileIntoOneFsync() throws Exception {
    try (StateBus bus =
        StateBus.open(
            dir,
            ORIGIN,
            clock,
            stats,
            List.of(new KeyValueStore()),
            StateBus.Options.defaults().withGroupCommitLinger(java.time.Duration.ofMillis(100)))) {
      List<CompletableFuture<BusRecord>> futures = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        futures.add(publish(bus, i));
      }
      for (CompletableFuture<BusRecord> future : futures) {
        future.get(10, SECONDS);
      }
      assertEquals(1, stat("bus.journal.fsyncs"));
      assertEquals(64, stat("bus.journal.records"));
    }
  }

  @Test
  void aLoneRecordIsWrittenOnceTheLingerEnds() throws Exception {
    try (StateBus bus =
        StateBus.open(
            dir,
            ORIGIN,
            clock,
            stats,
            List.of(new KeyValueStore()),
            StateBus.Options.defaults().withGroupCommitLinger(java.time.Duration.ofMillis(20)))) {
      publish(bus, 1).get(10, SECONDS);
      assertEquals(1, stat("bus.journal.fsyncs"));
    }
  }
}
