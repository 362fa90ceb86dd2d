package org.provisioning.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The console keeps the files it found in memory, never the paths it did not: anyone who reaches
 * the management port can ask for endless names, and before keeping only hits each one stayed in
 * memory until the heap ran out and took DHCP, DNS and TFTP down with the process.
 */
class ConsolePagesCacheTest {
  @Test
  void pathsWithNoFileAreNotKept() {
    ConsolePages pages = new ConsolePages();
    for (int i = 0; i < 10_000; i++) {
      assertTrue(pages.find(ConsolePages.ROOT + "missing" + i + ".js").isEmpty());
    }
    assertEquals(0, pages.filesKept());
    assertTrue(pages.find(ConsolePages.ROOT).isPresent(), "index.html");
    assertTrue(pages.find(ConsolePages.ROOT + "index.html").isPresent());
    assertEquals(1, pages.filesKept(), "found once, kept once");
  }
}
