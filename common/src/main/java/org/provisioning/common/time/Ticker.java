package org.provisioning.common.time;

/**
 * Elapsed time, in nanoseconds from an arbitrary origin, that no step of the wall clock moves: what
 * timeouts are measured with. A wall clock ({@link java.time.Clock}) jumps when NTP steps it
 * (chrony's makestep at boot), when an operator runs {@code date -s}, or when a VM resumes; a
 * timeout measured on it fires at once after a step forward and not for hours after a step back.
 */
@FunctionalInterface
public interface Ticker {
  long nanos();

  /** The JVM's monotonic clock, {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
