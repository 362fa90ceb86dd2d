package org.provisioning.dhcp.failover;

/**
 * The states of one server of the pair. There is no terminal state: whatever goes wrong with the
 * partner, one of the two keeps serving.
 */
public enum FailoverState {
  /** Just started: looking for the partner, serving no one until it answers or is declared dead. */
  STARTUP(1),
  /** In contact; the journals are being brought level over TCP. */
  SYNCING(2),
  /** Both up to date: the primary serves bottom-up, the secondary stands by and replicates. */
  NORMAL(3),
  /** The partner is out of contact: this server serves alone (a secondary top-down). */
  PARTNER_DOWN(4),
  /** A returning primary is brought up to date by the secondary, which serves meanwhile. */
  RECOVERING(5);

  private final int code;

  FailoverState(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The state with that wire code, or STARTUP for a code this build does not know. */
  public static FailoverState fromCode(int code) {
    for (FailoverState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return STARTUP;
  }
}
