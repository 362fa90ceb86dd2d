package org.provisioning.dhcp.failover;

import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;

import java.util.List;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;

/** Every statistic of failover: replication, sync, states, conflicts, frames dropped. */
public final class FailoverStatistics {
  public static final List<StatisticDefinition> DEFINITIONS =
      List.of(
          counter("failover.records.sent", "records", "Own bus records sent on the lease stream."),
          gauge(
              "failover.records.acked",
              "records",
              "Highest own record the partner has acknowledged."),
          gauge(
              "failover.records.pending",
              "records",
              "Records sent and not yet acknowledged by the partner (replication backlog)."),
          counter("failover.records.applied", "records", "Partner records applied to this server."),
          counter(
              "failover.records.refused",
              "records",
              "Partner records this server cannot apply (a format it cannot read): journaled as"
                  + " they came, skipped, acked."),
          counter(
              "failover.records.stale",
              "records",
              "Partner lease records older than the lease held here: the local lease stands."),
          counter(
              "failover.replication_lagging",
              "events",
              "Times an ACK left without the partner's acknowledgement (bound passed)."),
          counter("failover.syncs", "syncs", "TCP syncs and resyncs sent to the partner."),
          counter(
              "failover.syncs.tail", "syncs", "Syncs that sent only the journal tail it missed."),
          counter("failover.syncs.snapshot", "syncs", "Syncs that sent a whole lease snapshot."),
          counter(
              "failover.syncs.resumed",
              "syncs",
              "Syncs that took up a snapshot a broken session left, after its last page applied."),
          counter("failover.sync.leases_sent", "leases", "Snapshot leases sent to the partner."),
          counter(
              "failover.sync.leases_received",
              "leases",
              "Snapshot leases from the partner applied and journaled here."),
          counter(
              "failover.sync.state_sent",
              "records",
              "Snapshot records of state besides config and leases (console users, audit entries,"
                  + " alert acknowledgements) sent to the partner."),
          counter(
              "failover.sync.state_received",
              "records",
              "Snapshot records of state besides config and leases received from the partner."),
          counter(
              "failover.sync.state_merged",
              "records",
              "Of the snapshot state records received, those that changed this server (the rest it"
                  + " held already): journaled here as its own."),
          counter(
              "failover.conflicts",
              "leases",
              "Addresses found given to two clients after a partition (resolved by the rule)."),
          counter(
              "failover.config_conflicts",
              "versions",
              "Config versions made on both servers during a partition (the older discarded)."),
          counter("failover.transitions", "transitions", "Failover state changes."),
          counter("failover.entered.{state}", "transitions", "Times this server entered a state."),
          counter(
              "failover.dropped.{reason}",
              "frames",
              "Failover frames dropped: bad HMAC, replayed, malformed, authentic but carrying"
                  + " this server's own id (a partner with the same server.id), or of a kind this"
                  + " release does not know (a newer partner's, during a rolling upgrade)."));

  private FailoverStatistics() {}

  static StatisticsRegistry declare(StatisticsRegistry stats) {
    stats.declare(DEFINITIONS);
    return stats;
  }
}
