package org.provisioning.common.bus;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.provisioning.common.io.DurableFiles;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only journal: a directory of segment files {@code journal-<16 digits>.log}, each a run
 * of {@link JournalCodec} frames. Opening it reads the segments to replay and cuts off a torn or
 * corrupt tail (a crash in the middle of a write, a flipped bit) so that nothing past a bad frame
 * is ever replayed or appended after.
 *
 * <p>The active segment is extended with zeros ahead of the writes, {@link #PREALLOCATE_BYTES} at a
 * time, the way PostgreSQL fills its WAL segments: a batch then overwrites blocks the file already
 * has, and its {@code fdatasync} flushes only those, not the file's size and block map through the
 * file system's own journal (on this project's ext4 VM disk: half the latency, half the CPU, a
 * tenth of the worst case). Zeros where a frame header would be therefore end the records of a
 * segment, provided nothing but zeros follows; a closed segment is cut to its records.
 *
 * <p>Not thread-safe: the writer thread alone writes, forces and rolls; only {@link
 * #deleteSegmentsBelow} may be called from another thread, and it never touches the active segment.
 */
final class Journal implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  private static final Pattern SEGMENT = Pattern.compile("journal-(\\d{16})\\.log");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final int READ_BUFFER = 1 << 20;

  /** How far ahead of the writes the active segment is filled with zeros. */
  static final int PREALLOCATE_BYTES = 1 << 20;

  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

  private final Path directory;
  private final long segmentBytes;
  private final JournalSync sync;
  private final StatisticsRegistry stats;
  private FileChannel active;
  private volatile long activeNumber;
  private long activePosition;

  /**
   * The end of the active segment's last synced batch. After a failed fsync the kernel may have
   * dropped the batch's pages or kept them; the records were refused to their publishers either
   * way, so the segment is cut back to here on close, lest the next start replay them.
   */
  private long durablePosition;

  /** A write or fsync failed: what lies past {@link #durablePosition} was refused. */
  private boolean abandoned;

  /** The active segment's size: zeros from {@link #activePosition} up to here. */
  private long allocatedEnd;

  private Journal(
      Path directory,
      long segmentBytes,
      JournalSync sync,
      StatisticsRegistry stats,
      FileChannel active,
      long activeNumber,
      long activePosition)
      throws IOException {
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.sync = sync;
    this.stats = stats;
    this.active = active;
    this.activeNumber = activeNumber;
    this.activePosition = activePosition;
    this.durablePosition = activePosition;
    this.allocatedEnd = active.size();
  }

  static String segmentName(long number) {
    return String.format(Locale.ROOT, "journal-%016d.log", number);
  }

  /** The segment files in the directory by number, ignoring files set aside as corrupt. */
  static NavigableMap<Long, Path> listSegments(Path directory) throws IOException {
    NavigableMap<Long, Path> segments = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        Matcher m = SEGMENT.matcher(file.getFileName().toString());
        if (m.matches()) {
          segments.put(Long.parseLong(m.group(1)), file);
        }
      }
    }
    return segments;
  }

  /**
   * Opens the journal for appending after replaying every record of segment {@code firstSegment}
   * and later into {@code replay}, in journal order. Segments below {@code firstSegment} are
   * covered by a snapshot and only kept as a fallback: they are not read.
   *
   * <p>A frame header of zeros followed by nothing but zeros is the preallocated end of a segment,
   * not damage. At the first bad frame (short header or body, implausible length, CRC mismatch,
   * zeros with data after them) the segment is cut at the end of the last good frame, the cut bytes
   * are saved beside it as {@code <segment>.corrupt-<time>}, every later segment is moved aside the
   * same way, and the event is counted and logged as {@code BUS_JOURNAL_TAIL_TRUNCATED}.
   *
   * @throws IOException if a segment the replay needs is missing (replaying past a hole would
   *     silently lose state), or a frame with a good CRC has a format version this code does not
   *     know (a journal written by a newer release: refuse rather than destroy it)
   */
  static Journal open(
      Path directory,
      long firstSegment,
      long segmentBytes,
      JournalSync sync,
      Clock clock,
      StatisticsRegistry stats,
      Consumer<BusRecord> replay)
      throws IOException {
    BusStatistics.declare(stats);
    // At zero from the start: a torn tail or a new segment shows as a change, not a new name.
    stats.counter("bus.journal.tail_truncated");
    stats.counter("bus.journal.truncated_bytes");
    stats.counter("bus.journal.segments_rolled");
    List<Path> segments = new ArrayList<>();
    long expected = firstSegment;
    for (var e : listSegments(directory).tailMap(firstSegment, true).entrySet()) {
      if (e.getKey() != expected) {
        throw new IOException(
            "journal segment "
                + segmentName(expected)
                + " is missing in "
                + directory
                + " but later ones exist; replaying past the hole would lose state: restore it,"
                + " or move it and every later segment out of the directory");
      }
      segments.add(e.getValue());
      expected++;
    }

    long lastNumber = firstSegment;
    long lastSize = 0;
    for (int i = 0; i < segments.size(); i++) {
      Path segment = segments.get(i);
      Scan scan = scan(segment, replay);
      lastNumber = firstSegment + i;
      lastSize = scan.goodEnd();
      if (scan.badReason() != null && i < segments.size() - 1) {
        throw damagedClosedSegment(directory, segment, scan, segments.get(i + 1));
      }
      if (scan.badReason() != null) {
        cutTail(
            directory,
            segment,
            scan.goodEnd(),
            scan.badReason(),
            segments.subList(i + 1, segments.size()),
            clock,
            stats);
        break;
      }
    }

    FileChannel channel;
    if (segments.isEmpty()) {
      channel = FileChannel.open(directory.resolve(segmentName(firstSegment)), CREATE_NEW, WRITE);
      DurableFiles.syncDirectory(directory);
    } else {
      channel = FileChannel.open(directory.resolve(segmentName(lastNumber)), WRITE);
      channel.position(lastSize);
    }
    return new Journal(directory, segmentBytes, sync, stats, channel, lastNumber, lastSize);
  }

  private record Scan(long goodEnd, String badReason) {}

  /**
   * Damage in a segment that was closed (synced whole before the next one began) is no torn write
   * but a failing disk, and every record after it was acknowledged: cutting there, as at a torn
   * tail, would start the server without them, and it would give their addresses out again.
   */
  private static IOException damagedClosedSegment(
      Path directory, Path segment, Scan scan, Path next) {
    return new IOException(
        "journal segment "
            + segment.getFileName()
            + " is damaged at offset "
            + scan.goodEnd()
            + " ("
            + scan.badReason()
            + "), though it was synced whole before "
            + next.getFileName()
            + " began: the disk is failing, and records acknowledged after the damage would be"
            + " lost. provisiond does not start without them. In a failover pair, move "
            + directory
            + " aside and start with the rest of the data directory: its pairing secret lets the"
            + " partner's sync bring every lease back. Alone, restore the latest"
            + " backup (provisionctl restore). To start anyway with the records before the"
            + " damage, move "
            + next.getFileName()
            + " and every later segment out of "
            + directory);
  }

  private static Scan scan(Path segment, Consumer<BusRecord> replay) throws IOException {
    try (FileChannel channel = FileChannel.open(segment, READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER).flip();
      long offset = 0;
      while (true) {
        buffer = fill(channel, buffer, JournalCodec.FRAME_HEADER);
        if (buffer.remaining() == 0) {
          return new Scan(offset, null);
        }
        if (buffer.remaining() < JournalCodec.FRAME_HEADER) {
          return new Scan(offset, "short_header");
        }
        int length = buffer.getInt(buffer.position());
        int crc = buffer.getInt(buffer.position() + 4);
        if (length == 0 && crc == 0) {
          return zerosToTheEnd(channel, buffer)
              ? new Scan(offset, null)
              : new Scan(offset, "data_after_zeros");
        }
        if (!JournalCodec.plausibleBodyLength(length)) {
          return new Scan(offset, "bad_length");
        }
        buffer = fill(channel, buffer, JournalCodec.FRAME_HEADER + length);
        if (buffer.remaining() < JournalCodec.FRAME_HEADER + length) {
          return new Scan(offset, "short_body");
        }
        buffer.position(buffer.position() + JournalCodec.FRAME_HEADER);
        if (JournalCodec.crc(buffer, length) != crc) {
          return new Scan(offset, "bad_crc");
        }
        byte version = buffer.get(buffer.position());
        if (version != JournalCodec.FORMAT_VERSION) {
          throw new IOException(
              segment
                  + " offset "
                  + offset
                  + ": record format version "
                  + version
                  + " is not "
                  + JournalCodec.FORMAT_VERSION
                  + "; was the journal written by a newer release?");
        }
        replay.accept(JournalCodec.decodeBody(buffer, length));
        offset += JournalCodec.FRAME_HEADER + length;
      }
    }
  }

  /** True if the buffer's remaining bytes and the rest of the file are all zeros. */
  private static boolean zerosToTheEnd(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (true) {
      while (buffer.hasRemaining()) {
        if (buffer.get() != 0) {
          return false;
        }
      }
      buffer.clear();
      if (channel.read(buffer) < 0) {
        return true;
      }
      buffer.flip();
    }
  }

  /**
   * Makes at least {@code need} bytes readable in the buffer unless the file ends first; returns
   * the buffer, a larger one if {@code need} exceeded its capacity.
   */
  private static ByteBuffer fill(FileChannel channel, ByteBuffer buffer, int need)
      throws IOException {
    if (buffer.remaining() >= need) {
      return buffer;
    }
    if (need > buffer.capacity()) {
      ByteBuffer larger = ByteBuffer.allocate(need);
      larger.put(buffer);
      buffer = larger;
    } else {
      buffer.compact();
    }
    while (buffer.position() < need) {
      if (channel.read(buffer) < 0) {
        break;
      }
    }
    return buffer.flip();
  }

  private static void cutTail(
      Path directory,
      Path segment,
      long goodEnd,
      String reason,
      List<Path> laterSegments,
      Clock clock,
      StatisticsRegistry stats)
      throws IOException {
    String stamp = STAMP.format(clock.instant());
    Path saved = asideName(segment, stamp);
    long cut;
    try (FileChannel source = FileChannel.open(segment, READ, WRITE);
        FileChannel copy = FileChannel.open(saved, CREATE_NEW, WRITE)) {
      long size = source.size();
      cut = size - goodEnd;
      long position = goodEnd;
      while (position < size) {
        long n = source.transferTo(position, size - position, copy);
        if (n <= 0) {
          throw new IOException("could not copy the corrupt tail of " + segment + " to " + saved);
        }
        position += n;
      }
      copy.force(true);
      source.truncate(goodEnd);
      source.force(true);
    }
    long moved = 0;
    for (Path later : laterSegments) {
      long size = Files.size(later);
      Path aside = asideName(later, stamp);
      Files.move(later, aside);
      moved += size;
      log.warn(
          "BUS_JOURNAL_SEGMENT_MOVED_ASIDE segment={} bytes={} to={} after_corrupt_segment={}",
          later.getFileName(),
          size,
          aside.getFileName(),
          segment.getFileName());
    }
    DurableFiles.syncDirectory(directory);
    stats.counter("bus.journal.tail_truncated").increment();
    stats.counter("bus.journal.truncated_bytes").add(cut + moved);
    log.warn(
        "BUS_JOURNAL_TAIL_TRUNCATED segment={} offset={} bytes={} reason={} later_segments={}"
            + " saved_to={}",
        segment.getFileName(),
        goodEnd,
        cut + moved,
        reason,
        laterSegments.size(),
        saved.getFileName());
  }

  /** {@code <file>.corrupt-<stamp>}, made unique if a file of that name already exists. */
  static Path asideName(Path file, String stamp) {
    Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp);
    for (int i = 1; Files.exists(aside); i++) {
      aside = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp + "-" + i);
    }
    return aside;
  }

  static String stamp(Clock clock) {
    return STAMP.format(clock.instant());
  }

  /**
   * Writes a batch of frames to the active segment, first rolling to a new one if the batch would
   * take a non-empty segment past its size. A batch never spans two segments: it is one fsync.
   */
  void write(ByteBuffer batch) throws IOException {
    int length = batch.remaining();
    if (activePosition > 0 && activePosition + length > segmentBytes) {
      roll();
    }
    if (activePosition + length > allocatedEnd) {
      preallocate(activePosition + length);
    }
    while (batch.hasRemaining()) {
      active.write(batch);
    }
    activePosition += length;
  }

  /**
   * Extends the active segment with zeros to hold at least {@code end} bytes, and up to {@link
   * #PREALLOCATE_BYTES} beyond (within the segment's size). The next fsync makes the new size
   * durable with the batch; the fsyncs after it find the blocks already there.
   */
  private void preallocate(long end) throws IOException {
    long target = Math.max(end, Math.min(allocatedEnd + PREALLOCATE_BYTES, segmentBytes));
    long position = allocatedEnd;
    while (position < target) {
      ByteBuffer zeros = ZEROS.duplicate();
      zeros.limit((int) Math.min(zeros.capacity(), target - position));
      position += active.write(zeros, position);
    }
    allocatedEnd = target;
  }

  /** Makes everything written so far durable. */
  void force() throws IOException {
    sync.force(active);
    durablePosition = activePosition;
  }

  /**
   * Starts a new segment; every later write goes there. The new file's directory entry is made
   * durable first: records acknowledged in a file that vanishes at a crash are lost all the same.
   *
   * @return the number of the new segment
   */
  long roll() throws IOException {
    long next = activeNumber + 1;
    FileChannel channel = FileChannel.open(directory.resolve(segmentName(next)), CREATE_NEW, WRITE);
    try {
      DurableFiles.syncDirectory(directory);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    FileChannel previous = active;
    long previousEnd = activePosition;
    active = channel;
    activeNumber = next;
    activePosition = 0;
    durablePosition = 0;
    allocatedEnd = 0;
    closeAt(previous, previousEnd, false);
    stats.counter("bus.journal.segments_rolled").increment();
    return next;
  }

  long activeSegment() {
    return activeNumber;
  }

  String activeSegmentName() {
    return segmentName(activeNumber);
  }

  /** Deletes every segment numbered below {@code number}; returns how many. */
  int deleteSegmentsBelow(long number) throws IOException {
    long limit = Math.min(number, activeNumber);
    int deleted = 0;
    for (Path segment : listSegments(directory).headMap(limit, false).values()) {
      if (Files.deleteIfExists(segment)) {
        deleted++;
      }
    }
    if (deleted > 0) {
      DurableFiles.syncDirectory(directory);
    }
    return deleted;
  }

  @Override
  public void close() throws IOException {
    closeAt(active, durablePosition, abandoned);
  }

  /**
   * After a failed write or fsync: cuts the active segment back to its last durable record at once,
   * and syncs the cut, best effort. The failed batch was refused to its publishers; left in the
   * file until the bus closed (or for good, if the process was killed first), its whole frames were
   * replayed at the next start as if accepted.
   */
  void abandonUndurable() throws IOException {
    abandoned = true; // should this cut fail too, the close cuts again, and syncs
    // By the file's size, not the position: a write that failed partway put frames in the file
    // without moving the position past them.
    if (active.size() > durablePosition) {
      active.truncate(durablePosition);
      active.force(true);
      activePosition = durablePosition;
      allocatedEnd = Math.min(allocatedEnd, durablePosition);
    }
  }

  /**
   * Cuts a segment's unused zeros off and closes it. Not forced when only zeros go: a crash before
   * the cut is durable leaves zeros, which read as the end of the segment all the same; forced when
   * records written but never made durable go ({@code forced}), which would read as records.
   */
  private static void closeAt(FileChannel segment, long end, boolean forced) throws IOException {
    try (segment) {
      if (segment.size() > end) {
        segment.truncate(end);
        if (forced) {
          segment.force(true);
        }
      }
    }
  }
}
