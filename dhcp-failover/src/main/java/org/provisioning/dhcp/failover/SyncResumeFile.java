package org.provisioning.dhcp.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.provisioning.common.io.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a receiving server keeps, in its data directory, how far it got in the partner's lease
 * snapshot: the resume point of a broken session, or the sequence of the last snapshot it applied
 * whole. Either way every lease it counts is already journaled here, so after a restart the partner
 * is asked for the rest only. Written by rename, never fsynced: a point lost in a crash only means
 * sending more again.
 *
 * <p>The point also says how far this server's own journal went when it was saved (the leases
 * applied are journaled as its own records). A journal that holds less at start is not the one the
 * point describes (moved aside after damage, a restore, a new data folder): the point is dropped,
 * and the partner sends everything again. Taken up, it skipped the leases of the pages counted, and
 * a complete point claimed the partner's records it covered.
 *
 * <p>One line: {@code origin covered afterAddress received total complete journaled}; a line
 * without {@code journaled}, from an earlier release, is taken as it stands.
 */
final class SyncResumeFile {
  private static final Logger log = LoggerFactory.getLogger(SyncResumeFile.class);

  /**
   * @param total the whole snapshot's size, for progress
   * @param complete the snapshot was applied whole: the partner's records up to {@code covered}
   *     need not be sent again
   */
  record Point(FailoverMessage.Resume resume, long total, boolean complete) {}

  private final Path file;

  /** The highest sequence of this server's own records in its journal. */
  private final LongSupplier journaled;

  SyncResumeFile(Path file, LongSupplier journaled) {
    this.file = file;
    this.journaled = journaled;
  }

  Optional<Point> load() {
    try {
      String[] f = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
      long journaledNow = journaled.getAsLong();
      if (f.length > 6 && Long.parseLong(f[6]) > journaledNow) {
        log.warn(
            "FAILOVER_SYNC_RESUME_DISCARDED file={} journaled_then={} journaled_now={}: the"
                + " journal holds less than when the point was saved; the partner sends"
                + " everything again",
            file,
            f[6],
            journaledNow);
        clear();
        return Optional.empty();
      }
      return Optional.of(
          new Point(
              new FailoverMessage.Resume(
                  Integer.parseInt(f[0]),
                  Long.parseLong(f[1]),
                  Integer.parseUnsignedInt(f[2]),
                  Long.parseLong(f[3])),
              Long.parseLong(f[4]),
              Boolean.parseBoolean(f[5])));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      log.warn("FAILOVER_SYNC_RESUME_UNREADABLE file={}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  void clear() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("FAILOVER_SYNC_RESUME_NOT_CLEARED file={}: {}", file, e.toString());
    }
  }

  void save(Point point) {
    FailoverMessage.Resume r = point.resume();
    String line =
        r.origin()
            + " "
            + r.covered()
            + " "
            + Integer.toUnsignedString(r.afterAddress())
            + " "
            + r.received()
            + " "
            + point.total()
            + " "
            + point.complete()
            + " "
            + journaled.getAsLong()
            + "\n";
    try {
      DurableFiles.replace(file, line);
    } catch (IOException e) {
      log.warn("FAILOVER_SYNC_RESUME_NOT_SAVED file={}: {}", file, e.toString());
    }
  }
}
