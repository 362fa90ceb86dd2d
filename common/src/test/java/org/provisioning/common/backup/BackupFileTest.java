package org.provisioning.common.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupFileTest {
  private static final BackupHeader HEADER =
      new BackupHeader(1, Instant.parse("2026-11-26T01:00:00Z"), "headend-a", 1, "1.0", 7, 400);

  @TempDir Path dir;

  private byte[] backup() throws Exception {
    Path segment = Files.write(dir.resolve("segment"), new byte[100_000]);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BackupWriter writer = new BackupWriter(out, HEADER);
    writer.add("journal/journal-0000000000000001.log", segment);
    writer.add("config/provisiond.yaml", "server: {name: a}\n".getBytes(StandardCharsets.UTF_8));
    writer.finish();
    return out.toByteArray();
  }

  @Test
  void readsBackWhatWasWritten() throws Exception {
    Path into = dir.resolve("restored");
    BackupReader.Contents contents = BackupReader.extract(new ByteArrayInputStream(backup()), into);
    assertEquals(HEADER, contents.header());
    assertEquals(
        List.of("journal/journal-0000000000000001.log", "config/provisiond.yaml"),
        contents.names());
    assertArrayEquals(
        new byte[100_000],
        Files.readAllBytes(into.resolve("journal/journal-0000000000000001.log")));
    assertEquals("server: {name: a}\n", Files.readString(into.resolve("config/provisiond.yaml")));
  }

  @Test
  void refusesATruncatedBackupAtEveryLength() throws Exception {
    byte[] whole = backup();
    for (int length :
        new int[] {0, 5, 12, 40, 1_000, 100_100, whole.length - 33, whole.length - 1}) {
      BackupException e =
          assertThrows(
              BackupException.class,
              () -> BackupReader.verify(new ByteArrayInputStream(Arrays.copyOf(whole, length))),
              "cut at " + length);
      assertTrue(
          e.getMessage().contains("truncated") || e.getMessage().contains("damaged"),
          e.getMessage());
    }
  }

  @Test
  void refusesABackupWithAByteChanged() throws Exception {
    byte[] damaged = backup();
    damaged[50_000] ^= 0x01;
    BackupException e =
        assertThrows(
            BackupException.class, () -> BackupReader.verify(new ByteArrayInputStream(damaged)));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void refusesAForeignFileAndTrailingBytes() throws Exception {
    BackupException foreign =
        assertThrows(
            BackupException.class,
            () ->
                BackupReader.verify(
                    new ByteArrayInputStream(
                        "server: {name: a}\n".getBytes(StandardCharsets.UTF_8))));
    assertTrue(foreign.getMessage().contains("not a provisiond backup"), foreign.getMessage());
    byte[] whole = backup();
    byte[] longer = Arrays.copyOf(whole, whole.length + 1);
    assertThrows(
        BackupException.class, () -> BackupReader.verify(new ByteArrayInputStream(longer)));
  }

  @Test
  void refusesANewerFormatSayingSo() throws Exception {
    byte[] newer = backup();
    ByteBuffer.wrap(newer).putInt(8, BackupFormat.VERSION + 1);
    BackupException e =
        assertThrows(
            BackupException.class, () -> BackupReader.verify(new ByteArrayInputStream(newer)));
    assertTrue(e.getMessage().contains("newer provisiond"), e.getMessage());
  }

  @Test
  void extractsNothingOutsideItsFolder() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BackupWriter writer = new BackupWriter(out, HEADER);
    assertThrows(
        IllegalArgumentException.class, () -> writer.add("journal/../../etc/passwd", new byte[1]));
  }
}
