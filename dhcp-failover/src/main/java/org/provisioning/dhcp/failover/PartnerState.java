package org.provisioning.dhcp.failover;

import java.util.concurrent.TimeUnit;
import org.provisioning.common.config.FailoverRole;

/**
 * What this server knows of its partner, from the partner's last authenticated heartbeat (Kea's
 * "communication state"). Immutable; the state machine swaps it.
 *
 * @param heard whether any valid heartbeat arrived since start
 * @param heardAtNanos when (this server's {@link org.provisioning.common.time.Ticker}, which no
 *     wall-clock step moves) the partner last proved itself alive; for a partner never heard, when
 *     this server started looking
 * @param clockSkewMillis the partner's wall clock minus ours when its last heartbeat arrived; 0 if
 *     never heard
 */
record PartnerState(
    boolean heard,
    long heardAtNanos,
    FailoverRole role,
    FailoverState state,
    long clockSkewMillis,
    long ownSequence,
    long appliedOurSequence) {

  static PartnerState unknown(long sinceNanos) {
    return new PartnerState(false, sinceNanos, null, null, 0, 0, 0);
  }

  /**
   * The partner proved itself alive by another authenticated frame (lease stream, sync): its
   * silence restarts from now, what it last said of itself stays. A partner never heard stays so.
   */
  PartnerState alive(long nowNanos) {
    return heard
        ? new PartnerState(
            true, nowNanos, role, state, clockSkewMillis, ownSequence, appliedOurSequence)
        : this;
  }

  PartnerState heard(FailoverMessage.Heartbeat h, long nowNanos, long nowWallMillis) {
    return new PartnerState(
        true,
        nowNanos,
        h.role(),
        h.state(),
        h.clockMillis() - nowWallMillis,
        h.ownSequence(),
        h.appliedPeerSequence());
  }

  long silentForMillis(long nowNanos) {
    return TimeUnit.NANOSECONDS.toMillis(nowNanos - heardAtNanos);
  }
}
