package org.provisioning.console.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;
import static org.provisioning.common.stats.StatisticDefinition.histogram;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.stats.LatencyHistogram;
import org.provisioning.common.stats.StatisticsRegistry;

class PrometheusExpositionTest {
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final PrometheusExposition exposition = new PrometheusExposition(stats, () -> "alpha");

  private String scrape() {
    return new String(exposition.scrape(), StandardCharsets.UTF_8);
  }

  @Test
  void countersAndGaugesCarryTheirDefinitionsLabelsHelpAndTheServer() {
    stats.declare(
        List.of(
            counter("dhcp.received.{type}", "messages", "DHCP messages received, by type."),
            gauge("dhcp.pool.{pool}.used", "addresses", "Addresses leased or offered.")));
    stats.counter("dhcp.received.discover").add(7);
    stats.counter("dhcp.received.request");
    stats.gauge("dhcp.pool.cm-north.used", () -> 42);
    String text = scrape();
    assertTrue(
        text.contains(
            "# HELP provisioning_dhcp_received_total DHCP messages received, by type. Unit:"
                + " messages.\n"
                + "# TYPE provisioning_dhcp_received_total counter\n"),
        text);
    assertTrue(
        text.contains("provisioning_dhcp_received_total{server=\"alpha\",type=\"discover\"} 7.0\n"),
        text);
    assertTrue(
        text.contains("provisioning_dhcp_received_total{server=\"alpha\",type=\"request\"} 0.0\n"),
        text);
    assertTrue(text.contains("# TYPE provisioning_dhcp_pool_used gauge\n"), text);
    assertTrue(
        text.contains("provisioning_dhcp_pool_used{pool=\"cm-north\",server=\"alpha\"} 42.0\n"),
        text);
  }

  @Test
  void durationsAreSecondsAndSizesBytes() {
    stats.counter("process.cpu_time_ms"); // declared by the registry itself
    stats.gauge("jvm.heap.used_bytes", () -> 1024);
    stats.addRefresh(() -> {});
    stats.counter("process.cpu_time_ms").add(1500);
    String text = scrape();
    assertTrue(text.contains("# TYPE provisioning_process_cpu_time_seconds_total counter\n"), text);
    assertTrue(
        text.contains("provisioning_process_cpu_time_seconds_total{server=\"alpha\"} 1.5\n"), text);
    assertTrue(text.contains("provisioning_jvm_heap_used_bytes{server=\"alpha\"} 1024.0\n"), text);
    assertFalse(text.contains("_ms"), text);
  }

  @Test
  void latencyHistogramIsOneHistogramInSeconds() {
    stats.declare(List.of(histogram("dns.latency", "Time to answer a query.")));
    LatencyHistogram latency = new LatencyHistogram(stats, "dns.latency");
    latency.recordNanos(40_000); // 40 us: le 50 us
    latency.recordNanos(400_000); // 400 us: le 500 us
    latency.recordNanos(5_000_000_000L); // 5 s: beyond the last bound
    String text = scrape();
    assertTrue(text.contains("# TYPE provisioning_dns_latency_seconds histogram\n"), text);
    assertTrue(
        text.contains(
            "provisioning_dns_latency_seconds_bucket{server=\"alpha\",le=\"5.0E-5\"} 1\n"),
        text);
    assertTrue(
        text.contains(
            "provisioning_dns_latency_seconds_bucket{server=\"alpha\",le=\"5.0E-4\"} 2\n"),
        text);
    assertTrue(
        text.contains("provisioning_dns_latency_seconds_bucket{server=\"alpha\",le=\"1.0\"} 2\n"),
        text);
    assertTrue(
        text.contains("provisioning_dns_latency_seconds_bucket{server=\"alpha\",le=\"+Inf\"} 3\n"),
        text);
    assertTrue(text.contains("provisioning_dns_latency_seconds_count{server=\"alpha\"} 3\n"), text);
    assertTrue(
        text.contains("provisioning_dns_latency_seconds_sum{server=\"alpha\"} 5.00044\n"), text);
  }

  @Test
  void namesFollowPrometheusConventions() {
    assertEquals(
        "provisioning_jvm_gc_time_seconds",
        PrometheusExposition.family(counter("jvm.gc.{collector}.time_ms", "milliseconds", "T."))
            .name());
    assertEquals(
        "provisioning_dhcp_latency_seconds",
        PrometheusExposition.family(histogram("dhcp.latency_us", "L.")).name());
    assertEquals(
        "provisioning_process_uptime_seconds",
        PrometheusExposition.family(gauge("process.uptime_seconds", "seconds", "U.")).name());
    assertEquals(
        "Share in use.",
        PrometheusExposition.family(
                gauge("dhcp.pool.{pool}.used_percent", "percent", "Share in use."))
            .help());
  }
}
