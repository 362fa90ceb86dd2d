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
    long lagMillis) {}
