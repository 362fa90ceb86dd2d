package org.provisioning.dhcp.failover;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/**
 * Every alert failover raises, with what it means and what to do. Their object is {@code failover}
 * (the config section), or the address of a lease in conflict, the partner's origin id of a refused
 * record, or a config version.
 */
public final class FailoverAlerts {
  static final String OBJECT = "failover";

  public static final AlertType STATE =
      new AlertType(
          "FAILOVER_STATE",
          AlertSeverity.INFO,
          "failover",
          "This server's failover state changed (STARTUP, SYNCING, NORMAL, PARTNER_DOWN,"
              + " RECOVERING); the message says from what, to what and why. Raised and cleared"
              + " at once: a record of the change.",
          "Nothing, if the change was expected; otherwise see the alerts around it.");

  public static final AlertType PARTNER_DOWN =
      new AlertType(
          "FAILOVER_PARTNER_DOWN",
          AlertSeverity.CRITICAL,
          "failover",
          "No valid heartbeat from the partner for deadAfterMillis: it is dead, hung or cut off,"
              + " and this server serves alone. Repeated every 15 minutes while it lasts; cleared"
              + " when the partner is back in contact.",
          "Bring the partner back (is provisiond running? the link between the servers?); it"
              + " syncs and the pair returns to normal by itself.");

  public static final AlertType HEARTBEATS_WITHHELD =
      new AlertType(
          "FAILOVER_HEARTBEATS_WITHHELD",
          AlertSeverity.CRITICAL,
          "failover",
          "This server's journal has been writing one batch for over two seconds (its disk hangs):"
              + " no lease can be acknowledged here, so it stops its heartbeats and the partner"
              + " takes over, as from a hung server. Cleared when the write completes; the pair"
              + " then returns to normal by itself.",
          "Check the data folder's disk (dmesg, multipath, the storage behind it).");

  public static final AlertType REPLICATION_LAGGING =
      new AlertType(
          "FAILOVER_REPLICATION_LAGGING",
          AlertSeverity.WARNING,
          "failover",
          "The partner did not acknowledge lease records within the bound, so ACKs left before"
              + " the partner had their lease. Cleared when the partner has caught up.",
          "Check the partner's load and disk, and the link between the servers (failover"
              + " status shows the lag in records and ms).");

  public static final AlertType CLOCK_SKEW =
      new AlertType(
          "FAILOVER_CLOCK_SKEW",
          AlertSeverity.WARNING,
          "failover",
          "The partners' clocks differ by more than 10 s. Failover goes on (each server times"
              + " leases by its own clock) but lease times differ between the servers.",
          "Fix time synchronisation (NTP or chrony) on both servers.");

  public static final AlertType ROLE_CLASH =
      new AlertType(
          "FAILOVER_ROLE_CLASH",
          AlertSeverity.CRITICAL,
          "failover",
          "The partner claims the same role as this server (two primaries or two secondaries):"
              + " its heartbeats are ignored.",
          "Set failover.role to primary on one server and secondary on the other.");

  public static final AlertType ID_CLASH =
      new AlertType(
          "FAILOVER_ID_CLASH",
          AlertSeverity.CRITICAL,
          "failover",
          "Frames signed with the pair's key arrive carrying this server's own server.id: the"
              + " partner has the same id (or this server's frames are sent back to it). Its"
              + " frames are ignored, so the two cannot pair. Cleared at the partner's first"
              + " heartbeat under an id of its own.",
          "Give each server its own server.id (the setup wizard gives the primary 1 and the"
              + " secondary 2) and restart the one changed.");

  public static final AlertType START_FAILED =
      new AlertType(
          "FAILOVER_START_FAILED",
          AlertSeverity.CRITICAL,
          "failover",
          "Failover could not open its sockets (an address not up, a port taken); it retries"
              + " every 5 s and a primary serves alone meanwhile.",
          "Check failover.listen and failover.port, and what else uses those ports.");

  public static final AlertType AUTH_FAILED =
      new AlertType(
          "FAILOVER_AUTH_FAILED",
          AlertSeverity.WARNING,
          "failover",
          "Datagrams or connections on the failover ports failed authentication (wrong key,"
              + " replayed, malformed): dropped and counted. Cleared after 5 minutes without.",
          "If the partner was re-paired, pair again with the current secret; otherwise someone"
              + " is sending to the failover ports: filter them to the partner's address.");

  public static final AlertType LEASE_CONFLICT =
      new AlertType(
          "FAILOVER_LEASE_CONFLICT",
          AlertSeverity.WARNING,
          "failover",
          "After a partition both servers had leased one address to different clients; the"
              + " earlier grant kept it and the other client is NAKed at its next renewal. Raised"
              + " and cleared at once: a record of the decision, one per address.",
          "Nothing to do for that address; many conflicts mean the servers were often apart:"
              + " check the link between them.");

  public static final AlertType CONFIG_CONFLICT =
      new AlertType(
          "FAILOVER_CONFIG_CONFLICT",
          AlertSeverity.WARNING,
          "failover",
          "Both servers changed the config while apart; one version stands (the rule is in the"
              + " README), the other stays in the journal's history. Raised and cleared at once: a"
              + " record of the decision.",
          "Check the running config (provisionctl config get) and apply the lost change again"
              + " if it is still wanted.");

  public static final AlertType RECORD_REFUSED =
      new AlertType(
          "FAILOVER_RECORD_REFUSED",
          AlertSeverity.WARNING,
          "failover",
          "A record from the partner could not be applied here (for example a format this"
              + " version does not know); it was journaled as it came and skipped.",
          "Run the same provisiond version on both servers.");

  public static final List<AlertType> ALL =
      List.of(
          STATE,
          PARTNER_DOWN,
          HEARTBEATS_WITHHELD,
          REPLICATION_LAGGING,
          CLOCK_SKEW,
          ROLE_CLASH,
          ID_CLASH,
          START_FAILED,
          AUTH_FAILED,
          LEASE_CONFLICT,
          CONFIG_CONFLICT,
          RECORD_REFUSED);

  private FailoverAlerts() {}
}
