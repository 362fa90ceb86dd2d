package org.provisioning.common.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One statistic (or family of statistics) declared once: the dotted name pattern it is registered
 * under, with {@code {label}} segments where a value varies ({@code dhcp.pool.{pool}.used}), its
 * kind, unit and a help text. The API, the SNMP agent and Prometheus all describe a value by the
 * definition its name matches, so they cannot drift apart.
 *
 * @param pattern dotted lowercase segments; a segment {@code {name}} matches any one segment and
 *     names a label
 * @param kind counter (only grows), gauge (goes up and down) or histogram (a {@link
 *     LatencyHistogram}: the pattern is its prefix)
 * @param unit what one unit of the value is: {@code messages}, {@code bytes}, {@code microseconds}
 * @param help one sentence an operator understands without the source
 */
public record StatisticDefinition(String pattern, Kind kind, String unit, String help) {
  private static final Pattern SEGMENT = Pattern.compile("[a-z0-9_\\-]+|\\{[a-z_]+\\}");
  private static final Pattern UNIT = Pattern.compile("[a-z_]+");

  /** What a value means over time. */
  public enum Kind {
    COUNTER,
    GAUGE,
    HISTOGRAM
  }

  public StatisticDefinition {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(help, "help");
    for (String segment : pattern.split("\\.", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException(
            "statistic pattern '" + pattern + "': segment '" + segment + "' is not allowed");
      }
    }
    if (!UNIT.matcher(unit).matches()) {
      throw new IllegalArgumentException("statistic " + pattern + ": unit '" + unit + "'");
    }
    if (help.isBlank() || !help.endsWith(".")) {
      throw new IllegalArgumentException(
          "statistic " + pattern + ": the help text must be a sentence ending with a full stop");
    }
  }

  public static StatisticDefinition counter(String pattern, String unit, String help) {
    return new StatisticDefinition(pattern, Kind.COUNTER, unit, help);
  }

  public static StatisticDefinition gauge(String pattern, String unit, String help) {
    return new StatisticDefinition(pattern, Kind.GAUGE, unit, help);
  }

  public static StatisticDefinition histogram(String prefix, String help) {
    return new StatisticDefinition(prefix, Kind.HISTOGRAM, "microseconds", help);
  }

  /**
   * A value (a pool's name, a range, a JVM collector) as one name segment: lowercase, anything but
   * letters, digits, '_' and '-' turned into '_' ({@code 127.16.0.10-127.16.0.13} becomes {@code
   * 127_16_0_10-127_16_0_13}).
   */
  public static String labelValue(String value) {
    String segment = value.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_\\-]", "_");
    return segment.isEmpty() ? "_" : segment;
  }

  /** The label names, in the order their segments appear. */
  public List<String> labels() {
    List<String> labels = new ArrayList<>();
    for (String segment : pattern.split("\\.")) {
      if (segment.startsWith("{")) {
        labels.add(segment.substring(1, segment.length() - 1));
      }
    }
    return labels;
  }

  /** The pattern with its label segments dropped: the family name exporters use. */
  public String family() {
    StringBuilder family = new StringBuilder();
    for (String segment : pattern.split("\\.")) {
      if (!segment.startsWith("{")) {
        family.append(family.length() == 0 ? "" : ".").append(segment);
      }
    }
    return family.toString();
  }

  /**
   * The labels of {@code name} if it is one of this definition's statistics. A histogram's
   * statistics are its prefix followed by le_N, count or sum_us (see {@link LatencyHistogram}).
   */
  public Optional<Map<String, String>> match(String name) {
    String[] parts = name.split("\\.");
    String[] segments = pattern.split("\\.");
    int length = segments.length;
    if (kind == Kind.HISTOGRAM) {
      if (parts.length != length + 1 || !LatencyHistogram.isSeriesSuffix(parts[length])) {
        return Optional.empty();
      }
    } else if (parts.length != length) {
      return Optional.empty();
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < length; i++) {
      if (segments[i].startsWith("{")) {
        labels.put(segments[i].substring(1, segments[i].length() - 1), parts[i]);
      } else if (!segments[i].equals(parts[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(labels);
  }
}
