package org.provisioning.common.bus;

import java.util.Set;

/**
 * A keeper of state built from bus records (the config store, the lease store). The bus restores it
 * from the latest snapshot, replays the journal tail into it, and asks it for its state when it
 * takes a snapshot.
 *
 * <p>Records are whole-state upserts (a lease record carries the whole lease), so replaying a
 * record whose effect is already in the snapshot is harmless: the last record for a key wins.
 */
public interface BusParticipant {

  /** Stable name: the key of this participant's section in a snapshot file. */
  String name();

  /** The record types this participant applies. */
  Set<RecordType> types();

  /** Applies a record read from the journal at start-up or received from the failover peer. */
  void apply(BusRecord record);

  /** The whole current state, encoded; called on any thread while publishers keep going. */
  byte[] snapshot();

  /** Replaces the whole state with one returned by {@link #snapshot()}. */
  void restore(byte[] snapshot);
}
