package org.provisioning.dhcp.failover;

import java.util.List;
import java.util.Map;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.ReplicatedState;
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

  /**
   * Opens a TCP sync session, both ways.
   *
   * @param resume how far the sender got in applying the receiver's lease snapshot when an earlier
   *     session broke, so that the receiver can send the rest instead of all of it again
   */
  record Hello(
      FailoverRole role, FailoverState state, Map<Integer, Long> highestByOrigin, Resume resume)
      implements FailoverMessage {
    Hello(FailoverRole role, FailoverState state, Map<Integer, Long> highestByOrigin) {
      this(role, state, highestByOrigin, Resume.NONE);
    }

    @Override
    public FrameKind kind() {
      return FrameKind.HELLO;
    }
  }

  /**
   * A broken snapshot's resume point, as its receiver holds it.
   *
   * @param origin whose snapshot it is (the server that sent it)
   * @param covered the sequence the snapshot covers, which names it: a snapshot the sender no
   *     longer holds cannot be resumed
   * @param afterAddress every lease up to this address (unsigned order) is applied and journaled
   * @param received how many leases that is
   */
  record Resume(int origin, long covered, int afterAddress, long received) {
    static final Resume NONE = new Resume(0, 0, 0, 0);

    boolean any() {
      return covered > 0 && received > 0;
    }
  }

  /**
   * Opens what the sender sends in a sync: a snapshot (config, the other replicated state, then
   * leases in address order) or a tail of records.
   *
   * @param snapshot a snapshot, else a tail
   * @param covered the sender's sequence it covers
   * @param total how many leases (or records) the whole of it holds
   * @param from how many of them the receiver already has from a broken session: sending starts
   *     after them
   */
  record SyncStart(boolean snapshot, long covered, long total, long from)
      implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.SYNC_START;
    }
  }

  /** The sender's current config version, encoded as its config store journals it. */
  record Config(byte[] version) implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.CONFIG;
    }
  }

  /** A batch of the sender's replicated state besides config and leases, part of a snapshot. */
  record State(List<ReplicatedState.Entry> entries) implements FailoverMessage {
    @Override
    public FrameKind kind() {
      return FrameKind.STATE;
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
