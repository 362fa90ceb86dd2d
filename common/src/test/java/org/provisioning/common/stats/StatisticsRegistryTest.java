package org.provisioning.common.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;
import static org.provisioning.common.stats.StatisticDefinition.histogram;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatisticsRegistryTest {
  private final StatisticsRegistry registry = new StatisticsRegistry();

  @Test
  void describesEveryStatisticByItsDefinitionAndLabels() {
    registry.declare(
        List.of(
            counter("dhcp.received.{type}", "messages", "Received."),
            gauge("dhcp.pool.{pool}.used", "addresses", "Used."),
            histogram("dhcp.latency_us", "Latency.")));
    registry.counter("dhcp.received.discover").add(3);
    registry.gauge("dhcp.pool.cm-north.used", () -> 42);
    new LatencyHistogram(registry, "dhcp.latency_us").recordNanos(70_000);

    Map<String, StatisticsRegistry.Statistic> byName = new java.util.HashMap<>();
    registry.statistics().forEach(s -> byName.put(s.name(), s));
    StatisticsRegistry.Statistic discover = byName.get("dhcp.received.discover");
    assertEquals(3, discover.value());
    assertEquals(Map.of("type", "discover"), discover.labels());
    assertEquals("dhcp.received", discover.definition().family());
    StatisticsRegistry.Statistic used = byName.get("dhcp.pool.cm-north.used");
    assertEquals(Map.of("pool", "cm-north"), used.labels());
    assertEquals(StatisticDefinition.Kind.GAUGE, used.definition().kind());
    assertEquals(1, byName.get("dhcp.latency_us.le_100").value());
    assertEquals(
        StatisticDefinition.Kind.HISTOGRAM,
        byName.get("dhcp.latency_us.count").definition().kind());
  }

  @Test
  void refusesWhatIsNotDeclaredOrDeclaredOtherwise() {
    registry.declare(List.of(counter("tftp.retransmits", "packets", "Retransmitted.")));
    var undeclared =
        assertThrows(IllegalArgumentException.class, () -> registry.counter("tftp.nothing"));
    assertTrue(undeclared.getMessage().contains("not declared"), undeclared.getMessage());
    assertThrows(IllegalArgumentException.class, () -> registry.gauge("tftp.retransmits", () -> 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> registry.declare(List.of(gauge("tftp.retransmits", "packets", "Other."))));
    var overlap =
        assertThrows(
            IllegalArgumentException.class,
            () -> registry.declare(List.of(counter("tftp.{what}", "packets", "Overlaps."))));
    assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
    // The same definition again is harmless: components of one kind share a registry.
    registry.declare(List.of(counter("tftp.retransmits", "packets", "Retransmitted.")));
  }

  @Test
  void definitionsNeedAHelpSentenceAndPlainSegments() {
    assertThrows(IllegalArgumentException.class, () -> counter("dhcp.x", "messages", ""));
    assertThrows(IllegalArgumentException.class, () -> counter("dhcp.x", "messages", "No stop"));
    assertThrows(IllegalArgumentException.class, () -> counter("dhcp.X", "messages", "Upper."));
    assertEquals(
        "127_16_0_10-127_16_0_13", StatisticDefinition.labelValue("127.16.0.10-127.16.0.13"));
  }

  @Test
  void processStatisticsAreReadFromTheJvm() {
    ProcessStatistics.register(registry);
    Map<String, Long> values = registry.snapshot();
    assertTrue(values.get("jvm.heap.used_bytes") > 0, values.toString());
    assertTrue(values.get("jvm.threads.live") > 0, values.toString());
    assertTrue(values.keySet().stream().anyMatch(n -> n.startsWith("jvm.gc.")), values.toString());
    assertTrue(registry.statistics().stream().allMatch(s -> !s.definition().help().isBlank()));
  }

  @Test
  void readsOneStatisticWithoutASnapshot() {
    registry.declare(
        List.of(
            counter("dhcp.received.{type}", "messages", "Received."),
            gauge("dhcp.pool.{pool}.used", "addresses", "Used.")));
    registry.counter("dhcp.received.discover").add(3);
    registry.gauge("dhcp.pool.cm-north.used", () -> 42);
    assertEquals(3, registry.value("dhcp.received.discover").orElseThrow());
    assertEquals(42, registry.value("dhcp.pool.cm-north.used").orElseThrow());
    assertTrue(registry.value("dhcp.pool.cm-south.used").isEmpty());
  }
}
