package org.provisioning.common.config;

/** A change was made against a version that is no longer current. */
public final class VersionConflictException extends RuntimeException {
  private final long expected;
  private final long current;

  public VersionConflictException(long expected, long current) {
    super(
        "the change was made against version "
            + expected
            + " but version "
            + current
            + " is current; fetch the config again and reapply the change");
    this.expected = expected;
    this.current = current;
  }

  public long expected() {
    return expected;
  }

  public long current() {
    return current;
  }
}
