package org.provisioning.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotFramesTest {
  @Test
  void itemsComeBackInOrderEmptyOnesIncluded() throws IOException {
    byte[] snapshot =
        SnapshotFrames.write(List.of("ada", "", "bob"), s -> s.getBytes(StandardCharsets.UTF_8));
    List<String> read = new ArrayList<>();
    SnapshotFrames.read(snapshot, b -> read.add(new String(b, StandardCharsets.UTF_8)));
    assertEquals(List.of("ada", "", "bob"), read);
  }

  @Test
  void aSnapshotCutShortIsAnError() {
    byte[] whole =
        SnapshotFrames.write(List.of("ada", "bob"), s -> s.getBytes(StandardCharsets.UTF_8));
    for (int cutBy = 1; cutBy < whole.length - 4; cutBy++) {
      byte[] cut = Arrays.copyOf(whole, whole.length - cutBy);
      assertThrows(IOException.class, () -> SnapshotFrames.read(cut, b -> {}), "cut by " + cutBy);
    }
  }
}
