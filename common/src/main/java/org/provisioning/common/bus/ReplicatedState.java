package org.provisioning.common.bus;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * State built from bus records that the failover partner must hold too, besides the config and the
 * leases (which the failover sync carries in frames of their own): console users, the audit log,
 * alert acknowledgements. The stream carries each change as it is made; a sync by snapshot (a new
 * pair, a partner back after the stream's backlog is gone) carries the whole state through this
 * interface, so that a partner paired late, or a primary returning after a failover, holds what was
 * made before or meanwhile.
 *
 * <p>A participant that implements it is found by the bus ({@link StateBus#replicatedStates()});
 * state kept elsewhere is added with {@link StateBus#addReplicatedState}.
 */
public interface ReplicatedState {

  /** The record types this state is built from; no other state claims them. */
  Set<RecordType> types();

  /**
   * The whole current state as records of {@link #types()}, each a whole-state upsert: merged by
   * the partner, they give it this state. Called on any thread while changes go on; it holds at
   * least every change whose record is already durable (state changes first, then its record is
   * published).
   */
  List<Entry> entries();

  /**
   * Applies one entry of the partner's state by the rule a streamed record of its type meets (the
   * later user value wins, an audit entry held already is not added again...). Merging an entry
   * that is held, or older than what is held, changes nothing.
   *
   * @return whether it changed the state here; the caller then journals the entry as this server's
   *     own record, so that it survives a restart
   */
  boolean merge(Entry entry);

  /** One record's worth of state: its type and payload, as a bus record would carry them. */
  record Entry(RecordType type, byte[] payload) {
    public Entry {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(payload, "payload");
    }
  }
}
