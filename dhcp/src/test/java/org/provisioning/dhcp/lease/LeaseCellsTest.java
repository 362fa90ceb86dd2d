package org.provisioning.dhcp.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LeaseCellsTest {
  private static byte[] record(int length, int fill) {
    byte[] record = new byte[length];
    Arrays.fill(record, (byte) fill);
    return record;
  }

  @Test
  void recordsTooLongForACellLiveAsideAndComeBackWhenTheyShrink() {
    LeaseCells cells = new LeaseCells();
    byte[] fits = record(LeaseCells.MAX_IN_CELL, 1);
    byte[] tooLong = record(LeaseCells.MAX_IN_CELL + 1, 2);
    cells.write(0, fits);
    cells.write(1, tooLong);
    assertArrayEquals(fits, cells.encodedAt(0));
    assertArrayEquals(tooLong, cells.encodedAt(1));
    cells.write(1, record(40, 3));
    assertArrayEquals(record(40, 3), cells.encodedAt(1));
    cells.write(0, record(300, 4));
    assertArrayEquals(record(300, 4), cells.encodedAt(0));
    assertEquals(2, cells.size());
  }

  @Test
  void idsAreDenseAndChunksComeAsTheyAreReached() {
    LeaseCells cells = new LeaseCells();
    int count = 10_000; // over four chunks
    for (int id = 0; id < count; id++) {
      cells.write(id, record(1 + id % 90, id));
    }
    for (int id = 0; id < count; id++) {
      assertArrayEquals(record(1 + id % 90, id), cells.encodedAt(id));
    }
    assertThrows(IllegalArgumentException.class, () -> cells.write(count + 1, record(5, 0)));
  }

  @Test
  void forEachHandsOverEveryRecordInIdOrderWholeWhereverItLies() {
    LeaseCells cells = new LeaseCells();
    int count = 5_000; // over two chunks
    for (int id = 0; id < count; id++) {
      cells.write(id, record(id % 7 == 0 ? 150 + id % 50 : 1 + id % 90, id));
    }
    List<byte[]> seen = new ArrayList<>();
    cells.forEachEncoded((octets, length) -> seen.add(Arrays.copyOf(octets, length)));
    assertEquals(count, seen.size());
    for (int id = 0; id < count; id++) {
      assertArrayEquals(record(id % 7 == 0 ? 150 + id % 50 : 1 + id % 90, id), seen.get(id));
    }
  }

  @Test
  void aCopyHoldsEveryRecordAsItStoodAndNoLaterWrite() {
    LeaseCells cells = new LeaseCells();
    int count = 5_000; // over two chunks, the last one partly used
    for (int id = 0; id < count; id++) {
      cells.write(id, record(id % 7 == 0 ? 150 : 1 + id % 90, id));
    }

    LeaseCells copy = cells.copy();
    cells.write(0, record(20, 9)); // aside before, in its cell now
    cells.write(1, record(200, 9)); // in its cell before, aside now
    cells.write(count, record(10, 9)); // a new id

    assertEquals(count, copy.size());
    List<byte[]> seen = new ArrayList<>();
    copy.forEachEncoded((octets, length) -> seen.add(Arrays.copyOf(octets, length)));
    assertEquals(count, seen.size());
    for (int id = 0; id < count; id++) {
      assertArrayEquals(record(id % 7 == 0 ? 150 : 1 + id % 90, id), seen.get(id));
    }
  }

  /**
   * A reader never sees half of one record and half of another while the writer rewrites the cell
   * between lengths in the cell and beside it.
   */
  @Test
  void aReaderSeesEachRecordWholeWhileTheWriterRewritesIt() throws InterruptedException {
    assertNoTornRecord((cells, seen) -> seen.accept(cells.encodedAt(0)));
  }

  /** The same for {@link LeaseCells#forEachEncoded}, which copies into a buffer of its own. */
  @Test
  void forEachSeesEachRecordWholeWhileTheWriterRewritesIt() throws InterruptedException {
    assertNoTornRecord(
        (cells, seen) ->
            cells.forEachEncoded((octets, length) -> seen.accept(Arrays.copyOf(octets, length))));
  }

  private static void assertNoTornRecord(BiConsumer<LeaseCells, Consumer<byte[]>> read)
      throws InterruptedException {
    LeaseCells cells = new LeaseCells();
    byte[][] versions = {
      record(20, 1), record(LeaseCells.MAX_IN_CELL, 2), record(200, 3), record(60, 4)
    };
    cells.write(0, versions[0]);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<String> failure = new AtomicReference<>();
    Consumer<byte[]> check =
        seen -> {
          if (Arrays.stream(versions).noneMatch(v -> Arrays.equals(v, seen))) {
            failure.set("read a torn record of " + seen.length + " octets");
          }
        };
    Thread reader =
        new Thread(
            () -> {
              while (writing.get() && failure.get() == null) {
                read.accept(cells, check);
              }
            });
    reader.start();
    for (int i = 0; i < 2_000_000 && failure.get() == null; i++) {
      cells.write(0, versions[i % versions.length]);
    }
    writing.set(false);
    reader.join();
    assertNull(failure.get());
  }
}
