package org.provisioning.tod;

/** Tells whether this server's own clock is synchronised (to NTP or PTP). */
public interface ClockSyncCheck extends AutoCloseable {
  /** The last known state; never blocks, as it is asked on every request. */
  boolean synchronised();

  @Override
  default void close() {}

  /** For a server that was not asked to check: every clock counts as synchronised. */
  ClockSyncCheck ALWAYS = () -> true;
}
