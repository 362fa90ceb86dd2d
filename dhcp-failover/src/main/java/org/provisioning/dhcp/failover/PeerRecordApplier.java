package org.provisioning.dhcp.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertType;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ConfigVersion;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.lease.LeaseStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what the partner sends: its bus records (stream and sync tail) and its snapshot (config
 * and leases), on the DHCP engine's thread so that records are applied and journaled in their order
 * and the pools follow. A lease meets the {@link LeaseConflictRule}; a config keeps this server's
 * identity (server section; failover role, listen and peer) and meets the config rule: the higher
 * version wins, ties to the later change, then to the lower server id.
 */
final class PeerRecordApplier {
  private static final Logger log = LoggerFactory.getLogger(PeerRecordApplier.class);

  /** Runs tasks on the DHCP engine's thread ({@code DhcpServer::execute}). */
  interface EngineThread {
    void execute(Runnable task);
  }

  private final StateBus bus;
  private final ConfigService config;
  private final DhcpEngine engine;
  private final LeaseStore store;
  private final EngineThread engineThread;
  private final AlertCenter alerts;
  private final Clock clock;
  private final ObjectMapper json;
  private final Counter conflicts;
  private final Counter configConflicts;
  private final Counter applied;
  private final Counter refused;
  private final Counter staleRecords;

  /**
   * Leases as the partner's snapshot gave them, added and cleared on the engine's thread, read also
   * by the sync thread that filters a snapshot of ours. By their octets: a lease changed here since
   * no longer matches the partner's.
   */
  private final PartnerGivenLeases fromPartnerSnapshot = new PartnerGivenLeases();

  PeerRecordApplier(
      StateBus bus,
      ConfigService config,
      DhcpEngine engine,
      LeaseStore store,
      EngineThread engineThread,
      AlertCenter alerts,
      Clock clock,
      StatisticsRegistry stats) {
    this.bus = bus;
    this.config = config;
    this.engine = engine;
    this.store = store;
    this.engineThread = engineThread;
    this.alerts = alerts;
    this.clock = clock;
    this.json = config.codec().jsonMapper();
    FailoverStatistics.declare(stats);
    this.conflicts = stats.counter("failover.conflicts");
    this.configConflicts = stats.counter("failover.config_conflicts");
    this.applied = stats.counter("failover.records.applied");
    this.refused = stats.counter("failover.records.refused");
    this.staleRecords = stats.counter("failover.records.stale");
  }

