package org.provisioning.common.lease;

import java.util.Locale;

/**
 * One change of a lease as the state bus recorded it: which server made it (the record's origin),
 * its sequence there, when, and the lease's whole state after it.
 *
 * @param kind what happened, from this state and the address's previous one: {@link Kind}
 */
public record LeaseChange(
    long timeMillis, int origin, long sequence, Kind kind, LeaseRecord lease) {

  /** What a change did to the address. */
  public enum Kind {
    /** Bound to a client that did not hold it just before. */
    ALLOCATED,
    /** Bound again to the client that held it. */
    RENEWED,
    /** Bound, and whether the address was held before is no longer known: either of those. */
    BOUND,
    RELEASED,
    EXPIRED,
    DECLINED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind of a change to {@code lease}, given the address's lease before it (null: the address
     * had none).
     */
    public static Kind of(LeaseRecord previous, LeaseRecord lease) {
      return switch (lease.state()) {
        case RELEASED -> RELEASED;
        case EXPIRED -> EXPIRED;
        case DECLINED -> DECLINED;
        case BOUND -> {
          if (previous == null) {
            yield ALLOCATED;
          }
          boolean sameClient =
              previous.state() == LeaseState.BOUND
                  && java.util.Arrays.equals(previous.clientId(), lease.clientId())
                  && java.util.Arrays.equals(previous.hardwareAddress(), lease.hardwareAddress());
          yield sameClient ? RENEWED : ALLOCATED;
        }
      };
    }
  }
}
