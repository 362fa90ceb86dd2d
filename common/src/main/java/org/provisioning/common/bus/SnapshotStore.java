package org.provisioning.common.bus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.provisioning.common.io.DurableFiles;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot files {@code snapshot-<16 digits>.snap}, the number being the first journal segment to
 * replay over the snapshot. Format (big-endian):
 *
 * <pre>
 * int    magic 'BUSS'
 * byte   version (1)
 * long   first segment to replay (must match the file name)
 * long   time taken, milliseconds since the epoch
 * int    origin count, then per origin: int origin, long highest sequence in earlier segments
 * int    section count, then per section: short name length, UTF-8 name, int length, bytes
 * int    CRC32C of everything above
 * </pre>
 *
 * A snapshot is written to a temporary file, fsynced, renamed into place and the directory fsynced,
 * so a crash leaves either the old set of snapshots or the new one, never half a file under the
 * final name.
 */
final class SnapshotStore {
  private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{16})\\.snap");
  private static final String TEMPORARY = ".tmp";
  private static final int MAGIC = 0x42555353;
  private static final byte VERSION = 1;

  record Snapshot(
      Path path,
      long firstSegment,
      long takenAtMillis,
      Map<Integer, Long> highestSequences,
      Map<String, byte[]> sections) {}

  private static final class CorruptSnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptSnapshotException(String reason) {
      super(reason);
    }
  }

  private final Path directory;
  private final Clock clock;
  private final StatisticsRegistry stats;

  SnapshotStore(Path directory, Clock clock, StatisticsRegistry stats) {
    BusStatistics.declare(stats);
    stats.counter("bus.snapshot.corrupt"); // at zero from the start
    this.directory = directory;
    this.clock = clock;
    this.stats = stats;
  }

  static String fileName(long firstSegment) {
    return String.format(Locale.ROOT, "snapshot-%016d.snap", firstSegment);
  }

  /** The snapshot files by first segment, oldest first. */
  NavigableMap<Long, Path> list() throws IOException {
    NavigableMap<Long, Path> snapshots = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        Matcher m = SNAPSHOT.matcher(file.getFileName().toString());
        if (m.matches()) {
          snapshots.put(Long.parseLong(m.group(1)), file);
        }
      }
    }
    return snapshots;
  }

  /** Removes what a crash in the middle of {@link #write} left. */
  void deleteTemporaryFiles() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "snapshot-*.snap.tmp")) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * The newest snapshot that reads back whole. A damaged one is logged as {@code
   * BUS_SNAPSHOT_CORRUPT}, counted and moved aside (so that it is neither tried again nor counted
   * among the snapshots to keep), and the one before it is tried.
   */
  Optional<Snapshot> loadNewestValid() throws IOException {
    for (var e : list().descendingMap().entrySet()) {
      try {
        return Optional.of(read(e.getKey(), e.getValue()));
      } catch (CorruptSnapshotException corrupt) {
        Path aside = Journal.asideName(e.getValue(), Journal.stamp(clock));
        Files.move(e.getValue(), aside);
        DurableFiles.syncDirectory(directory);
        stats.counter("bus.snapshot.corrupt").increment();
        log.warn(
            "BUS_SNAPSHOT_CORRUPT file={} reason={} moved_to={}; trying the previous snapshot",
            e.getValue().getFileName(),
            corrupt.getMessage(),
            aside.getFileName());
      }
    }
    return Optional.empty();
  }

  private Snapshot read(long number, Path path) throws IOException, CorruptSnapshotException {
    long size = Files.size(path);
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException(path + " is " + size + " bytes, more than a snapshot can hold");
    }
    if (size < 4) {
      throw new CorruptSnapshotException("truncated: " + size + " bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(path));
    CRC32C crc = new CRC32C();
    crc.update(in.array(), 0, in.limit() - 4);
    if ((int) crc.getValue() != in.getInt(in.limit() - 4)) {
      throw new CorruptSnapshotException("bad_crc");
    }
    in.limit(in.limit() - 4);
    try {
      if (in.getInt() != MAGIC) {
        throw new CorruptSnapshotException("bad_magic");
      }
      byte version = in.get();
      if (version > VERSION) {
        // Whole (its CRC holds) but from a newer release: setting it aside would lose its state,
        // and a downgraded server would start without it. Refuse to start instead.
        throw new IOException(
            path
                + " was written by a newer release (snapshot format "
                + version
                + "; this release reads "
                + VERSION
                + "): run that release again, or restore a backup made by this one");
      }
      if (version != VERSION) {
        throw new CorruptSnapshotException("unknown_version " + version);
      }
      long firstSegment = in.getLong();
      if (firstSegment != number) {
        throw new CorruptSnapshotException(
            "names segment " + firstSegment + " but the file name says " + number);
      }
      long takenAt = in.getLong();
      int origins = count(in, 12);
      Map<Integer, Long> highest = new HashMap<>();
      for (int i = 0; i < origins; i++) {
        highest.put(in.getInt(), in.getLong());
      }
      int sectionCount = count(in, 6);
      Map<String, byte[]> sections = new LinkedHashMap<>();
      for (int i = 0; i < sectionCount; i++) {
        byte[] name = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(name);
        byte[] data = new byte[count(in, 1)];
        in.get(data);
        sections.put(new String(name, UTF_8), data);
      }
      if (in.hasRemaining()) {
        throw new CorruptSnapshotException(in.remaining() + " bytes after the last section");
      }
      return new Snapshot(path, firstSegment, takenAt, highest, sections);
    } catch (BufferUnderflowException e) {
      throw new CorruptSnapshotException("truncated structure");
    }
  }

  /** Reads a count of items of at least {@code itemBytes} each, checked against what is left. */
  private static int count(ByteBuffer in, int itemBytes) throws CorruptSnapshotException {
    int n = in.getInt();
    if (n < 0 || (long) n * itemBytes > in.remaining()) {
      throw new CorruptSnapshotException("count " + n + " exceeds the file");
    }
    return n;
  }

  /** Writes a snapshot durably under its final name; returns its size in bytes. */
  long write(
      long firstSegment,
      long takenAtMillis,
      Map<Integer, Long> highestSequences,
      Map<String, byte[]> sections)
      throws IOException {
    Path target = directory.resolve(fileName(firstSegment));
    Path temporary = directory.resolve(fileName(firstSegment) + TEMPORARY);
    long size;
    try (FileChannel channel = FileChannel.open(temporary, CREATE, TRUNCATE_EXISTING, WRITE)) {
      OutputStream file = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      CRC32C crc = new CRC32C();
      DataOutputStream out = new DataOutputStream(new CheckedOutputStream(file, crc));
      out.writeInt(MAGIC);
      out.writeByte(VERSION);
      out.writeLong(firstSegment);
      out.writeLong(takenAtMillis);
      out.writeInt(highestSequences.size());
      for (var e : new TreeMap<>(highestSequences).entrySet()) {
        out.writeInt(e.getKey());
        out.writeLong(e.getValue());
      }
      out.writeInt(sections.size());
      for (var e : sections.entrySet()) {
        byte[] name = e.getKey().getBytes(UTF_8);
        out.writeShort(name.length);
        out.write(name);
        out.writeInt(e.getValue().length);
        out.write(e.getValue());
      }
      out.flush();
      new DataOutputStream(file).writeInt((int) crc.getValue());
      file.flush();
      size = channel.size();
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    DurableFiles.syncDirectory(directory);
    return size;
  }

  /** Deletes every snapshot older than {@code firstSegment}; returns how many. */
  int deleteBelow(long firstSegment) throws IOException {
    int deleted = 0;
    for (Path snapshot : list().headMap(firstSegment, false).values()) {
      if (Files.deleteIfExists(snapshot)) {
        deleted++;
      }
    }
    return deleted;
  }
}
