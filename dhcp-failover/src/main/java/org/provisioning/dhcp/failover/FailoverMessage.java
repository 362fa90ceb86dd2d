package org.provisioning.dhcp.failover;

import java.util.List;
import java.util.Map;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.config.FailoverRole;
import org.provisioning.common.lease.LeaseRecord;

/** The bodies of failover frames: immutable records, encoded by {@link FailoverCodec}. */
sealed interface FailoverMessage {

  FrameKind kind();

  /**
   * Sent every heartbeat interval on its own socket and thread.
   *
   * @param clockMillis the sender's clock, so an operator sees a skewed pair
   * @param ownSequence the highest durable sequence of the sender's origin
   * @param appliedPeerSequence the highest sequence of the receiver's origin the sender applied
   */
  record Heartbeat(
      FailoverRole role,
      FailoverState state,
      long clockMillis,
      long ownSequence,
      long appliedPeerSequence)
      implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.HEARTBEAT;
    }
  }

  /** Consecutive records of the sender's origin, ascending by sequence. */
  record Records(List<BusRecord> records) implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.RECORDS;
    }
  }

  /** Every record of the receiver's origin up to this sequence is applied and journaled. */
  record Ack(long sequence) implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.ACK;
    }
  }

  /** Opens a TCP sync session, both ways. */
  record Hello(FailoverRole role, FailoverState state, Map<Integer, Long> highestByOrigin)
      implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.HELLO;
    }
  }

  /** The sender's current config version, encoded as its config store journals it. */
  record Config(byte[] version) implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.CONFIG;
    }
  }

  /** A batch of the sender's lease snapshot. */
  record Leases(List<LeaseRecord> leases) implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.LEASES;
    }
  }

  /**
   * The end of what the sender had to send.
   *
   * @param coveredSequence the sender's own sequence that everything sent covers: the receiver
   *     treats it as applied and takes the stream up after it
   */
  record SyncDone(long coveredSequence) implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.SYNC_DONE;
    }
  }

  /** Over TCP: the records the receiver lacks, consecutive, ascending. */
  record Tail(List<BusRecord> records) implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.TAIL;
    }
  }
}
