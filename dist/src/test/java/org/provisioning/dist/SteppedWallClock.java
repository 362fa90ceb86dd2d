package org.provisioning.dist;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * A wall clock the test steps under one process, the way NTP or {@code date -s} steps a server's,
 * without touching the machine's: libfaketime (Debian package faketime) preloaded into the process
 * reads its offset from a file the test rewrites. The process' monotonic clock ({@code
 * System.nanoTime}) is left alone, as a real step leaves it.
 */
final class SteppedWallClock {
  private final Path offsetFile;

  SteppedWallClock(Path dir) throws IOException {
    this.offsetFile = dir.resolve("wall-clock-offset");
    set(Duration.ZERO);
  }

  /** What the process' environment needs: libfaketime, reading {@link #set}'s offsets. */
  Map<String, String> environment() {
    return Map.of(
        "LD_PRELOAD", library().toString(),
        "FAKETIME_TIMESTAMP_FILE", offsetFile.toString(),
        // Read at every wall-clock reading (some microseconds each): a step lands at once.
        "FAKETIME_NO_CACHE", "1",
        "FAKETIME_DONT_FAKE_MONOTONIC", "1",
        // Otherwise timed waits on the monotonic clock (LockSupport.parkNanos) return at once.
        "FAKETIME_FORCE_MONOTONIC_FIX", "0");
  }

  /** Sets the process' wall clock {@code offset} from the machine's (negative: behind). */
  void set(Duration offset) throws IOException {
    long seconds = offset.toSeconds();
    Path written = offsetFile.resolveSibling(offsetFile.getFileName() + ".new");
    Files.writeString(written, (seconds < 0 ? "" : "+") + seconds + "\n");
    Files.move(written, offsetFile, StandardCopyOption.ATOMIC_MOVE);
  }

  /** libfaketime.so.1 under any multiarch directory, or fails naming the package. */
  private static Path library() {
    Path plain = Path.of("/usr/lib/faketime/libfaketime.so.1");
    if (Files.isReadable(plain)) {
      return plain;
    }
    try (DirectoryStream<Path> arches = Files.newDirectoryStream(Path.of("/usr/lib"))) {
      for (Path arch : arches) {
        Path candidate = arch.resolve("faketime/libfaketime.so.1");
        if (Files.isReadable(candidate)) {
          return candidate;
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot list /usr/lib", e);
    }
    throw new AssertionError(
        "libfaketime is missing: apt-get install -y faketime (.ci/run installs it)");
  }
}
