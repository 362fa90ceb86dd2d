package org.provisioning.dhcp.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
    assertArrayEquals(fits, cells.read(0));
    assertArrayEquals(tooLong, cells.read(1));
    cells.write(1, record(40, 3));
    assertArrayEquals(record(40, 3), cells.read(1));
    cells.write(0, record(300, 4));
    assertArrayEquals(record(300, 4), cells.read(0));
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
      assertArrayEquals(record(1 + id % 90, id), cells.read(id));
    }
    assertThrows(IllegalArgumentException.class, () -> cells.write(count + 1, record(5, 0)));
  }

  /**
   * A reader never sees half of one record and half of another while the writer rewrites the cell
   * between lengths in the cell and beside it.
   */
  @Test
  void aReaderSeesEachRecordWholeWhileTheWriterRewritesIt() throws InterruptedException {
    LeaseCells cells = new LeaseCells();
    byte[][] versions = {
      record(20, 1), record(LeaseCells.MAX_IN_CELL, 2), record(200, 3), record(60, 4)
    };
    cells.write(0, versions[0]);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<String> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (writing.get() && failure.get() == null) {
                byte[] seen = cells.read(0);
                if (Arrays.stream(versions).noneMatch(v -> Arrays.equals(v, seen))) {
                  failure.set("read a torn record of " + seen.length + " octets");
                }
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
