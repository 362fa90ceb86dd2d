package org.provisioning.common.bus;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.provisioning.common.io.DurableFiles;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable state bus of one server: every record is journaled and fsynced (group-committed)
 * before its future completes, so a service answers a client only about state that survives a
 * crash; at start-up each {@link BusParticipant} is restored from the newest valid snapshot and the
 * journal after it is replayed into it.
 *
 * <p>Participants change their state in memory first and then publish the change: that ordering is
 * what makes a snapshot taken while publishers keep going consistent (see {@link #snapshot()}).
 * Records received from the failover peer follow the same rule: apply, then {@link #append}.
 *
 * <p>Futures complete, and listeners run, on the journal writer thread: dependent stages attached
 * with non-async methods run there too, so keep them short, and never wait on a bus future from a
 * listener.
 */
public final class StateBus implements BusPublisher, AutoCloseable {
  /** The largest payload one record may carry. */
  public static final int MAX_PAYLOAD_BYTES = JournalCodec.MAX_PAYLOAD;

  private static final Logger log = LoggerFactory.getLogger(StateBus.class);
  private static final String LOCK_FILE = "bus.lock";

  /** Tunables of a bus; {@link #defaults()} suits production. */
  public static final class Options {
    private final long segmentBytes;
    private final long snapshotEveryRecords;
    private final JournalSync sync;
    private final long lingerNanos;

    private Options(
        long segmentBytes, long snapshotEveryRecords, JournalSync sync, long lingerNanos) {
      if (segmentBytes < 1024) {
        throw new IllegalArgumentException("segment size " + segmentBytes + " is below 1024");
      }
      if (snapshotEveryRecords < 0) {
        throw new IllegalArgumentException("snapshot interval " + snapshotEveryRecords + " < 0");
      }
      this.segmentBytes = segmentBytes;
      this.snapshotEveryRecords = snapshotEveryRecords;
      if (lingerNanos < 0 || lingerNanos > 100_000_000) {
        throw new IllegalArgumentException(
            "group commit linger " + lingerNanos + " ns is not 0-100 ms");
      }
      this.sync = Objects.requireNonNull(sync, "sync");
      this.lingerNanos = lingerNanos;
    }

    /** 64 MiB segments, a snapshot every million records. */
    public static Options defaults() {
      return new Options(64L * 1024 * 1024, 1_000_000, JournalSync.FDATASYNC, 0);
    }

    /** A journal segment is closed and a new one started once it would grow past this size. */
    public Options withSegmentBytes(long bytes) {
      return new Options(bytes, snapshotEveryRecords, sync, lingerNanos);
    }

    /** Take a snapshot in the background after this many records; 0 never does. */
    public Options withSnapshotEveryRecords(long records) {
      return new Options(segmentBytes, records, sync, lingerNanos);
    }

    /** How batches are made durable: {@link JournalSync#FDATASYNC}; tests hold or fail it. */
    public Options withSync(JournalSync sync) {
      return new Options(segmentBytes, snapshotEveryRecords, sync, lingerNanos);
    }

    /**
     * How long the writer waits, once a record is queued, for more to share its fsync. Zero (the
     * default) writes at once. A fast disk under steady load otherwise fsyncs for every record or
     * two, and each fsync costs tens of microseconds of CPU; half a millisecond of linger turns
     * that into one fsync per several records at the price of that half millisecond of latency.
     */
    public Options withGroupCommitLinger(java.time.Duration linger) {
      return new Options(segmentBytes, snapshotEveryRecords, sync, linger.toNanos());
    }

    public long segmentBytes() {
      return segmentBytes;
    }

    public long snapshotEveryRecords() {
      return snapshotEveryRecords;
    }
  }

  private final Path directory;
  private final int originId;
  private final Clock clock;
  private final List<BusParticipant> participants;
  private final Journal journal;
  private final JournalWriter writer;
  private final SnapshotStore snapshots;
  private final Map<String, byte[]> orphanSections;
  private final FileChannel lockChannel;
  private final List<BusListener> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Throwable>> failureHandlers = new CopyOnWriteArrayList<>();
  private final List<ReplicatedState> replicated = new CopyOnWriteArrayList<>();
  private final Object snapshotLock = new Object();
  private final ExecutorService snapshotExecutor;
  private final AtomicBoolean autoSnapshotQueued = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Counter snapshotsTaken;
  private final Counter snapshotFailures;

  private StateBus(
      Path directory,
      int originId,
      Clock clock,
      StatisticsRegistry stats,
      List<BusParticipant> participants,
      Options options,
      Journal journal,
      SnapshotStore snapshots,
      Map<Integer, Long> highest,
      Map<String, byte[]> orphanSections,
      FileChannel lockChannel) {
    this.directory = directory;
    this.originId = originId;
    this.clock = clock;
    this.participants = participants;
    for (BusParticipant p : participants) {
      if (p instanceof ReplicatedState state) {
        addReplicatedState(state);
      }
    }
    this.journal = journal;
    this.snapshots = snapshots;
    this.orphanSections = orphanSections;
    this.lockChannel = lockChannel;
    this.snapshotsTaken = stats.counter("bus.snapshot.taken");
    this.snapshotFailures = stats.counter("bus.snapshot.failures");
    this.snapshotExecutor =
        options.snapshotEveryRecords() > 0
            ? Executors.newSingleThreadExecutor(DaemonThreads.factory("bus-snapshot"))
            : null;
    this.writer =
        new JournalWriter(
            journal,
            originId,
            highest,
            listeners,
            stats,
            options.snapshotEveryRecords(),
            options.lingerNanos,
            this::snapshotInBackground,
            failure -> failureHandlers.forEach(handler -> handler.accept(failure)));
  }

  /** Opens the bus with {@link Options#defaults()}. */
  public static StateBus open(
      Path directory,
      int originId,
      Clock clock,
      StatisticsRegistry stats,
      List<BusParticipant> participants)
      throws IOException {
    return open(directory, originId, clock, stats, participants, Options.defaults());
  }

  /**
   * Opens the bus in {@code directory} (created if absent; one bus per directory, enforced by a
   * file lock): restores each participant from the newest valid snapshot section of its name, then
   * replays every journal record after that snapshot into the participant whose {@link
   * BusParticipant#types()} holds the record's type. Records no participant takes stay in the
   * journal and are counted as {@code bus.replay.unknown_type}.
   *
   * @param originId this server's origin, 0-255, stamped on every record it publishes
   * @throws IOException if the directory cannot be read or locked, or the journal cannot be
   *     replayed without losing state (a missing segment, a newer format)
   */
  public static StateBus open(
      Path directory,
      int originId,
      Clock clock,
      StatisticsRegistry stats,
      List<BusParticipant> participants,
      Options options)
      throws IOException {
    if (originId < 0 || originId > 255) {
      throw new IllegalArgumentException("origin " + originId + " is not 0-255");
    }
    Objects.requireNonNull(clock, "clock");
    BusStatistics.declare(Objects.requireNonNull(stats, "stats"));
    Objects.requireNonNull(options, "options");
    List<BusParticipant> parts = List.copyOf(participants);
    Map<RecordType, BusParticipant> byType = byType(parts);
    long started = System.nanoTime();

    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory);
      Path parent = directory.toAbsolutePath().getParent();
      if (parent != null) {
        DurableFiles.syncDirectory(parent);
      }
    }
    FileChannel lockChannel = lock(directory);
    Journal journal = null;
    try {
      SnapshotStore snapshots = new SnapshotStore(directory, clock, stats);
      snapshots.deleteTemporaryFiles();
      Optional<SnapshotStore.Snapshot> snapshot = snapshots.loadNewestValid();
      Map<Integer, Long> highest = new HashMap<>();
      Map<String, byte[]> orphans = new LinkedHashMap<>();
      if (snapshot.isPresent()) {
        highest.putAll(snapshot.get().highestSequences());
        Map<String, BusParticipant> byName = new HashMap<>();
        parts.forEach(p -> byName.put(p.name(), p));
        snapshot
            .get()
            .sections()
            .forEach(
                (name, data) -> {
                  BusParticipant p = byName.get(name);
                  if (p != null) {
                    p.restore(data);
                  } else {
                    orphans.put(name, data);
                  }
                });
      }

      Counter replayed = stats.counter("bus.replay.records");
      Counter unknownType = stats.counter("bus.replay.unknown_type");
      long before = replayed.get();
      journal =
          Journal.open(
              directory,
              snapshot.map(SnapshotStore.Snapshot::firstSegment).orElse(1L),
              options.segmentBytes(),
              options.sync,
              clock,
              stats,
              record -> {
                highest.merge(record.origin(), record.sequence(), Math::max);
                BusParticipant p = byType.get(record.type());
                if (p != null) {
                  p.apply(record);
                } else {
                  unknownType.increment();
                }
                replayed.increment();
              });
      StateBus bus =
          new StateBus(
              directory,
              originId,
              clock,
              stats,
              parts,
              options,
              journal,
              snapshots,
              highest,
              orphans,
              lockChannel);
      bus.writer.start();
      log.info(
          "BUS_OPENED directory={} origin={} snapshot={} records_replayed={} last_sequence={}"
              + " ms={}",
          directory,
          originId,
          snapshot.map(s -> s.path().getFileName().toString()).orElse("none"),
          replayed.get() - before,
          highest.getOrDefault(originId, 0L),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return bus;
    } catch (IOException | RuntimeException | Error e) {
      if (journal != null) {
        closeQuietly(journal);
      }
      closeQuietly(lockChannel);
      throw e;
    }
  }

  private static Map<RecordType, BusParticipant> byType(List<BusParticipant> participants) {
    Map<RecordType, BusParticipant> byType = new HashMap<>();
    Map<String, BusParticipant> byName = new HashMap<>();
    for (BusParticipant p : participants) {
      String name = p.name();
      if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 0xffff) {
        throw new IllegalArgumentException("participant name '" + name + "' is empty or too long");
      }
      if (byName.putIfAbsent(name, p) != null) {
        throw new IllegalArgumentException("two participants are named '" + name + "'");
      }
      for (RecordType type : p.types()) {
        BusParticipant other = byType.putIfAbsent(type, p);
        if (other != null) {
          throw new IllegalArgumentException(
              "record type " + type + " claimed by both " + other.name() + " and " + name);
        }
      }
    }
    return byType;
  }

  private static FileChannel lock(Path directory) throws IOException {
    FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), CREATE, WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new IOException(directory + " is in use by another state bus");
      }
      return channel;
    } catch (OverlappingFileLockException e) {
      channel.close();
      throw new IOException(directory + " is in use by another state bus in this process", e);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Journals a record of this server; the future completes with the record (origin, sequence, time)
   * once it is fsynced, or fails if the bus is closed or the journal failed. The payload array is
   * kept, not copied: do not change it afterwards.
   *
   * @throws IllegalArgumentException if the payload exceeds 16 MiB
   */
  public CompletableFuture<BusRecord> publish(RecordType type, byte[] payload) {
    Objects.requireNonNull(type, "type");
    checkPayload(payload);
    return writer.publish(type, payload, clock.millis());
  }

  /**
   * Journals a record received from the failover peer as it is, origin and sequence unchanged, and
   * tells the listeners; it does not apply it: the caller applies it to its participant first, as
   * for {@link #publish}. A record whose sequence is not above the highest already journaled for
   * its origin is a duplicate or out of order: it is not journaled and the future fails with {@link
   * IllegalArgumentException}, so a replayed peer message never rolls state back.
   */
  public CompletableFuture<BusRecord> append(BusRecord fromPeer) {
    Objects.requireNonNull(fromPeer, "fromPeer");
    checkPayload(fromPeer.payload());
    if (fromPeer.sequence() < 1) {
      throw new IllegalArgumentException("sequence " + fromPeer.sequence() + " is not positive");
    }
    return writer.append(fromPeer);
  }

  private static void checkPayload(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
    }
  }

  /**
   * Tells {@code handler}, once, that the journal failed to write or fsync and takes no more
   * records (fail-stop): nothing published from then on is durable. Called on the journal's writer
   * thread, which must not wait for the bus; at once when the journal failed already.
   */
  public void onJournalFailure(Consumer<Throwable> handler) {
    Objects.requireNonNull(handler, "handler");
    AtomicBoolean told = new AtomicBoolean();
    Consumer<Throwable> once =
        failure -> {
          if (told.compareAndSet(false, true)) {
            handler.accept(failure);
          }
        };
    failureHandlers.add(once);
    Throwable failed = writer.failure();
    if (failed != null) {
      once.accept(failed); // it failed before the handler came
    }
  }

  /** Tells the listener of every record made durable from now on, in journal order. */
  public void addListener(BusListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Adds state that the failover sync must carry whole to a partner that lacks it (a participant
   * that is a {@link ReplicatedState} is added when the bus opens).
   *
   * @throws IllegalArgumentException if a type it claims is claimed already
   */
  public synchronized void addReplicatedState(ReplicatedState state) {
    Objects.requireNonNull(state, "state");
    for (ReplicatedState held : replicated) {
      for (RecordType type : state.types()) {
        if (held.types().contains(type)) {
          throw new IllegalArgumentException("record type " + type + " is replicated twice");
        }
      }
    }
    replicated.add(state);
  }

  /**
   * Every state besides config and leases that a failover partner must hold: what the sync by
   * snapshot carries (see {@link ReplicatedState}).
   */
  public List<ReplicatedState> replicatedStates() {
    return List.copyOf(replicated);
  }

  /**
   * How long the journal has been writing its current batch; zero between batches. Every
   * acknowledgement waits for it, so a long one means this server serves no one.
   */
  public java.time.Duration journalWritingFor() {
    return java.time.Duration.ofNanos(writer.writingForNanos());
  }

  /**
   * Numbers this server's records from now on above {@code sequence}: a failover partner holds
   * records of ours up to there that this journal lacks (it was restored from an older backup, or
   * started afresh under the same server id), and would take new records numbered again in that
   * range for ones it has already applied, dropping them unseen.
   */
  public CompletableFuture<Void> continueAfter(long sequence) {
    return writer.continueAfter(sequence);
  }

  /** The highest sequence of this server's origin that is durable; 0 before the first. */
  public long lastSequence() {
    return writer.highest(originId);
  }

  /** The highest durable sequence of every origin in the journal and snapshots. */
  public Map<Integer, Long> highestSequenceByOrigin() {
    return writer.highestSequences();
  }

  public int originId() {
    return originId;
  }

  /**
   * Takes a snapshot now, so that the next start replays only what comes after it.
   *
   * <p>The journal writer first rolls to a new segment: every record queued before lands in the
   * older segments. Then each participant's state is captured. Because participants change their
   * state before publishing, that state already holds every record of the older segments; records
   * published meanwhile land in the new segment and, being whole-state upserts, are harmlessly
   * replayed over the snapshot.
   *
   * <p>The two newest snapshots are kept, and the segments back to the older of them, so that a
   * damaged newest snapshot can fall back on the previous one. Failures are counted as {@code
   * bus.snapshot.failures}; the bus itself goes on.
   *
   * @throws IllegalStateException if the bus is closed, or when called from a listener
   */
  public void snapshot() throws IOException {
    if (closed.get()) {
      throw new IllegalStateException("the state bus is closed");
    }
    refuseOnWriterThread("snapshot()");
    try {
      takeSnapshot();
    } catch (IOException | RuntimeException e) {
      snapshotFailures.increment();
      throw e;
    }
  }

  /** Receives the files of a backup, one at a time, while they cannot change or go away. */
  @FunctionalInterface
  public interface BackupSink {
    void accept(String fileName, Path file) throws IOException;
  }

  /**
   * Takes a snapshot, then hands {@code sink} every file that a bus opened on a copy of them needs,
   * while no snapshot can delete any: the snapshots kept and the closed journal segments (the state
   * as of the new snapshot, and the history back to the one before). Every record durable before
   * the call is in them; records published meanwhile go to the segment the snapshot opened, which
   * is not handed over. A bus opened in a folder holding only these files comes back to that state.
   *
   * @throws IllegalStateException if the bus is closed, or when called from a listener
   */
  public void backup(BackupSink sink) throws IOException {
    synchronized (snapshotLock) {
      snapshot();
      NavigableMap<Long, Path> kept = snapshots.list();
      for (Path snapshot : kept.values()) {
        sink.accept(snapshot.getFileName().toString(), snapshot);
      }
      for (Path segment : Journal.listSegments(directory).headMap(kept.lastKey()).values()) {
        sink.accept(segment.getFileName().toString(), segment);
      }
    }
  }

  private void takeSnapshot() throws IOException {
    synchronized (snapshotLock) {
      long started = System.nanoTime();
      JournalWriter.RollPoint point = await(writer.roll());
      Map<String, byte[]> sections = new LinkedHashMap<>(orphanSections);
      for (BusParticipant p : participants) {
        sections.put(p.name(), Objects.requireNonNull(p.snapshot(), p.name() + " snapshot"));
      }
      long bytes =
          snapshots.write(point.firstSegment(), clock.millis(), point.highestSequences(), sections);
      NavigableMap<Long, Path> kept = snapshots.list();
      int segmentsDeleted = 0;
      if (kept.size() >= 2) {
        long previous = kept.lowerKey(kept.lastKey());
        snapshots.deleteBelow(previous);
        segmentsDeleted = journal.deleteSegmentsBelow(previous);
      }
      snapshotsTaken.increment();
      log.info(
          "BUS_SNAPSHOT_TAKEN file={} bytes={} participants={} segments_deleted={} ms={}",
          SnapshotStore.fileName(point.firstSegment()),
          bytes,
          sections.size(),
          segmentsDeleted,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the journal rolled");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new IOException("journal roll failed: " + io.getMessage(), io);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException("journal roll failed", cause);
    }
  }

  /** Called on the writer thread when enough records came since the last snapshot. */
  private void snapshotInBackground() {
    if (snapshotExecutor == null
        || closed.get()
        || !autoSnapshotQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      snapshotExecutor.execute(
          () -> {
            try {
              if (!closed.get()) {
                snapshot();
              }
            } catch (IOException | RuntimeException e) {
              log.error("BUS_SNAPSHOT_FAILED directory={} error={}", directory, e.toString(), e);
            } finally {
              autoSnapshotQueued.set(false);
            }
          });
    } catch (RejectedExecutionException e) {
      autoSnapshotQueued.set(false);
    }
  }

  /**
   * Refuses new records, writes and fsyncs every record already queued (their futures complete),
   * lets a running snapshot finish, stops the writer thread and closes the files. Idempotent.
   *
   * @throws IllegalStateException when called from a listener
   */
  @Override
  public void close() {
    refuseOnWriterThread("close()");
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.refuseRecords();
    boolean interrupted = false;
    if (snapshotExecutor != null) {
      snapshotExecutor.shutdown();
      try {
        while (!snapshotExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("BUS_CLOSE_WAITING for a snapshot to finish in {}", directory);
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    try {
      writer.stop();
    } catch (InterruptedException e) {
      interrupted = true;
    }
    closeQuietly(journal);
    closeQuietly(lockChannel);
    log.info(
        "BUS_CLOSED directory={} origin={} last_sequence={}", directory, originId, lastSequence());
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Both wait for the writer thread: called from a listener they would wait for themselves. */
  private void refuseOnWriterThread(String what) {
    if (writer.isWriterThread()) {
      throw new IllegalStateException(what + " may not be called from a bus listener");
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("BUS_CLOSE_FAILED resource={} error={}", closeable, e.toString());
    }
  }
}