  /**
   * Applies the partner's records in order and journals each after applying it. Completes once the
   * last is durable; a record already journaled (a retransmission) counts as done.
   */
  CompletableFuture<Void> applyRecords(List<BusRecord> records) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    engineThread.execute(
        () -> {
          CompletableFuture<?> last = CompletableFuture.completedFuture(null);
          try {
            for (BusRecord record : records) {
              last = applyOne(record);
            }
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return;
          }
          last.whenComplete(
              (r, e) -> {
                if (e == null || stale(e)) {
                  done.complete(null);
                } else {
                  done.completeExceptionally(e);
                }
              });
        });
    return done;
  }

  private static boolean stale(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return cause instanceof IllegalArgumentException;
  }

  /**
   * On the engine thread. The partner's record is journaled whether it is applied or refused, so
   * that its sequence stays contiguous here and the partner's stream moves on; replay at start-up
   * applies records in journal order, so the last record for an address must be the lease that
   * stands:
   *
   * <ul>
   *   <li>a stale record (the rule keeps the local lease, no conflict) is journaled under its
   *       sequence with the local lease as its payload, and nothing goes back: the partner's state
   *       is newer than that record (a snapshot page ahead of the stream) or the partner learns
   *       ours from our own stream, and echoing it could roll back a change the partner made since;
   *   <li>an echo ({@link RecordType#LEASE_ECHO}: our lease as our snapshot gave it) is journaled
   *       so too, with the lease we hold now, never weighed against it;
   *   <li>a conflict the local lease wins is journaled so too, then the local lease again as our
   *       own record, so that the partner, applying the same rule to it, keeps it too (journaled as
   *       it came, the losing lease stood after a crash between the two records' fsyncs);
   *   <li>a record that cannot be applied at all (a format this build cannot read) is journaled as
   *       it came, refused, counted and alerted: never a reason to stall the stream, and never one
   *       to take over from a partner that answers.
   * </ul>
   */
  private CompletableFuture<?> applyOne(BusRecord record) {
    applied.increment();
    BusRecord journaled = record;
    LeaseRecord kept = null;
    try {
      LeaseRecord echoed =
          RecordType.LEASE_ECHO.equals(record.type()) ? LeaseRecord.decode(record.payload()) : null;
      LeaseRecord held = echoed == null ? null : store.byAddress(echoed.address()).orElse(null);
      if (held != null) {
        // Our own lease as our snapshot gave it, sent back: what we hold is as new or newer.
        staleRecords.increment();
        journaled = leaseUnderItsSequence(record, held.encode());
      } else if (echoed != null || RecordType.LEASE.equals(record.type())) {
        Merge merge = mergeLease(LeaseRecord.decode(record.payload()), -1);
        if (!merge.decision().takesPartners()) {
          journaled = leaseUnderItsSequence(record, merge.local().encode());
        } else if (echoed != null) {
          journaled = leaseUnderItsSequence(record, record.payload());
        }
        if (merge.decision() == LeaseConflictRule.Decision.CONFLICT_LOCAL_WINS) {
          kept = merge.local();
        }
      } else if (RecordType.CONFIG.equals(record.type())) {
        byte[] local = localised(record.payload());
        journaled =
            new BusRecord(
                record.origin(), record.sequence(), record.timeMillis(), record.type(), local);
        mergeConfig(journaled);
      }
    } catch (RuntimeException e) {
      refuse(record, e);
    }
    CompletableFuture<BusRecord> appended = bus.append(journaled);
    appended.exceptionally(
        e -> {
          if (!stale(e)) {
            log.error("FAILOVER_APPEND_FAILED record={}: {}", record, e.toString());
          }
          return null;
        });
    if (kept != null) {
      LeaseRecord winner = kept;
      bus.publish(RecordType.LEASE, winner.encode())
          .exceptionally(
              e -> {
                log.error("FAILOVER_APPEND_FAILED kept={}: {}", winner, e.toString());
                return null;
              });
    }
    return appended;
  }

  /** The partner's record journaled as a LEASE with this lease, under the record's sequence. */
  private static BusRecord leaseUnderItsSequence(BusRecord record, byte[] lease) {
    return new BusRecord(
        record.origin(), record.sequence(), record.timeMillis(), RecordType.LEASE, lease);
  }

  private void refuse(BusRecord record, RuntimeException e) {
    refused.increment();
    boolean raised =
        alerts.raise(
            FailoverAlerts.RECORD_REFUSED,
            "origin " + record.origin(),
            "a "
                + record.type()
                + " record from the partner cannot be applied here ("
                + e.getMessage()
                + "); it is journaled as it came and skipped: check that both servers run the"
                + " same version");
    if (raised) {
      log.warn(
          "FAILOVER_RECORD_REFUSED origin={} seq={} type={}: {}",
          record.origin(),
          record.sequence(),
          record.type(),
          e.toString());
    } else {
      log.debug(
          "FAILOVER_RECORD_REFUSED origin={} seq={} type={}: {}",
          record.origin(),
          record.sequence(),
          record.type(),
          e.toString());
    }
  }

  /**
   * Applies a page of the partner's snapshot; a lease it changes is journaled as ours (so that it
   * survives a restart). Each lease that then stands here as the partner sent it is remembered (by
   * identity, so a later change by the engine is not), and left out of our own snapshot to the
   * partner: it already has it, and a fresh secondary would otherwise send a whole snapshot back.
   * Each is weighed knowing when the two servers were last level ({@code levelMillis}, -1 if never:
   * {@link LeaseConflictRule#decideForSnapshot}).
   */
  CompletableFuture<Void> applySnapshotLeases(List<LeaseRecord> leases, long levelMillis) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    engineThread.execute(
        () -> {
          List<CompletableFuture<?>> journaled = new ArrayList<>();
          try {
            for (LeaseRecord lease : leases) {
              LeaseRecord local = store.byAddress(lease.address()).orElse(null);
              if (lease.equals(local)) {
                fromPartnerSnapshot.remember(lease.encode());
                continue;
              }
              Merge merge = mergeLease(lease, levelMillis);
              if (merge.decision().takesPartners()) {
                byte[] encoded = lease.encode();
                fromPartnerSnapshot.remember(encoded);
                journaled.add(bus.publish(RecordType.LEASE, encoded));
              } else if (merge.decision() == LeaseConflictRule.Decision.CONFLICT_LOCAL_WINS) {
                // The partner must learn it lost: it applies the same rule to our record.
                journaled.add(bus.publish(RecordType.LEASE, merge.local().encode()));
              }
            }
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return;
          }
          // A page counts in the resume point only once every lease of it is journaled: one that
          // failed to be, counted, was never sent again by a resumed session.
          CompletableFuture.allOf(journaled.toArray(CompletableFuture[]::new))
              .whenComplete(
                  (r, e) -> {
                    if (e == null) {
                      done.complete(null);
                    } else {
                      done.completeExceptionally(e);
                    }
                  });
        });
    return done;
  }

  /**
   * Whether this lease, in its binary form as it stood in the store, is one the partner's snapshot
   * gave us (or confirmed) since {@link #forgetPartnerSnapshot}. Any thread: a snapshot of ours is
   * filtered on the sync thread while the engine may add more. A lease the set gains meanwhile came
   * from the partner, and one it loses to a completed session is merely sent again: either way the
   * partner ends with every lease.
   */
  boolean cameFromPartnerSnapshot(byte[] octets, int length) {
    return fromPartnerSnapshot.holds(octets, length);
  }

  /** On the engine thread: a sync session completed; the partner has our part too. */
  void forgetPartnerSnapshot() {
    fromPartnerSnapshot.clear();
  }

  /** What the rule decided, and the local lease it was weighed against (null if none). */
  private record Merge(LeaseConflictRule.Decision decision, LeaseRecord local) {}

  /**
   * On the engine thread: applies the partner's lease if the rule says so; counts and alerts a
   * conflict, counts a stale record. Journaling is the caller's (see {@link #applyOne}). {@code
   * levelMillis}: for a lease of a snapshot, when this server was last level with the partner (-1
   * if never); -1 for the stream's.
   */
  private Merge mergeLease(LeaseRecord partners, long levelMillis) {
    LeaseRecord local = store.byAddress(partners.address()).orElse(null);
    LeaseConflictRule.Decision decision =
        LeaseConflictRule.decideForSnapshot(local, partners, levelMillis);
    if (decision.conflict) {
      conflicts.increment();
      settled(
          FailoverAlerts.LEASE_CONFLICT,
          partners.address().toString(),
          "both servers leased "
              + partners.address()
              + ": kept "
              + (decision.takesPartners() ? partners : local)
              + ", the other client is NAKed at its next renewal");
    } else if (decision == LeaseConflictRule.Decision.KEEP_LOCAL) {
      staleRecords.increment();
    }
    if (decision.takesPartners()) {
      engine.apply(partners);
    }
    return new Merge(decision, local);
  }

  private static void localise(ObjectNode cfg, JsonNode mine) {
    cfg.set("server", mine.get("server"));
    cfg.set("management", mine.get("management"));
    keep(cfg, mine, List.of("failover"), List.of("role", "listen", "peer"));
    keep(cfg, mine, List.of("dhcp"), List.of("listen", "port", "serverIdentifier"));
    // Every other socket this server binds is its own too: the primary's address does not exist
    // on the secondary's host, so taking it would leave TFTP, ToD or DNS there unable to bind.
    for (String service : List.of("tftp", "tod", "dns")) {
      keep(cfg, mine, List.of(service), List.of("listen", "port"));
    }
    keep(cfg, mine, List.of("alerts", "snmp", "agent"), List.of("listen", "port"));
    // An SNMPv3 engine ID names one agent: two servers sharing one confuse every manager.
    keep(cfg, mine, List.of("alerts", "snmp"), List.of("engineId"));
  }

  /** Puts this server's values of {@code fields} in the section at {@code path} of {@code cfg}. */
  private static void keep(ObjectNode cfg, JsonNode mine, List<String> path, List<String> fields) {
    ObjectNode theirs = cfg;
    JsonNode own = mine;
    for (String section : path) {
      theirs = theirs.get(section) instanceof ObjectNode o ? o : theirs.putObject(section);
      own = own == null ? null : own.get(section);
    }
    for (String field : fields) {
      JsonNode value = own == null ? null : own.get(field);
      if (value == null || value.isNull()) {
        theirs.remove(field);
      } else {
        theirs.set(field, value);
      }
    }
  }

  /** Applies the partner's config version (a journaled CONFIG payload) if it wins. */
  void applySnapshotConfig(byte[] payload, int partner) {
    byte[] local = localised(payload);
    if (local == null) {
      return;
    }
    mergeConfig(new BusRecord(partner, 0, clock.millis(), RecordType.CONFIG, local));
  }

  private void mergeConfig(BusRecord record) {
    JsonNode node;
    try {
      node = json.readTree(record.payload());
    } catch (IOException e) {
      log.warn("FAILOVER_CONFIG_UNREADABLE origin={}: {}", record.origin(), e.getMessage());
      return;
    }
    long version = node.path("version").asLong();
    Instant changedAt = Instant.parse(node.path("changedAt").asText());
    ConfigVersion current = config.current().orElse(null);
    if (current == null || version > current.number()) {
      if (record.sequence() > 0) {
        config.apply(record);
      } else {
        applyAsNewVersion(node, "peer-sync");
      }
      return;
    }
    if (version < current.number()
        || sameConfig(node.path("config"), current)
        || record.origin() == bus.originId()) {
      return;
    }
    // Equal numbers, different content: both changed the config while apart. The rule is the one
    // the config service settles such a pair with when it installs or replays them.
    boolean partnerWins =
        version == current.number()
            && ConfigService.supersedes(
                changedAt, record.origin(), current.changedAt(), bus.originId());
    if (version == current.number()) {
      configConflicts.increment();
      settled(
          FailoverAlerts.CONFIG_CONFLICT,
          "config version " + version,
          "both servers made config version "
              + version
              + " while apart; "
              + (partnerWins ? "the partner's" : "this server's")
              + " stands, the other stays in the journal's history");
    }
    if (partnerWins) {
      applyAsNewVersion(node, "peer-merge");
    }
  }

  /**
   * A conflict settled by the rule: raised and cleared at once, a record of what was decided (in
   * the log, the alert history, mail and traps). Left raised, each stayed active for good, one per
   * address, after a partition: never cleared at the manager, the active warnings never back to 0.
   */
  private void settled(AlertType type, String object, String message) {
    alerts.raise(type, object, message);
    alerts.clear(type, object, "settled by the conflict rule");
  }

  /** Compared as parsed configs: JSON trees differ on number types alone (3600 int vs long). */
  private boolean sameConfig(JsonNode node, ConfigVersion current) {
    try {
      return config.codec().parse(json.writeValueAsString(node)).equals(current.config());
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The partner's version as a new one here, numbered at least as the partner numbered it; from a
   * snapshot it brings the partner's config history along (the versions this server lacks).
   */
  private void applyAsNewVersion(JsonNode node, String source) {
    try {
      config.applyPartnerVersion(json.writeValueAsBytes(node), source);
    } catch (Exception e) {
      log.warn("FAILOVER_CONFIG_REFUSED source={}: {}", source, e.getMessage());
    }
  }

  /**
   * The partner's encoded config version with this server's identity put back: the server section
   * and the failover role, listen and peer are local and never replicated. So are the addresses
   * this server answers on (management section; DHCP listen, port and server identifier; TFTP, ToD,
   * DNS and the SNMP agent's listen and port) and its SNMP engine ID: two servers of a pair listen
   * on different addresses, and a secondary must not answer with the primary's server identifier.
   * The versions of the history a snapshot carries are localised alike, so that any of them can be
   * rolled back to here. The digest of the config file last applied is this server's as well.
   */
  byte[] localised(byte[] payload) {
    try {
      ObjectNode node = (ObjectNode) json.readTree(payload);
      ConfigVersion current = config.current().orElse(null);
      if (current == null || !(node.get("config") instanceof ObjectNode cfg)) {
        return payload;
      }
      JsonNode mine = json.valueToTree(current.config());
      localise(cfg, mine);
      // The config file a version was made from is this server's too: with the partner's file's
      // digest, a restart took its own file for an edited one and applied it over the version,
      // which then went back to the partner and replaced every change made through the API.
      if (current.fileDigest() == null) {
        node.remove("fileDigest");
      } else {
        node.put("fileDigest", current.fileDigest());
      }
      for (JsonNode version : node.path("history")) {
        if (version.get("config") instanceof ObjectNode old) {
          localise(old, mine);
        }
      }
      return json.writeValueAsBytes(node);
    } catch (IOException | ClassCastException e) {
      log.warn("FAILOVER_CONFIG_UNREADABLE: {}", e.getMessage());
      return payload;
    }
  }
}
