package org.provisioning.common.bus;

import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;
import static org.provisioning.common.stats.StatisticDefinition.histogram;

import java.util.List;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;

/** The state bus's statistics: its journal, snapshots and replay. */
public final class BusStatistics {
  /** Every statistic of the state bus. */
  public static final List<StatisticDefinition> DEFINITIONS =
      List.of(
          counter("bus.journal.records", "records", "Records written to the journal."),
          counter("bus.journal.bytes", "bytes", "Octets written to the journal."),
          counter("bus.journal.fsyncs", "fsyncs", "Journal fsyncs (one per group commit)."),
          counter("bus.journal.batches", "batches", "Group-committed batches of records."),
          histogram(
              "bus.journal.write_us",
              "Time to write and fsync one batch: what every acknowledgement waits for, so a slow"
                  + " or stalling disk shows here first."),
          counter(
              "bus.journal.write_failures",
              "failures",
              "Journal writes or fsyncs that failed: the bus then refuses new records."),
          counter(
              "bus.journal.tail_truncated",
              "events",
              "Torn or corrupt journal tails cut off at start (kept aside as *.corrupt-*)."),
          counter("bus.journal.truncated_bytes", "bytes", "Octets cut off torn or corrupt tails."),
          counter("bus.journal.segments_rolled", "segments", "Journal segments started."),
          gauge(
              "bus.journal.queue_depth",
              "records",
              "Records waiting for the journal writer (a disk falling behind shows here)."),
          counter(
              "bus.listener.failures",
              "failures",
              "Bus listeners that threw while told of a durable record."),
          counter("bus.snapshot.taken", "snapshots", "Snapshots of the whole state written."),
          counter("bus.snapshot.failures", "failures", "Snapshots that could not be written."),
          counter(
              "bus.snapshot.corrupt",
              "snapshots",
              "Snapshots found unreadable at start (the previous one was used)."),
          counter("bus.replay.records", "records", "Journal records replayed at start."),
          counter(
              "bus.replay.unknown_type",
              "records",
              "Replayed records of a type this version does not know (skipped)."));

  private BusStatistics() {}

  static StatisticsRegistry declare(StatisticsRegistry stats) {
    stats.declare(DEFINITIONS);
    return stats;
  }
}
