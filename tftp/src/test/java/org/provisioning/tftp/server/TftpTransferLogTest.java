package org.provisioning.tftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.provisioning.common.control.TftpTransferView.Outcome;
import org.provisioning.tftp.engine.TransferFailure;

/** A storm of successes does not push the failures out of the console's sight. */
class TftpTransferLogTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
  private final TftpTransferLog log = new TftpTransferLog(clock, 4);
  private final InetSocketAddress modem = new InetSocketAddress("127.16.0.10", 40_000);

  @Test
  void failuresAreKeptApartFromTheNewestTransfers() {
    log.refused(modem, "cm-unknown.cfg", false, "not_found", "file not found", clock.millis());
    log.ended(modem, "cm-1.cfg", false, TransferFailure.TIMEOUT, 512, clock.millis() - 5_000);
    for (int i = 0; i < 10; i++) {
      log.ended(modem, "cm-ok-" + i + ".cfg", false, null, 1_000, clock.millis());
    }
    assertEquals(4, log.recentTransfers().size());
    assertEquals("cm-ok-9.cfg", log.recentTransfers().get(0).file());
    assertEquals(Outcome.COMPLETED, log.recentTransfers().get(0).outcome());
    assertEquals(2, log.recentFailures().size());
    assertEquals("cm-1.cfg", log.recentFailures().get(0).file());
    assertEquals("timeout", log.recentFailures().get(0).reason());
    assertEquals(5_000, log.recentFailures().get(0).millis());
    assertEquals(512, log.recentFailures().get(0).octets());
    assertEquals(Outcome.REFUSED, log.recentFailures().get(1).outcome());
    assertEquals("file not found", log.recentFailures().get(1).message());
    assertEquals("127.16.0.10:40000", log.recentFailures().get(1).client());
  }
}
