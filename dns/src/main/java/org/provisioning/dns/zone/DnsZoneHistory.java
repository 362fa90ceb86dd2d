package org.provisioning.dns.zone;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * The recent changes of one zone, one {@link Delta} per serial step, for IXFR (RFC 1995 section 4).
 * Held in memory and bounded: the oldest deltas go first once there are more than {@code maxDeltas}
 * of them or more than {@code maxRecords} records in all. A secondary whose serial fell out of the
 * history (or predates a restart) gets the whole zone instead, which RFC 1995 section 4 allows. Not
 * thread-safe: its zone guards it.
 */
public final class DnsZoneHistory {
  /** One change: the SOA before and after, what left and what came (SOAs not included). */
  public record Delta(SOARecord from, SOARecord to, List<Record> deleted, List<Record> added) {
    public Delta {
      deleted = List.copyOf(deleted);
      added = List.copyOf(added);
    }

    int size() {
      return 2 + deleted.size() + added.size();
    }
  }

  private final ArrayDeque<Delta> deltas = new ArrayDeque<>();
  private final int maxDeltas;
  private final int maxRecords;
  private int records;

  DnsZoneHistory(int maxDeltas, int maxRecords) {
    this.maxDeltas = maxDeltas;
    this.maxRecords = maxRecords;
  }

  void append(Delta delta) {
    deltas.addLast(delta);
    records += delta.size();
    while (!deltas.isEmpty() && (deltas.size() > maxDeltas || records > maxRecords)) {
      records -= deltas.removeFirst().size();
    }
  }

  /** Takes over another history (the zone's before a rebuild), older deltas first. */
  void appendAll(DnsZoneHistory older) {
    for (Delta delta : older.deltas) {
      append(delta);
    }
  }

  /**
   * The deltas that lead from {@code serial} to the newest, in order; empty when {@code serial} is
   * not the start of a kept delta.
   */
  Optional<List<Delta>> since(long serial) {
    List<Delta> path = new ArrayList<>();
    boolean found = false;
    for (Iterator<Delta> it = deltas.iterator(); it.hasNext(); ) {
      Delta delta = it.next();
      if (!found && delta.from().getSerial() == serial) {
        found = true;
      }
      if (found) {
        path.add(delta);
      }
    }
    return found ? Optional.of(path) : Optional.empty();
  }

  /** How many deltas are kept. */
  public int size() {
    return deltas.size();
  }
}
