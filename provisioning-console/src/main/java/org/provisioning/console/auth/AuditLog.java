package org.provisioning.console.auth;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.provisioning.common.bus.BusListener;
import org.provisioning.common.bus.BusParticipant;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.ReplicatedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: every change made through the management API, as {@link RecordType#AUDIT} records,
 * so that it survives restarts and both servers of a pair hold the entries of both. The newest
 * {@link #capacity} entries are kept (and snapshotted); each is also logged as {@code AUDIT} for
 * whoever keeps the log files longer. The failover partner gets each entry from the stream, or,
 * when the failover syncs by snapshot, all of them ({@link ReplicatedState}); an entry held already
 * is never added twice, however often it comes.
 */
public final class AuditLog implements BusParticipant, BusListener, ReplicatedState {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  public static final int DEFAULT_CAPACITY = 10_000;

  private final int capacity;
  private final Deque<AuditEntry> entries = new ArrayDeque<>();
  private volatile BusPublisher bus;
  private volatile int ownOrigin = -1;

  public AuditLog() {
    this(DEFAULT_CAPACITY);
  }

  public AuditLog(int capacity) {
    this.capacity = capacity;
  }

  public void attach(BusPublisher publisher, int origin) {
    this.bus = publisher;
    this.ownOrigin = origin;
  }

  /** Keeps the entry, logs it, and journals it (which also sends it to the partner). */
  public CompletableFuture<BusRecord> record(AuditEntry entry) {
    add(entry);
    log.info(
        "AUDIT actor={} via=\"{}\" remote={} action=\"{}\" status={} {}",
        entry.actor(),
        entry.via(),
        entry.remote(),
        entry.action(),
        entry.status(),
        entry.summary());
    BusPublisher publisher = bus;
    if (publisher == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the audit log is not attached to the bus yet"));
    }
    return publisher
        .publish(RecordType.AUDIT, entry.encode())
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                log.error("AUDIT_NOT_JOURNALED action=\"{}\": {}", entry.action(), e.toString());
              }
            });
  }

  /**
   * The newest entries first.
   *
   * @param actor only this actor's, if not null
   * @param since only those at or after, if not null
   */
  public synchronized List<AuditEntry> newest(int limit, String actor, Instant since) {
    List<AuditEntry> found = new ArrayList<>();
    for (Iterator<AuditEntry> it = entries.descendingIterator();
        it.hasNext() && found.size() < limit; ) {
      AuditEntry entry = it.next();
      if ((actor == null || actor.equals(entry.actor()))
          && (since == null || !entry.at().isBefore(since))) {
        found.add(entry);
      }
    }
    return found;
  }

  /**
   * Entries are kept in time order, whichever server they came from. An entry already held (a
   * record published while a snapshot was taken is in the snapshot and replayed after it) is not
   * added twice, nor is one older than every entry of a full log (it would go at once).
   *
   * @return whether the entry was added
   */
  private synchronized boolean add(AuditEntry entry) {
    for (Iterator<AuditEntry> it = entries.descendingIterator(); it.hasNext(); ) {
      AuditEntry held = it.next();
      if (held.at().isBefore(entry.at())) {
        break;
      }
      if (held.equals(entry)) {
        return false;
      }
    }
    if (entries.size() >= capacity && entry.at().isBefore(entries.peekFirst().at())) {
      return false;
    }
    if (entries.isEmpty() || !entries.peekLast().at().isAfter(entry.at())) {
      entries.addLast(entry);
    } else {
      List<AuditEntry> later = new ArrayList<>();
      while (!entries.isEmpty() && entries.peekLast().at().isAfter(entry.at())) {
        later.add(entries.removeLast());
      }
      entries.addLast(entry);
      for (int i = later.size() - 1; i >= 0; i--) {
        entries.addLast(later.get(i));
      }
    }
    while (entries.size() > capacity) {
      entries.removeFirst();
    }
    return true;
  }

  @Override
  public String name() {
    return "console-audit";
  }

  @Override
  public Set<RecordType> types() {
    return Set.of(RecordType.AUDIT);
  }

  @Override
  public void apply(BusRecord record) {
    try {
      add(AuditEntry.decode(record.payload()));
    } catch (IOException e) {
      log.warn(
          "AUDIT_RECORD_UNREADABLE origin={} seq={}: {}",
          record.origin(),
          record.sequence(),
          e.getMessage());
    }
  }

  @Override
  public void onDurable(BusRecord record) {
    if (RecordType.AUDIT.equals(record.type()) && record.origin() != ownOrigin) {
      apply(record);
    }
  }

  /** Every entry held, oldest first. */
  @Override
  public synchronized List<Entry> entries() {
    List<Entry> all = new ArrayList<>(entries.size());
    for (AuditEntry entry : entries) {
      all.add(new Entry(RecordType.AUDIT, entry.encode()));
    }
    return all;
  }

  /** An entry of the partner's log, added unless it is held already. */
  @Override
  public boolean merge(Entry entry) {
    if (!RecordType.AUDIT.equals(entry.type())) {
      return false;
    }
    try {
      return add(AuditEntry.decode(entry.payload()));
    } catch (IOException e) {
      log.warn("AUDIT_RECORD_UNREADABLE from the partner's state: {}", e.getMessage());
      return false;
    }
  }

  @Override
  public synchronized byte[] snapshot() {
    return SnapshotFrames.write(entries, AuditEntry::encode);
  }

  @Override
  public synchronized void restore(byte[] snapshot) {
    entries.clear();
    try {
      SnapshotFrames.read(snapshot, encoded -> add(AuditEntry.decode(encoded)));
    } catch (IOException e) {
      log.warn("AUDIT_SNAPSHOT_UNREADABLE: {}", e.getMessage());
    }
  }
}
