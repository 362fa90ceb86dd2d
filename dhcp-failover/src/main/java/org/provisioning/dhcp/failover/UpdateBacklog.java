package org.provisioning.dhcp.failover;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import org.provisioning.common.bus.BusRecord;

/**
 * This server's own records not yet acknowledged by the partner (Kea's update backlog), in sequence
 * order, bounded: past the bound the oldest are dropped and the partner must be resynchronised over
 * TCP. Also the waiters of the replication gate, completed when the ack covers them. Thread-safe.
 */
final class UpdateBacklog {
  /**
   * The largest record streamed over UDP: above the 1400-octet target a record goes alone in one
   * (IP-fragmented) datagram; above this, it and the records after it go in a TCP sync's tail.
   */
  static final int MAX_STREAMED_RECORD = 60_000;

  private final int capacity;
  private final ArrayDeque<BusRecord> records = new ArrayDeque<>();
  private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiters =
      new ConcurrentSkipListMap<>();
  private long acked;
  private long nextToSend = 1;
  private boolean overflowed;

  /**
   * Whether the next record to send is too large for a datagram (a big config document, user or
   * audit entry): the stream waits for a sync, whose tail carries it over TCP. Unlike an overflow
   * nothing is dropped, so the sync needs no snapshot.
   */
  private boolean waitsForTcp;

  /** The highest sequence the partner acked since the sync session under way began; 0 if none. */
  private long ackedInSession;

  /** The highest sequence dropped by an overflow; 0 if none was. */
  private long droppedUpTo;

  UpdateBacklog(int capacity, long acked) {
    this.capacity = capacity;
    this.acked = acked;
    this.nextToSend = acked + 1;
  }

  /** A record of ours became durable. */
  synchronized void add(BusRecord record) {
    if (record.sequence() <= acked) {
      return;
    }
    records.addLast(record);
    if (records.size() > capacity) {
      records.clear();
      overflowed = true;
      droppedUpTo = record.sequence();
    }
    notifyAll();
  }

  /** The partner applied and journaled every record of ours up to {@code sequence}. */
  void acked(long sequence) {
    synchronized (this) {
      ackedInSession = Math.max(ackedInSession, sequence);
      if (sequence <= acked) {
        return;
      }
      acked = sequence;
      dropUpTo(sequence);
      nextToSend = Math.max(nextToSend, sequence + 1);
      notifyAll();
    }
    completeWaitersUpTo(sequence);
  }

  /** Lets go of the records the partner holds now; called holding this. */
  private void dropUpTo(long sequence) {
    while (!records.isEmpty() && records.peekFirst().sequence() <= sequence) {
      records.removeFirst();
    }
  }

  private void completeWaitersUpTo(long sequence) {
    var covered = waiters.headMap(sequence, true);
    covered.values().forEach(f -> f.complete(null));
    covered.clear();
  }

  /** A sync session exchanged HELLOs: the partner's acks from here on are of what it holds now. */
  synchronized void sessionStarted() {
    ackedInSession = 0;
  }

  /**
   * After a sync that gave the partner our records or snapshot up to {@code covered}: the stream
   * starts again after it, or after what the partner acked during the session if that is more (the
   * stream may run beside a session). Acks from before the session do not count: the partner may
   * have restarted with less since. Before, a stream ack past {@code covered} was undone after its
   * records had left the backlog, which then looked like lost records and cost a snapshot.
   */
  void resetTo(long covered) {
    long holds;
    synchronized (this) {
      holds = Math.max(covered, ackedInSession);
      acked = holds;
      nextToSend = holds + 1;
      overflowed = false;
      waitsForTcp = false;
      dropUpTo(holds);
      notifyAll();
    }
    completeWaitersUpTo(holds); // the partner holds them now: their ACKs need not time out
  }

  /** Whether only a TCP sync can bring the partner what it lacks of ours. */
  synchronized boolean needsResync() {
    return waitsForTcp || lostRecords();
  }

  /**
   * Whether the partner needs records we no longer hold: a sync must send a snapshot, which takes
   * long enough that waiting for the partner's ack would only delay every ACK by the bound.
   */
  synchronized boolean lostRecords() {
    return overflowed || (!records.isEmpty() && records.peekFirst().sequence() > acked + 1);
  }

  /**
   * The records after {@code after} up to {@code upTo}, if this backlog still holds every one of
   * them: then a sync can send them instead of a snapshot.
   */
  synchronized Optional<List<BusRecord>> tail(long after, long upTo) {
    if (after >= upTo) {
      return Optional.of(List.of());
    }
    if (overflowed || records.isEmpty() || records.peekFirst().sequence() > after + 1) {
      return Optional.empty();
    }
    if (records.peekLast().sequence() < upTo) {
      return Optional.empty();
    }
    List<BusRecord> tail = new ArrayList<>();
    for (BusRecord record : records) {
      if (record.sequence() > after && record.sequence() <= upTo) {
        tail.add(record);
      }
    }
    return Optional.of(tail);
  }

  /**
   * Whether every record of ours after {@code sequence} is still here, so that the stream can
   * deliver them after a snapshot that covers {@code sequence}.
   */
  synchronized boolean holdsEverythingAfter(long sequence) {
    BusRecord first = records.peekFirst();
    return droppedUpTo <= sequence && (first == null || first.sequence() <= sequence + 1);
  }

  /** Go-back-N: send again from the first unacknowledged record. */
  synchronized void rewind() {
    nextToSend = acked + 1;
  }

  /** The next records to send, at most {@code maxBytes} of them encoded; empty if none. */
  synchronized List<BusRecord> nextBatch(int maxBytes) {
    List<BusRecord> batch = new ArrayList<>();
    int size = 2;
    for (BusRecord record : records) {
      if (record.sequence() < nextToSend) {
        continue;
      }
      int s = FailoverCodec.encodedSize(record);
      if (s > MAX_STREAMED_RECORD) {
        waitsForTcp = true;
        break;
      }
      if (!batch.isEmpty() && size + s > maxBytes) {
        break;
      }
      batch.add(record);
      size += s;
      if (size > maxBytes) {
        break;
      }
    }
    if (!batch.isEmpty()) {
      nextToSend = batch.get(batch.size() - 1).sequence() + 1;
    }
    return batch;
  }

  /** Waits up to {@code millis} for something new to send or an ack. */
  synchronized void awaitWork(long millis) throws InterruptedException {
    if (hasUnsent() && !needsResync()) {
      return;
    }
    wait(Math.max(1, millis));
  }

  private boolean hasUnsent() {
    BusRecord last = records.peekLast();
    return last != null && last.sequence() >= nextToSend;
  }

  synchronized long acked() {
    return acked;
  }

  synchronized int pending() {
    return records.size();
  }

  /** When the oldest record the partner has not acked was made, or -1 if none waits. */
  synchronized long oldestUnackedMillis() {
    BusRecord oldest = records.peekFirst();
    return oldest == null ? -1 : oldest.timeMillis();
  }

  /** Completes once the partner acked {@code sequence}. */
  CompletableFuture<Void> whenAcked(long sequence) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiters.put(sequence, f);
    synchronized (this) {
      if (acked >= sequence) {
        waiters.remove(sequence);
        f.complete(null);
      }
    }
    return f;
  }
}
