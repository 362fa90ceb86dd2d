package org.provisioning.dhcp.failover;

/** What a failover frame carries; a closed set, one byte on the wire. */
enum FrameKind {
  /** UDP, failover.port + 2: liveness and progress. */
  HEARTBEAT(1),
  /** UDP lease stream (failover.port + 1) or TCP sync tail: bus records of the sender's origin. */
  RECORDS(2),
  /** UDP lease stream: cumulative ack of the receiver's applied and journaled records. */
  ACK(3),
  /** TCP: who I am and the highest sequence I hold of each origin. */
  HELLO(4),
  /** TCP: the sender's current config version, as the config store journals it. */
  CONFIG(5),
  /** TCP: a batch of the sender's lease snapshot. */
  LEASES(6),
  /** TCP: the sender has sent everything; carries the sender's own sequence it covers. */
  SYNC_DONE(7),
  /**
   * TCP: records of the sender's origin the receiver lacks, from the sender's backlog (a short
   * outage needs no snapshot). A kind of its own, apart from the stream's RECORDS, so the two
   * channels never race in the anti-replay window.
   */
  TAIL(8),
  /** TCP: what the sender is about to send (snapshot or tail, size, where a resume starts). */
  SYNC_START(9),
  /**
   * TCP: a batch of the sender's replicated state besides config and leases (console users, audit
   * entries, alert acknowledgements), as whole-state records; in a snapshot, after the config.
   */
  STATE(10);

  final int code;

  FrameKind(int code) {
    this.code = code;
  }

  static FrameKind fromCode(int code) {
    for (FrameKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    return null;
  }
}
