package org.provisioning.dhcp.failover;

import java.time.Clock;
import org.provisioning.common.control.FailoverStatus.SyncProgress;

/** The progress of one direction of sync, for the status; thread-safe. */
final class SyncMeter {
  private final Clock clock;
  private volatile SyncProgress progress;

  SyncMeter(Clock clock) {
    this.clock = clock;
  }

  /** A session starts sending (or receiving) a sync; {@code from} were delivered before. */
  void start(boolean snapshot, long total, long from) {
    progress =
        new SyncProgress(
            snapshot ? "snapshot" : "tail", from, total, from, "running", clock.instant());
  }

  synchronized void advance(long done) {
    SyncProgress p = progress;
    if (p != null && done > p.done()) {
      progress =
          new SyncProgress(p.kind(), done, p.total(), p.resumedFrom(), p.state(), p.started());
    }
  }

  /** The session ended: all of it delivered, or broken (the next session resumes it). */
  synchronized void end(boolean whole) {
    SyncProgress p = progress;
    if (p != null && p.state().equals("running")) {
      progress =
          new SyncProgress(
              p.kind(),
              whole ? p.total() : p.done(),
              p.total(),
              p.resumedFrom(),
              whole ? "done" : "interrupted",
              p.started());
    }
  }

  /** The partner turned out to hold all of it (a broken session had delivered it all). */
  synchronized void complete() {
    SyncProgress p = progress;
    if (p != null && !p.state().equals("done")) {
      progress =
          new SyncProgress(p.kind(), p.total(), p.total(), p.resumedFrom(), "done", p.started());
    }
  }

  /** Shows a broken sync left by an earlier run (a resume point read at start). */
  void interrupted(long done, long total) {
    progress = new SyncProgress("snapshot", done, total, 0, "interrupted", null);
  }

  SyncProgress get() {
    return progress;
  }
}
