package org.provisioning.console.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;

/**
 * The statistics registry in the Prometheus text format (0.0.4), built with the Prometheus Java
 * client's model and written by its own writer, so the format is theirs, not ours.
 *
 * <p>Each {@link StatisticDefinition} is one metric family: {@code provisioning_} and its pattern
 * without the label segments, dots made underscores ({@code dhcp.pool.{pool}.used} becomes {@code
 * provisioning_dhcp_pool_used{pool="...",server="..."}}). Counters stay counters (the writer adds
 * {@code _total}), gauges gauges, and a {@link org.provisioning.common.stats.LatencyHistogram}'s
 * {@code le_N}/{@code count}/{@code sum_us} statistics become one histogram. Durations are shown in
 * seconds and sizes in bytes, the base units Prometheus names carry ({@code process.cpu_time_ms} is
 * {@code provisioning_process_cpu_time_seconds_total}); other units are named in the help text.
 * Every sample carries the label {@code server} with this server's name, so the two servers of a
 * pair are told apart after relabelling.
 */
public final class PrometheusExposition {
  /** Put before every family name: the suite's namespace. */
  public static final String NAMESPACE = "provisioning_";

  private final StatisticsRegistry stats;
  private final Supplier<String> server;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  /**
   * @param server this server's name ({@code server.name}), read at every scrape
   */
  public PrometheusExposition(StatisticsRegistry stats, Supplier<String> server) {
    this.stats = stats;
    this.server = server;
  }

  /** What a scrape answer is: {@code text/plain; version=0.0.4; charset=utf-8}. */
  public String contentType() {
    return writer.getContentType();
  }

  /** Every statistic now, as a scrape answer. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      writer.write(out, snapshots());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /** How one definition is named and scaled in Prometheus. */
  public record Family(String name, Unit unit, double divisor, String help) {}

  /**
   * The family of a definition: its name (without the {@code _total} the writer adds to counters),
   * its base unit if it has one, what a registry value is divided by to be in that unit (a
   * division, not a multiplication by 1e-6, so that 50 us is exactly 5.0E-5 s), and the help.
   */
  public static Family family(StatisticDefinition definition) {
    String base = definition.family().replace('.', '_').replace('-', '_');
    Unit unit = null;
    double divisor = 1;
    switch (definition.unit()) {
      case "milliseconds" -> {
        base = strip(base, "_milliseconds", "_millis", "_ms");
        unit = Unit.SECONDS;
        divisor = 1e3;
      }
      case "microseconds" -> {
        base = strip(base, "_microseconds", "_micros", "_us");
        unit = Unit.SECONDS;
        divisor = 1e6;
      }
      case "seconds" -> {
        base = strip(base, "_seconds");
        unit = Unit.SECONDS;
      }
      case "bytes" -> {
        base = strip(base, "_bytes");
        unit = Unit.BYTES;
      }
      default -> {
        // A count of things (messages, leases, addresses) or a ratio the name already says.
      }
    }
    String help = definition.help();
    if (unit == null && !base.endsWith("_" + definition.unit())) {
      help = help + " Unit: " + definition.unit() + ".";
    }
    return new Family(NAMESPACE + base + (unit == null ? "" : "_" + unit), unit, divisor, help);
  }

