package org.provisioning.common.lease;

/**
 * The state of an address lease. Closed set: the byte codes are part of the journal and replication
 * format, so they never change meaning.
 */
public enum LeaseState {
  /** Held by a client until it expires. */
  BOUND(1),
  /** Given back by the client (DHCPRELEASE); free, remembered for the client's return. */
  RELEASED(2),
  /** Not renewed in time and reclaimed; free, remembered for the client's return. */
  EXPIRED(3),
  /** Reported in use by someone else (DHCPDECLINE); held back until the quarantine ends. */
  DECLINED(4);

  private final int code;

  LeaseState(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static LeaseState fromCode(int code) {
    for (LeaseState state : values()) {
      if (state.code == code) {
        return state;
      }
    }
    throw new IllegalArgumentException("lease state code " + code + " is unknown");
  }
}
