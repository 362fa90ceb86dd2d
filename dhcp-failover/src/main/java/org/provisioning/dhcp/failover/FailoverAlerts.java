package org.provisioning.dhcp.failover;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/**
 * The alerts of the failover pair, the table the white paper asks for: every state change, the
 * partner lost and regained (raised and cleared), replication lag, conflicts after a partition,
 * clock skew, role clashes and sockets that cannot open.
 */
public final class FailoverAlerts {
  private FailoverAlerts() {}

  public static final List<AlertType> TYPES =
      List.of(
          new AlertType(
              "FAILOVER_STATE",
              AlertSeverity.INFO,
              "failover",
              "The failover state changed (STARTUP, SYNCING, NORMAL, PARTNER_DOWN, RECOVERING):"
                  + " a record of the change, raised as a warning when it enters PARTNER_DOWN and"
                  + " cleared at the next change.",
              "Nothing while the pair comes back to NORMAL; otherwise compare provisionctl"
                  + " failover status on both servers."),
          new AlertType(
              "FAILOVER_PARTNER_DOWN",
              AlertSeverity.CRITICAL,
              "failover",
              "No valid heartbeat from the partner for deadAfterMillis: this server serves"
                  + " alone (a secondary top-down) and the pair has no redundancy. Cleared when"
                  + " the partner is back in contact.",
              "Find out why the partner is dead, hung or cut off (process, host, failover link)"
                  + " and restart it; it resynchronises and takes its role back by itself."),
          new AlertType(
              "FAILOVER_ROLE_CLASH",
              AlertSeverity.CRITICAL,
              "failover",
              "The partner claims this server's role (two primaries or two secondaries); its"
                  + " heartbeats are ignored until one of them changes.",
              "Make one server primary and the other secondary (failover.role, provisionctl"
                  + " config set on one of them)."),
          new AlertType(
              "FAILOVER_CLOCK_SKEW",
              AlertSeverity.WARNING,
              "failover",
              "The partners' clocks differ by more than 10 s. Failover goes on (each server"
                  + " times leases by its own clock) but the times the two servers show disagree.",
              "Check time synchronisation (NTP) on both servers."),
          new AlertType(
              "FAILOVER_REPLICATION_LAGGING",
              AlertSeverity.WARNING,
              "failover",
              "The partner did not acknowledge lease records in time, so the primary answered"
                  + " before the secondary held those leases; a takeover now could lose them.",
              "Check the failover link (loss, latency) and the secondary's load and disk;"
                  + " provisionctl failover status shows the lag in records and milliseconds."),
          new AlertType(
              "FAILOVER_LEASE_CONFLICT",
              AlertSeverity.WARNING,
              "failover",
              "After a partition in which both servers served, both leased the same address: the"
                  + " earlier grant keeps it and the other client is NAKed at its next renewal.",
              "Nothing to repair, the rule resolved it; many conflicts mean a long partition"
                  + " with nearly full pools, so find out why the failover link failed."),
          new AlertType(
              "FAILOVER_CONFIG_CONFLICT",
              AlertSeverity.WARNING,
              "failover",
              "Both servers made the same config version while apart: one stands, the other"
                  + " stays in the journal's history.",
              "Check the running config (provisionctl config get) and make again any change"
                  + " that was lost."),
          new AlertType(
              "FAILOVER_START_FAILED",
              AlertSeverity.CRITICAL,
              "failover",
              "The failover sockets cannot be opened (address not up, port taken): a primary"
                  + " serves alone, a secondary stands by; tried again every 5 s.",
              "Free failover.port (TCP) and the two UDP ports above it, or fix failover.listen"
                  + " and port, or bring the address up."));
}
