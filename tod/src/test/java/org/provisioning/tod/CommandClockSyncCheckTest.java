package org.provisioning.tod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.stats.StatisticsRegistry;

class CommandClockSyncCheckTest {
  private final StatisticsRegistry stats = new StatisticsRegistry();

  private boolean check(String... command) {
    try (CommandClockSyncCheck check = new CommandClockSyncCheck(List.of(command), 3600, stats)) {
      return check.synchronised();
    }
  }

  @Test
  void exitZeroWithAnyAnswerButNoMeansSynchronised() {
    assertTrue(check("sh", "-c", "echo yes"));
    assertTrue(check("true"));
    assertFalse(check("sh", "-c", "echo no"));
    assertFalse(check("false"));
  }

  @Test
  void aCommandThatCannotRunCountsAsUnsynchronisedAndIsCounted() {
    assertFalse(check("/nonexistent/clock-check"));
    assertEquals(1L, stats.snapshot().get("tod.sync.check_failed"));
  }
}
