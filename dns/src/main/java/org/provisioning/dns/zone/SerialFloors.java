package org.provisioning.dns.zone;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.provisioning.common.io.DurableFiles;
import org.provisioning.common.service.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Keeps each served zone's SOA serial above every serial it had before a restart. Zones are built
 * again at every start (config, then the leases' names), and the unixtime rule alone would start
 * them at the current time: below a serial that ran ahead of the clock (more than one change a
 * second: a DDNS burst, or the names of every lease published again at start) or with a clock set
 * back. Secondaries holding the higher serial would then ignore the zone, NOTIFY or not, until the
 * clock caught up: days after a reboot storm.
 *
 * <p>Each zone reserves a block of serials ahead of its own in a file, the way failover reserves
 * frame counters: rewritten in the background when half the block is used, at once (on the changing
 * thread) if a serial runs past it. Serials compare by RFC 1982 arithmetic.
 */
public final class SerialFloors implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(SerialFloors.class);

  /** How far ahead of a zone's serial its reservation reaches. */
  static final long BLOCK = 1_000;

  private final Path file;

  /** Reservations to keep: what {@link #write} writes. Guarded by this. */
  private final Map<Name, Long> wanted = new TreeMap<>();

  /**
   * Reservations the file holds: a serial short of one of these needs no write. Guarded by this.
   */
  private final Map<Name, Long> kept = new TreeMap<>();

  private final Object fileLock = new Object();
  private final ExecutorService writer;
  private final AtomicBoolean writing = new AtomicBoolean();

  private SerialFloors(Path file, Map<Name, Long> kept) {
    this.file = file;
    this.wanted.putAll(kept);
    this.kept.putAll(kept);
    this.writer =
        file == null
            ? null
            : Executors.newSingleThreadExecutor(DaemonThreads.factory("dns-serials"));
  }

  /** Reservations kept in {@code file} (read now; created at the first reservation). */
  public static SerialFloors open(Path file) throws IOException {
    Map<Name, Long> reserved = new TreeMap<>();
    if (Files.exists(file)) {
      int number = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        number++;
        String[] fields = line.trim().split(" ");
        if (line.isBlank()) {
          continue;
        }
        try {
          if (fields.length != 2) {
            throw new IllegalArgumentException("expected a zone and a serial");
          }
          long serial = Long.parseLong(fields[1]);
          if (serial < 0 || serial > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("a serial is 0 to 4294967295");
          }
          reserved.put(Name.fromString(fields[0], Name.root), serial);
        } catch (IllegalArgumentException | TextParseException e) {
          throw new IOException(file + " line " + number + ": " + e.getMessage(), e);
        }
      }
    }
    return new SerialFloors(file, reserved);
  }

  /** Reservations held in memory only: a restart forgets them (tests). */
  public static SerialFloors inMemory() {
    return new SerialFloors(null, Map.of());
  }

  /** A serial above every one the zone had before (while reservations were kept), if any. */
  public synchronized OptionalLong above(Name origin) {
    Long value = kept.get(origin);
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  /**
   * Told of each serial a zone takes (on the changing thread): reserves the next block in the
   * background once half of this one is used, or before returning if the serial is past what the
   * file holds.
   */
  public void used(Name origin, long serial) {
    long until = (serial + BLOCK) & 0xFFFFFFFFL;
    synchronized (this) {
      Long onDisk = kept.get(origin);
      if (onDisk != null && DnsZone.serialGreater(onDisk, serial)) {
        Long asked = wanted.get(origin);
        if (((onDisk - serial) & 0xFFFFFFFFL) > BLOCK / 2
            || (asked != null && DnsZone.serialGreater(asked, onDisk))) {
          return; // well inside the block, or the next one is being written
        }
        wanted.put(origin, until);
        if (file != null && writing.compareAndSet(false, true)) {
          writer.execute(this::writeInBackground);
        }
        return;
      }
      wanted.put(origin, until);
    }
    // Past what the file holds (or a new zone): nobody may see a serial a restart could give again.
    write();
  }

  private void writeInBackground() {
    writing.set(false);
    write();
  }

  /**
   * Writes every reservation at once (a new file, forced, then moved over the old one), outside
   * this object's lock, so a zone's commit waits for a disk only when its serial is past the file.
   */
  private void write() {
    synchronized (fileLock) {
      Map<Name, Long> snapshot;
      synchronized (this) {
        snapshot = new TreeMap<>(wanted);
      }
      if (file != null) {
        StringBuilder text = new StringBuilder();
        snapshot.forEach(
            (origin, serial) -> text.append(origin).append(' ').append(serial).append('\n'));
        try {
          DurableFiles.replace(file, text.toString());
        } catch (IOException e) {
          log.error("DNS_SERIALS_NOT_SAVED file={}: {}", file, e.toString());
          return;
        }
      }
      synchronized (this) {
        kept.putAll(snapshot);
      }
    }
  }

  /** Lets a reservation being written finish, so that the next start reads it. */
  @Override
  public void close() {
    if (writer == null) {
      return;
    }
    writer.shutdown();
    try {
      writer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
