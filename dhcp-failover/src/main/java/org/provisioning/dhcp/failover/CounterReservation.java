package org.provisioning.dhcp.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.provisioning.common.io.DurableFiles;
import org.provisioning.common.service.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the frame counter above every value used before a restart, even if the clock went back
 * meanwhile (a reboot with a slow hardware clock, an NTP step): otherwise the partner, which
 * remembers the last counter it accepted, would drop every frame as a replay and declare this
 * server dead. The counter reserves a block ahead of itself in a file (IPsec-style), rewritten in
 * the background long before the block runs out, so sealing a heartbeat never waits for a disk.
 */
final class CounterReservation {
  private static final Logger log = LoggerFactory.getLogger(CounterReservation.class);

  /** How far ahead of the counter a reservation reaches: one minute of microseconds. */
  static final long BLOCK = 60_000_000L;

  private final Path file;
  private final ExecutorService writer;
  private final AtomicBoolean writing = new AtomicBoolean();
  private volatile long reservedUpTo;

  private CounterReservation(Path file, long reservedUpTo) {
    this.file = file;
    this.reservedUpTo = reservedUpTo;
    this.writer = Executors.newSingleThreadExecutor(DaemonThreads.factory("failover-counter"));
  }

  /** Reads the last reservation (0 if none) and reserves a first block above it, synchronously. */
  static CounterReservation open(Path file, long nowMicros) throws IOException {
    long previous = 0;
    if (Files.exists(file)) {
      try {
        previous = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
      } catch (NumberFormatException e) {
        throw new IOException(file + " does not hold a counter: " + e.getMessage(), e);
      }
    }
    CounterReservation reservation = new CounterReservation(file, previous);
    reservation.write(Math.max(previous, nowMicros) + BLOCK);
    return reservation;
  }

  /** Every counter used before this start is below this. */
  long floor() {
    return reservedUpTo - BLOCK;
  }

  /**
   * Told of each counter used: reserves the next block in the background when half of this one is
   * gone, or at once if the counter ran past it (the clock jumped ahead by more than half a block
   * or the disk stalled): then one frame waits for a write rather than risk a counter that a
   * restart could reuse.
   */
  void used(long counter) {
    if (counter >= reservedUpTo) {
      try {
        write(counter + BLOCK);
      } catch (IOException e) {
        log.error("FAILOVER_COUNTER_NOT_SAVED file={}: {}", file, e.toString());
      }
      return;
    }
    if (counter > reservedUpTo - BLOCK / 2 && writing.compareAndSet(false, true)) {
      writer.execute(
          () -> {
            try {
              write(counter + BLOCK);
            } catch (IOException e) {
              log.error("FAILOVER_COUNTER_NOT_SAVED file={}: {}", file, e.toString());
            } finally {
              writing.set(false);
            }
          });
    }
  }

  private synchronized void write(long upTo) throws IOException {
    if (upTo <= reservedUpTo) {
      return;
    }
    DurableFiles.replace(file, upTo + "\n");
    reservedUpTo = upTo;
  }

  /** Lets a reservation being written finish, so that the next start reads it. */
  void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
