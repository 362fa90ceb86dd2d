package org.provisioning.common.control;

import java.time.Instant;

/**
 * What {@code GET /api/v1/failover} shows.
 *
 * @param role standalone, primary or secondary
 * @param state the failover state (STARTUP, SYNCING, NORMAL, PARTNER_DOWN, RECOVERING), or
 *     STANDALONE
 * @param partnerAddress the partner's failover address, null if not known yet
 * @param partnerState the state the partner last reported, null if never heard
 * @param lastHeartbeatAgeMillis since the partner's last valid heartbeat, -1 if never heard
 * @param recordsSent own records streamed to the partner (retransmissions included)
 * @param recordsAcked highest own sequence the partner acknowledged
 * @param recordsPending own records waiting for the partner's ack
 * @param lagRecords how many of our records the partner lacks (our last sequence minus its ack)
 * @param clockSkewMillis the partner's clock minus ours, from its last heartbeat (one-way delay
 *     included, well under a millisecond on a headend's link); 0 if never heard. Leases are timed
 *     by the serving server's own clock, so skew is shown and alerted, never a reason to stop.
 * @param lagMillis how long the oldest record the partner has not acked has waited; 0 if none
 * @param syncSending the last sync this server sent the partner (lease snapshot or record tail),
 *     null if none yet
 * @param syncReceiving the last sync this server received from the partner, null if none yet
 */
public record FailoverStatus(
    String role,
    String state,
    Instant since,
    String partnerAddress,
    String partnerState,
    long lastHeartbeatAgeMillis,
    long recordsSent,
    long recordsAcked,
    long recordsPending,
    long lagRecords,
    long conflicts,
    long clockSkewMillis,
    long lagMillis,
    SyncProgress syncSending,
    SyncProgress syncReceiving) {

  /**
   * Whether a server in this status answers DHCP clients: a primary in NORMAL or PARTNER_DOWN, a
   * secondary in PARTNER_DOWN or RECOVERING (until the primary has taken its role back), a server
   * without a partner always. The one place the console's pages, tree and API read it from.
   */
  public boolean serving() {
    return switch (role) {
      case "primary" -> state.equals("NORMAL") || state.equals("PARTNER_DOWN");
      case "secondary" -> state.equals("PARTNER_DOWN") || state.equals("RECOVERING");
      default -> true;
    };
  }

  /** A status with no sync to show. */
  public FailoverStatus(
      String role,
      String state,
      Instant since,
      String partnerAddress,
      String partnerState,
      long lastHeartbeatAgeMillis,
      long recordsSent,
      long recordsAcked,
      long recordsPending,
      long lagRecords,
      long conflicts,
      long clockSkewMillis,
      long lagMillis) {
    this(
        role,
        state,
        since,
        partnerAddress,
        partnerState,
        lastHeartbeatAgeMillis,
        recordsSent,
        recordsAcked,
        recordsPending,
        lagRecords,
        conflicts,
        clockSkewMillis,
        lagMillis,
        null,
        null);
  }

  /**
   * How far a sync has got. A snapshot that a broken session left half done is taken up where it
   * stopped by the next session ({@code resumedFrom}).
   *
   * @param kind {@code snapshot} (config and leases) or {@code tail} (journal records)
   * @param done leases (or records) sent or applied so far, those of the broken sessions this one
   *     resumes included
   * @param total how many the whole sync holds
   * @param resumedFrom how many a broken session had already delivered when this one took it up; 0
   *     if this one started from the beginning
   * @param state {@code running}, {@code done}, or {@code interrupted} (taken up at the next
   *     session)
   * @param started when the session carrying it now (or last) started
   */
  public record SyncProgress(
      String kind, long done, long total, long resumedFrom, String state, Instant started) {}
}
