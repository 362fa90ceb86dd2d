package org.provisioning.common.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.provisioning.common.service.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers that must keep increasing across restarts (failover frame counters, alert ids) without a
 * disk write for each: a block ahead of the numbers used is reserved in a file (IPsec-style), every
 * number used stays below what the file holds, and the next block is written in the background once
 * half of this one is used, so whoever takes a number waits for a disk only if numbers outrun that
 * write.
 */
public final class NumberReservation {
  private static final Logger log = LoggerFactory.getLogger(NumberReservation.class);

  private final Path file;
  private final long block;
  private final ExecutorService writer;
  private final AtomicBoolean writing = new AtomicBoolean();
  private volatile long reservedUpTo;

  private NumberReservation(Path file, long block, long reservedUpTo, String threadName) {
    this.file = file;
    this.block = block;
    this.reservedUpTo = reservedUpTo;
    this.writer = Executors.newSingleThreadExecutor(DaemonThreads.factory(threadName));
  }

  /**
   * Reads the last reservation (0 if none) and reserves a first block above it and above {@code
   * atLeast}, synchronously.
   *
   * @param threadName the background writer's thread
   * @throws IOException if the file cannot be read or does not hold a number, or the first block
   *     cannot be written
   */
  public static NumberReservation open(Path file, long atLeast, long block, String threadName)
      throws IOException {
    long previous = 0;
    if (Files.exists(file)) {
      try {
        previous = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
      } catch (NumberFormatException e) {
        throw new IOException(file + " does not hold a reservation: " + e.getMessage(), e);
      }
    }
    NumberReservation reservation = new NumberReservation(file, block, previous, threadName);
    reservation.write(Math.max(previous, atLeast) + block);
    return reservation;
  }

  /** Every number used before this start is below this: the first one to use now. */
  public long floor() {
    return reservedUpTo - block;
  }

  /**
   * Told of each number used: reserves the next block in the background once half of this one is
   * gone, or at once if the number ran past it (then its taker waits for the write rather than risk
   * a number a restart could give again).
   */
  public void used(long number) {
    if (number >= reservedUpTo) {
      writeLogged(number + block);
      return;
    }
    if (number >= reservedUpTo - block / 2 && writing.compareAndSet(false, true)) {
      writer.execute(
          () -> {
            try {
              writeLogged(number + block);
            } finally {
              writing.set(false);
            }
          });
    }
  }

  private void writeLogged(long upTo) {
    try {
      write(upTo);
    } catch (IOException e) {
      log.error("NUMBER_RESERVATION_NOT_SAVED file={}: {}", file, e.toString());
    }
  }

  /** Never lowers the reservation: a late background write of a smaller block changes nothing. */
  private synchronized void write(long upTo) throws IOException {
    if (upTo <= reservedUpTo) {
      return;
    }
    DurableFiles.replace(file, upTo + "\n");
    reservedUpTo = upTo;
  }

  /** Lets a reservation being written finish, so that the next start reads it. */
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
