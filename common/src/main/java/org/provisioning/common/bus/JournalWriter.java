package org.provisioning.common.bus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.LatencyHistogram;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the journal, with group commit: it takes every request queued since
 * its last pass, assigns sequence numbers, encodes the records into one buffer, writes it and
 * fsyncs once for the lot, then completes the publishers' futures and tells the listeners, in
 * journal order. While one fsync runs, the next batch queues up, so the fsync rate stays bounded by
 * the disk while the record rate follows the load.
 *
 * <p>Fail-stop: after a failed write or fsync nothing more is written. A failed fsync may have
 * dropped dirty pages that a retry would then report as clean (PostgreSQL's "fsyncgate", 2018), so
 * the only safe answer is to refuse every later record and let the operator restart from the
 * journal.
 */
final class JournalWriter {
  private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);

  /** A batch is written once it reaches this size even if more requests are queued. */
  private static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;

  /** A batch this large shares its fsync well enough: lingering for more would only add delay. */
  private static final int LINGER_ENOUGH_RECORDS = 64;

  sealed interface Request {}

  record Publish(
      RecordType type, byte[] payload, long timeMillis, CompletableFuture<BusRecord> done)
      implements Request {}

  record Append(BusRecord record, CompletableFuture<BusRecord> done) implements Request {}

  /** Ask for a new segment; completes with the segment a snapshot taken now replays from. */
  record Roll(CompletableFuture<RollPoint> done) implements Request {}

  private record Stop() implements Request {}

  /** This server's next record takes a sequence above {@code sequence}. */
  private record ContinueAfter(long sequence, CompletableFuture<Void> done) implements Request {}

  /**
   * Where the journal was rolled: every record in segments below {@code firstSegment} is durable,
   * and {@code highestSequences} are the highest sequences per origin among them.
   */
  record RollPoint(long firstSegment, Map<Integer, Long> highestSequences) {}

  private record Written(BusRecord record, CompletableFuture<BusRecord> done) {}

  private final Journal journal;
  private final int origin;
  private final List<BusListener> listeners;
  private final long snapshotEveryRecords;
  private final long lingerNanos;
  private final Runnable snapshotDue;
  private final Consumer<Throwable> failed;
  private final Thread thread;

  private final Counter records;
  private final Counter bytes;
  private final Counter fsyncs;
  private final LatencyHistogram writeTime;
  private final Counter batches;
  private final Counter writeFailures;
  private final Counter listenerFailures;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private ArrayList<Request> pending = new ArrayList<>();
  private ArrayList<Request> spare = new ArrayList<>();
  private volatile int depth;
  private boolean refusingRecords;
  private boolean stopping;
  private volatile Throwable failure;

  /** When the batch being written and fsynced started (System.nanoTime), or 0 between batches. */
  private volatile long writingSince;

  // Writer thread only.
  private final Map<Integer, Long> assigned;
  private final List<Written> batch = new ArrayList<>();
  private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
  private long recordsSinceSnapshot;

  /** Highest durable sequence per origin; written by the writer thread, read by anyone. */
  private final Map<Integer, Long> durable;

  JournalWriter(
      Journal journal,
      int origin,
      Map<Integer, Long> highestSequences,
      List<BusListener> listeners,
      StatisticsRegistry stats,
      long snapshotEveryRecords,
      long lingerNanos,
      Runnable snapshotDue,
      Consumer<Throwable> failed) {
    this.journal = journal;
    this.origin = origin;
    this.listeners = listeners;
    this.snapshotEveryRecords = snapshotEveryRecords;
    this.lingerNanos = lingerNanos;
    this.snapshotDue = snapshotDue;
    this.failed = failed;
    this.assigned = new HashMap<>(highestSequences);
    this.durable = new ConcurrentHashMap<>(highestSequences);
    BusStatistics.declare(stats);
    this.records = stats.counter("bus.journal.records");
    this.bytes = stats.counter("bus.journal.bytes");
    this.fsyncs = stats.counter("bus.journal.fsyncs");
    this.batches = stats.counter("bus.journal.batches");
    this.writeTime = new LatencyHistogram(stats, "bus.journal.write_us");
    this.writeFailures = stats.counter("bus.journal.write_failures");
    this.listenerFailures = stats.counter("bus.listener.failures");
    stats.gauge("bus.journal.queue_depth", () -> depth);
    this.thread = DaemonThreads.create("bus-journal-writer", this::run);
  }

  void start() {
    thread.start();
  }

  CompletableFuture<BusRecord> publish(RecordType type, byte[] payload, long timeMillis) {
    CompletableFuture<BusRecord> done = new CompletableFuture<>();
    submit(new Publish(type, payload, timeMillis, done), done, true);
    return done;
  }

  CompletableFuture<BusRecord> append(BusRecord record) {
    CompletableFuture<BusRecord> done = new CompletableFuture<>();
    submit(new Append(record, done), done, true);
    return done;
  }

  /** Records of this server's origin published from now on are numbered above {@code sequence}. */
  CompletableFuture<Void> continueAfter(long sequence) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(new ContinueAfter(sequence, done), done, false);
    return done;
  }

  CompletableFuture<RollPoint> roll() {
    CompletableFuture<RollPoint> done = new CompletableFuture<>();
    submit(new Roll(done), done, false);
    return done;
  }

  private void submit(Request request, CompletableFuture<?> done, boolean isRecord) {
    lock.lock();
    try {
      Throwable refusal = refusal(isRecord);
      if (refusal != null) {
        done.completeExceptionally(refusal);
        return;
      }
      pending.add(request);
      depth = pending.size();
      // The first request wakes the writer; a full batch, a roll or a stop ends its linger.
      if (pending.size() == 1 || pending.size() == LINGER_ENOUGH_RECORDS || !isRecord) {
        queued.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  private Throwable refusal(boolean isRecord) {
    Throwable failed = failure;
    if (failed != null) {
      return new IOException("the journal failed earlier; the bus refuses new records", failed);
    }
    if (stopping || (isRecord && refusingRecords)) {
      return new IllegalStateException("the state bus is closed");
    }
    return null;
  }

  /** From now on new records are refused; those already queued are still written. */
  void refuseRecords() {
    lock.lock();
    try {
      refusingRecords = true;
    } finally {
      lock.unlock();
    }
  }

  /** Writes everything queued, then ends the thread and waits for it. */
  void stop() throws InterruptedException {
    lock.lock();
    try {
      if (!stopping) {
        stopping = true;
        pending.add(new Stop());
        queued.signal();
      }
    } finally {
      lock.unlock();
    }
    if (Thread.currentThread() != thread) {
      thread.join();
    }
  }

  boolean isWriterThread() {
    return Thread.currentThread() == thread;
  }

  long highest(int origin) {
    return durable.getOrDefault(origin, 0L);
  }

  Map<Integer, Long> highestSequences() {
    return Map.copyOf(durable);
  }

  Throwable failure() {
    return failure;
  }

  private void run() {
    ArrayList<Request> requests = null;
    try {
      boolean stop = false;
      while (!stop) {
        requests = take();
        for (Request request : requests) {
          stop |= handle(request);
        }
        flush();
        requests.clear();
        spare = requests;
        requests = null;
        if (snapshotEveryRecords > 0 && recordsSinceSnapshot >= snapshotEveryRecords) {
          snapshotDue.run();
        }
      }
    } catch (Throwable t) {
      // Not an I/O error (those are handled per batch): a bug or an Error. Do not leave
      // publishers waiting forever on futures nobody will complete.
      fail(t);
      log.error("BUS_JOURNAL_WRITER_DIED error={}", t.toString(), t);
      batch.forEach(w -> w.done().completeExceptionally(t));
      if (requests != null) {
        requests.forEach(r -> failRequest(r, t));
      }
      lock.lock();
      try {
        stopping = true;
        pending.forEach(r -> failRequest(r, t));
        pending.clear();
        depth = 0;
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * How long the batch being written has been at it (0 between batches): a disk that hangs (a
   * multipath device queueing without a path, a dead NFS server) shows here, as no error ever does.
   */
  long writingForNanos() {
    long since = writingSince;
    return since == 0 ? 0 : Math.max(0, System.nanoTime() - since);
  }

  private ArrayList<Request> take() {
    lock.lock();
    try {
      while (pending.isEmpty()) {
        queued.awaitUninterruptibly();
      }
      linger();
      ArrayList<Request> taken = pending;
      pending = spare;
      spare = null;
      depth = 0;
      return taken;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Lets more records join the batch before its fsync, up to {@code lingerNanos}; called with the
   * lock held. Not when a stop or a roll waits, nor once the batch is large.
   */
  private void linger() {
    if (lingerNanos == 0) {
      return;
    }
    long deadline = System.nanoTime() + lingerNanos;
    long left;
    while (pending.size() < LINGER_ENOUGH_RECORDS
        && !(pending.get(pending.size() - 1) instanceof Stop)
        && !(pending.get(pending.size() - 1) instanceof Roll)
        && (left = deadline - System.nanoTime()) > 0) {
      try {
        queued.awaitNanos(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Returns true on the stop request. */
  private boolean handle(Request request) {
    Throwable failed = failure;
    if (failed != null && !(request instanceof Stop)) {
      failRequest(request, new IOException("the journal failed earlier", failed));
      return false;
    }
    if (request instanceof Publish p) {
      long sequence = assigned.getOrDefault(origin, 0L) + 1;
      add(new BusRecord(origin, sequence, p.timeMillis(), p.type(), p.payload()), p.done());
    } else if (request instanceof Append a) {
      BusRecord record = a.record();
      long highest = assigned.getOrDefault(record.origin(), 0L);
      if (record.sequence() <= highest) {
        a.done()
            .completeExceptionally(
                new IllegalArgumentException(
                    "origin "
                        + record.origin()
                        + " sequence "
                        + record.sequence()
                        + " is not above the highest already journaled ("
                        + highest
                        + "): a duplicate or out of order, not journaled"));
        return false;
      }
      add(record, a.done());
    } else if (request instanceof Roll r) {
      flush();
      if (failure != null) {
        r.done().completeExceptionally(new IOException("the journal failed", failure));
        return false;
      }
      try {
        long first = journal.roll();
        recordsSinceSnapshot = 0;
        r.done().complete(new RollPoint(first, Map.copyOf(durable)));
      } catch (IOException e) {
        fail(e);
        writeFailures.increment();
        log.error(
            "BUS_JOURNAL_WRITE_FAILED segment={} records=0 error={} (rolling to a new segment)",
            journal.activeSegmentName(),
            e.toString(),
            e);
        r.done().completeExceptionally(e);
      }
    } else if (request instanceof ContinueAfter c) {
      assigned.merge(origin, c.sequence(), Math::max);
      c.done().complete(null);
    } else if (request instanceof Stop) {
      return true;
    }
    return false;
  }

  private void add(BusRecord record, CompletableFuture<BusRecord> done) {
    int size = JournalCodec.frameSize(record);
    if (!batch.isEmpty() && buffer.position() + size > MAX_BATCH_BYTES) {
      flush();
      if (failure != null) {
        done.completeExceptionally(new IOException("the journal failed", failure));
        return;
      }
    }
    if (buffer.remaining() < size) {
      ByteBuffer larger =
          ByteBuffer.allocateDirect(Math.max(buffer.capacity() * 2, buffer.position() + size));
      larger.put(buffer.flip());
      buffer = larger;
    }
    JournalCodec.encode(record, buffer);
    assigned.put(record.origin(), record.sequence());
    batch.add(new Written(record, done));
  }

  /** Writes and fsyncs the batch, then completes its futures and tells the listeners. */
  private void flush() {
    if (batch.isEmpty()) {
      return;
    }
    buffer.flip();
    int length = buffer.remaining();
    long started = System.nanoTime();
    writingSince = started;
    try {
      journal.write(buffer);
      journal.force();
    } catch (IOException | RuntimeException e) {
      fail(e);
      try {
        journal.abandonUndurable();
      } catch (IOException | RuntimeException cut) {
        e.addSuppressed(cut); // the disk is failing: cut again when the bus closes
      }
      writeFailures.increment();
      log.error(
          "BUS_JOURNAL_WRITE_FAILED segment={} records={} error={}",
          journal.activeSegmentName(),
          batch.size(),
          e.toString(),
          e);
      batch.forEach(w -> w.done().completeExceptionally(e));
      batch.clear();
      return;
    } finally {
      writingSince = 0;
      buffer.clear();
    }
    writeTime.recordNanos(System.nanoTime() - started);
    fsyncs.increment();
    batches.increment();
    records.add(batch.size());
    bytes.add(length);
    recordsSinceSnapshot += batch.size();
    for (Written w : batch) {
      durable.merge(w.record().origin(), w.record().sequence(), Math::max);
    }
    for (Written w : batch) {
      w.done().complete(w.record());
    }
    for (Written w : batch) {
      for (BusListener listener : listeners) {
        try {
          listener.onDurable(w.record());
        } catch (RuntimeException e) {
          listenerFailures.increment();
          log.error(
              "BUS_LISTENER_FAILED listener={} record={} error={}",
              listener,
              w.record(),
              e.toString(),
              e);
        }
      }
    }
    batch.clear();
  }

  /** The first failure stops the journal for good; the owner hears of it once, on this thread. */
  private void fail(Throwable t) {
    if (failure != null) {
      return;
    }
    failure = t;
    try {
      failed.accept(t);
    } catch (RuntimeException e) {
      log.error("BUS_FAILURE_HANDLER_FAILED error={}", e.toString(), e);
    }
  }

  private static void failRequest(Request request, Throwable cause) {
    if (request instanceof Publish p) {
      p.done().completeExceptionally(cause);
    } else if (request instanceof Append a) {
      a.done().completeExceptionally(cause);
    } else if (request instanceof Roll r) {
      r.done().completeExceptionally(cause);
    }
  }
}