  private static String strip(String name, String... suffixes) {
    for (String suffix : suffixes) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  /** The registry now, one snapshot per definition that has statistics. */
  public MetricSnapshots snapshots() {
    String serverName = server.get();
    Map<StatisticDefinition, List<StatisticsRegistry.Statistic>> byDefinition =
        new TreeMap<>(
            java.util.Comparator.comparing(StatisticDefinition::pattern)
                .thenComparing(d -> d.kind().name()));
    for (StatisticsRegistry.Statistic s : stats.statistics()) {
      byDefinition.computeIfAbsent(s.definition(), d -> new ArrayList<>()).add(s);
    }
    List<MetricSnapshot> snapshots = new ArrayList<>();
    byDefinition.forEach(
        (definition, statistics) -> snapshots.add(snapshot(definition, statistics, serverName)));
    return new MetricSnapshots(snapshots);
  }

  private static MetricSnapshot snapshot(
      StatisticDefinition definition,
      List<StatisticsRegistry.Statistic> statistics,
      String server) {
    Family family = family(definition);
    return switch (definition.kind()) {
      case COUNTER -> {
        CounterSnapshot.Builder counter =
            CounterSnapshot.builder().name(family.name()).help(family.help()).unit(family.unit());
        for (StatisticsRegistry.Statistic s : statistics) {
          counter.dataPoint(
              CounterSnapshot.CounterDataPointSnapshot.builder()
                  .labels(labels(s.labels(), server))
                  .value(s.value() / family.divisor())
                  .build());
        }
        yield counter.build();
      }
      case GAUGE -> {
        GaugeSnapshot.Builder gauge =
            GaugeSnapshot.builder().name(family.name()).help(family.help()).unit(family.unit());
        for (StatisticsRegistry.Statistic s : statistics) {
          gauge.dataPoint(
              GaugeSnapshot.GaugeDataPointSnapshot.builder()
                  .labels(labels(s.labels(), server))
                  .value(s.value() / family.divisor())
                  .build());
        }
        yield gauge.build();
      }
      case HISTOGRAM -> histogram(family, statistics, server);
    };
  }

  /**
   * One histogram data point per label set, from the cumulative {@code le_N} counters, {@code
   * count} and {@code sum_us}. The registry reads each of them on its own, so an observation made
   * meanwhile can show in a wider bucket and not yet in a narrower one: differences are kept at 0
   * or more, as the model requires.
   */
  private static MetricSnapshot histogram(
      Family family, List<StatisticsRegistry.Statistic> statistics, String server) {
    Map<Map<String, String>, HistogramSeries> series = new LinkedHashMap<>();
    for (StatisticsRegistry.Statistic s : statistics) {
      HistogramSeries h = series.computeIfAbsent(s.labels(), l -> new HistogramSeries());
      String suffix = s.name().substring(s.name().lastIndexOf('.') + 1);
      if (suffix.equals("count")) {
        h.count = s.value();
      } else if (suffix.startsWith("sum")) {
        h.sum = s.value();
      } else {
        h.cumulative.put(Long.parseLong(suffix.substring(3)), s.value());
      }
    }
    HistogramSnapshot.Builder histogram =
        HistogramSnapshot.builder().name(family.name()).help(family.help()).unit(family.unit());
    series.forEach(
        (labels, h) -> {
          int n = h.cumulative.size();
          double[] bounds = new double[n + 1];
          long[] counts = new long[n + 1];
          long below = 0;
          int i = 0;
          for (Map.Entry<Long, Long> bucket : h.cumulative.entrySet()) {
            bounds[i] = bucket.getKey() / family.divisor();
            counts[i] = Math.max(0, bucket.getValue() - below);
            below = Math.max(below, bucket.getValue());
            i++;
          }
          bounds[n] = Double.POSITIVE_INFINITY;
          counts[n] = Math.max(0, h.count - below);
          histogram.dataPoint(
              HistogramSnapshot.HistogramDataPointSnapshot.builder()
                  .labels(labels(labels, server))
                  .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                  .sum(h.sum / family.divisor())
                  .build());
        });
    return histogram.build();
  }

  private static final class HistogramSeries {
    final TreeMap<Long, Long> cumulative = new TreeMap<>();
    long count;
    long sum;
  }

  private static Labels labels(Map<String, String> labels, String server) {
    List<String> names = new ArrayList<>(labels.keySet());
    List<String> values = new ArrayList<>(labels.values());
    names.add("server");
    values.add(server);
    return Labels.of(names, values);
  }
}
