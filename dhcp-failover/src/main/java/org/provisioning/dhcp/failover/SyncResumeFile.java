package org.provisioning.dhcp.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
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
 * <p>One line: {@code origin covered afterAddress received total complete}.
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

  SyncResumeFile(Path file) {
    this.file = file;
  }

  Optional<Point> load() {
    try {
      String[] f = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
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
            + "\n";
    try {
      DurableFiles.replace(file, line);
    } catch (IOException e) {
      log.warn("FAILOVER_SYNC_RESUME_NOT_SAVED file={}: {}", file, e.toString());
    }
  }
}
