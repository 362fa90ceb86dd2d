package org.provisioning.dhcp.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.provisioning.common.io.DurableFiles;
import org.provisioning.common.service.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When (wall clock) this server last knew it was level with its partner, kept in its data
 * directory: in NORMAL every lease either server grants reaches both before its ACK, so a server
 * that later starts alone knows the partner can have granted nothing it lacks from before then (its
 * engine holds back the rest: {@code DhcpEngine.holdForPartnerClients}).
 *
 * <p>Written at most every {@link #SAVE_EVERY_MILLIS} while level, on a thread of its own (the
 * heartbeat thread never waits for a disk). A mark older than the truth only holds back more. One
 * line: the millis.
 */
final class LevelMark {
  private static final Logger log = LoggerFactory.getLogger(LevelMark.class);

  /** Its file in the data directory. */
  static final String FILE = "failover.level";

  static final long SAVE_EVERY_MILLIS = 10_000;

  private final Path file;
  private final AtomicBoolean saving = new AtomicBoolean();

  /** The mark on disk (or being written), -1 for none. */
  private volatile long markMillis;

  private LevelMark(Path file, long markMillis) {
    this.file = file;
    this.markMillis = markMillis;
  }

  /** The mark kept in {@code file}, none if it is missing or unreadable (a warning then). */
  static LevelMark load(Path file) {
    long mark = -1;
    try {
      mark = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
    } catch (NoSuchFileException e) {
      // never level with a partner
    } catch (IOException | NumberFormatException e) {
      log.warn("FAILOVER_LEVEL_MARK_UNREADABLE file={}: {}", file, e.toString());
    }
    return new LevelMark(file, mark);
  }

  /** The last moment known level, -1 if never. */
  long millis() {
    return markMillis;
  }

  /**
   * From when the leases the partner may have renewed are counted, for a server that serves before
   * a sync: the mark; 0 (every lease) with no mark but records of the partner's in the journal; -1
   * (hold nothing) when it was never paired, as nothing can have been renewed elsewhere.
   */
  static long holdsSince(long markMillis, boolean partnerRecordsKept) {
    return markMillis < 0 && !partnerRecordsKept ? -1 : Math.max(0, markMillis);
  }

  /** The pair is level at {@code nowMillis}: saved when the mark on disk is old enough. */
  void level(long nowMillis) {
    if (nowMillis - markMillis < SAVE_EVERY_MILLIS && nowMillis >= markMillis) {
      return;
    }
    if (!saving.compareAndSet(false, true)) {
      return;
    }
    DaemonThreads.create(
            "failover-level-mark",
            () -> {
              try {
                DurableFiles.replace(file, nowMillis + "\n");
                markMillis = nowMillis;
              } catch (IOException e) {
                log.warn("FAILOVER_LEVEL_MARK_NOT_SAVED file={}: {}", file, e.toString());
              } finally {
                saving.set(false);
              }
            })
        .start();
  }
}
