package org.provisioning.tftp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.TftpConfig;
import org.provisioning.common.stats.StatisticsRegistry;

class TftpOptionsTest {
  private final StatisticsRegistry registry = new StatisticsRegistry();
  private final TftpStatistics stats = new TftpStatistics(registry);
  private final TftpConfig config = TftpConfig.defaults();

  private static Map<String, String> options(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Test
  void grantsEachOptionWithinTheServersLimits() {
    TftpOptions granted =
        TftpOptions.negotiate(
            options("blksize", "65464", "tsize", "0", "timeout", "3", "windowsize", "64"),
            false,
            1234,
            config,
            stats);
    assertEquals(1468, granted.blockSize());
    assertEquals(16, granted.windowSize());
    assertEquals(3000, granted.timeoutMillis());
    assertEquals(
        options("blksize", "1468", "tsize", "1234", "timeout", "3", "windowsize", "16"),
        granted.oack());
    assertEquals(1L, registry.snapshot().get("tftp.options.windowsize"));
  }

  @Test
  void leavesOutUnknownAndInvalidOptionsAndCountsThem() {
    TftpOptions granted =
        TftpOptions.negotiate(
            options(
                "blksize", "7", "timeout", "0", "windowsize", "x", "multicast", "", "tsize", "-1"),
            false,
            10,
            config,
            stats);
    assertEquals(Map.of(), granted.oack());
    assertEquals(512, granted.blockSize());
    assertEquals(1, granted.windowSize());
    assertEquals(1000, granted.timeoutMillis());
    assertEquals(4L, registry.snapshot().get("tftp.options.invalid"));
    assertEquals(1L, registry.snapshot().get("tftp.options.unknown"));
  }

  /**
   * A timeout over 5 s is left out of the OACK (the client keeps the default): a client asking 255
   * s and answering once held its transfer slot for over two hours.
   */
  @Test
  void declinesALongTimeout() {
    TftpOptions granted =
        TftpOptions.negotiate(options("timeout", "255", "tsize", "0"), false, 10, config, stats);
    assertEquals(Map.of("tsize", "10"), granted.oack());
    assertEquals(1000, granted.timeoutMillis());
    assertEquals(1L, registry.snapshot().get("tftp.options.declined"));
    assertEquals(
        Map.of("timeout", "5"),
        TftpOptions.negotiate(options("timeout", "5"), false, 10, config, stats).oack());
  }

  @Test
  void aWriteEchoesTheClientsTsizeAndGetsNoWindow() {
    TftpOptions granted =
        TftpOptions.negotiate(options("tsize", "4096", "windowsize", "8"), true, -1, config, stats);
    assertEquals(Map.of("tsize", "4096"), granted.oack());
    assertEquals(1, granted.windowSize());
  }
}
