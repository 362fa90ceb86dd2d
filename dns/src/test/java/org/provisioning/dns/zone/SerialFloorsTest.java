package org.provisioning.dns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.ManualClock;
import org.provisioning.dns.server.DnsServer;
import org.xbill.DNS.Name;

/** A zone's serial across restarts: above every serial it had, whatever the clock says. */
class SerialFloorsTest {
  private static final Name ZONE = Name.fromConstantString("cable.example.net.");

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(DnsZoneTest.T0 * 1000);

  /** What a start does: the zones built from the config with the floors kept in the file. */
  private DnsZone start(SerialFloors floors) throws Exception {
    DnsServer server =
        new DnsServer(
            DnsZoneTest.config("\"www A 127.0.0.5\"", ""),
            clock,
            new StatisticsRegistry(),
            new DnsState(floors, null));
    return server.servedZones().exactly(ZONE).orElseThrow();
  }

  /** {@code changes} updates within one second: the serial runs that far ahead of the clock. */
  private static void burst(DnsZone zone, int changes) throws Exception {
    for (int i = 0; i < changes; i++) {
      synchronized (zone) {
        zone.add(DnsZoneTest.a("host" + i, "127.0.0.9", 300));
        zone.commit();
      }
    }
  }

  @Test
  void aRestartedZoneStartsAboveASerialThatRanAheadOfTheClock() throws Exception {
    Path file = dir.resolve("dns.serials");
    SerialFloors floors = SerialFloors.open(file);
    DnsZone zone = start(floors);
    assertEquals(DnsZoneTest.T0, zone.soa().getSerial());
    burst(zone, 5_000); // a DDNS burst, or every lease's names published again at start
    long before = zone.soa().getSerial();
    assertEquals(DnsZoneTest.T0 + 5_000, before);
    floors.close();

    clock.advance(Duration.ofSeconds(10));
    DnsZone restarted = start(SerialFloors.open(file));
    assertTrue(
        DnsZone.serialGreater(restarted.soa().getSerial(), before),
        restarted.soa().getSerial() + " after " + before);
    // Without the floors the unixtime rule alone goes back by almost the whole burst.
    assertEquals(DnsZoneTest.T0 + 10, start(SerialFloors.inMemory()).soa().getSerial());
  }

  @Test
  void aRestartWithTheClockSetBackStillMovesTheSerialOn() throws Exception {
    Path file = dir.resolve("dns.serials");
    SerialFloors floors = SerialFloors.open(file);
    long before = start(floors).soa().getSerial();
    floors.close();
    clock.step(Duration.ofDays(-30)); // a dead CMOS battery, a bad NTP source
    long after = start(SerialFloors.open(file)).soa().getSerial();
    assertTrue(DnsZone.serialGreater(after, before), after + " after " + before);
  }

  @Test
  void theFileIsWrittenOncePerHalfBlockNotPerChange() throws Exception {
    Path file = dir.resolve("dns.serials");
    SerialFloors floors = SerialFloors.open(file);
    floors.used(ZONE, 100);
    assertEquals("cable.example.net. 1100\n", Files.readString(file));
    floors.used(ZONE, 500); // within the first half of the block: nothing to write
    floors.close();
    assertEquals("cable.example.net. 1100\n", Files.readString(file));
    SerialFloors again = SerialFloors.open(file);
    assertEquals(OptionalLong.of(1100), again.above(ZONE));
    again.used(ZONE, 1100); // at the reservation: written before the serial is seen
    assertEquals("cable.example.net. 2100\n", Files.readString(file));
    again.close();
  }

  @Test
  void reservationsWrapAroundTheSerialSpace() throws Exception {
    Path file = dir.resolve("dns.serials");
    SerialFloors floors = SerialFloors.open(file);
    long nearTheTop = 0xFFFFFFFFL - 10;
    floors.used(ZONE, nearTheTop);
    floors.close();
    long reserved = SerialFloors.open(file).above(ZONE).orElseThrow();
    assertEquals(SerialFloors.BLOCK - 11, reserved);
    assertTrue(DnsZone.serialGreater(reserved, nearTheTop));
  }

  @Test
  void aDamagedFileIsRefusedWithItsLine() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("dns.serials"),
            "cable.example.net. 12\nzone x\n",
            StandardCharsets.US_ASCII);
    IOException refused = assertThrows(IOException.class, () -> SerialFloors.open(file));
    assertTrue(refused.getMessage().contains("line 2"), refused.getMessage());
  }
}
