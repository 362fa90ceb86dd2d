package org.provisioning.dhcp.failover;

import org.provisioning.common.config.FailoverRole;

/**
 * What this server knows of its partner, from the partner's last authenticated heartbeat (Kea's
 * "communication state"). Immutable; the state machine swaps it.
 *
 * @param heardAtMillis when (this server's clock) the last valid heartbeat arrived; for a partner
 *     never heard, when this server started looking
 * @param heard whether any valid heartbeat arrived since start
 */
record PartnerState(
    boolean heard,
    long heardAtMillis,
    FailoverRole role,
    FailoverState state,
    long clockMillis,
    long ownSequence,
    long appliedOurSequence) {

  static PartnerState unknown(long sinceMillis) {
    return new PartnerState(false, sinceMillis, null, null, 0, 0, 0);
  }

  /**
   * The partner proved itself alive by another authenticated frame (lease stream, sync): its
   * silence restarts from now, what it last said of itself stays. A partner never heard stays so.
   */
  PartnerState alive(long nowMillis) {
    return heard
        ? new PartnerState(
            true,
            Math.max(heardAtMillis, nowMillis),
            role,
            state,
            clockMillis,
            ownSequence,
            appliedOurSequence)
        : this;
  }

  PartnerState heard(FailoverMessage.Heartbeat h, long nowMillis) {
    return new PartnerState(
        true,
        nowMillis,
        h.role(),
        h.state(),
        h.clockMillis(),
        h.ownSequence(),
        h.appliedPeerSequence());
  }

  /** The partner's clock minus ours when its last heartbeat arrived; 0 if never heard. */
  long clockSkewMillis() {
    return heard ? clockMillis - heardAtMillis : 0;
  }

  long silentForMillis(long nowMillis) {
    return nowMillis - heardAtMillis;
  }
}
