package org.provisioning.common.stats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Every counter and gauge of the process, by flat dotted name ({@code dhcp.received.discover}).
 * Counters are cheap enough for hot paths (one {@link java.util.concurrent.atomic.LongAdder} each);
 * gauges are read only when someone asks.
 *
 * <p>Every statistic is declared before it is registered: its name must match exactly one {@link
 * StatisticDefinition} (kind, unit, help, labels), which is how the API, the SNMP agent and
 * Prometheus describe it. Registering an undeclared name is a programming error and throws.
 */
public final class StatisticsRegistry {
  private static final Pattern NAME = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_\\-]+)*");

  /** One registered statistic with its value now and what it is. */
  public record Statistic(
      String name, long value, StatisticDefinition definition, Map<String, String> labels) {}

  private final Map<String, StatisticDefinition> definitions = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
  private final Map<String, Described> described = new ConcurrentHashMap<>();
  private final List<Runnable> refreshers = new CopyOnWriteArrayList<>();

  private record Described(StatisticDefinition definition, Map<String, String> labels) {}

  public StatisticsRegistry() {
    declare(ProcessStatistics.DEFINITIONS);
  }

  /**
   * Declares statistics; declaring the same definition again is harmless (several components of one
   * kind share a registry), a different definition under a pattern already declared, or one whose
   * names could also match another pattern, is refused.
   */
  public synchronized void declare(Collection<StatisticDefinition> declared) {
    for (StatisticDefinition d : declared) {
      StatisticDefinition existing = definitions.get(d.pattern());
      if (existing != null) {
        if (!existing.equals(d)) {
          throw new IllegalArgumentException(
              "statistic " + d.pattern() + " declared twice, differently: " + existing + ", " + d);
        }
        continue;
      }
      for (StatisticDefinition other : definitions.values()) {
        if (overlap(d, other)) {
          throw new IllegalArgumentException(
              "statistic patterns " + d.pattern() + " and " + other.pattern() + " overlap");
        }
      }
      definitions.put(d.pattern(), d);
    }
  }

  /** The counter of that name, created at zero on first use. */
  public Counter counter(String name) {
    Counter counter = counters.get(name);
    if (counter != null) {
      return counter;
    }
    return counters.computeIfAbsent(
        name,
        n -> {
          describe(n, StatisticDefinition.Kind.COUNTER);
          return new Counter();
        });
  }

  /** Registers (or replaces) a gauge read on demand, e.g. the size of a queue. */
  public void gauge(String name, LongSupplier value) {
    describe(name, StatisticDefinition.Kind.GAUGE);
    gauges.put(name, value);
  }

  /**
   * Runs before every snapshot: brings counters kept elsewhere (the JVM's garbage collection
   * counts) up to date.
   */
  public void addRefresh(Runnable refresh) {
    refreshers.add(refresh);
  }

  /** Removes every counter and gauge whose name starts with the prefix (a pool removed). */
  public void removeAll(String prefix) {
    counters.keySet().removeIf(n -> n.startsWith(prefix));
    gauges.keySet().removeIf(n -> n.startsWith(prefix));
    described.keySet().removeIf(n -> n.startsWith(prefix));
  }

  /** All values now, sorted by name. */
  public SortedMap<String, Long> snapshot() {
    synchronized (refreshers) { // one refresh at a time: each reads a total, then adds the rest
      refreshers.forEach(Runnable::run);
    }
    SortedMap<String, Long> values = new TreeMap<>();
    counters.forEach((n, c) -> values.put(n, c.get()));
    gauges.forEach((n, g) -> values.put(n, g.getAsLong()));
    return values;
  }

  /**
   * One statistic's value now, without reading every other one: a page that shows a few hundred of
   * thousands (the pools of the dashboard) asks for those only. Runs no refresh, so a counter kept
   * elsewhere (the JVM's collections) may lag until the next snapshot.
   *
   * @return empty if no counter or gauge has that name
   */
  public OptionalLong value(String name) {
    Counter counter = counters.get(name);
    if (counter != null) {
      return OptionalLong.of(counter.get());
    }
    LongSupplier gauge = gauges.get(name);
    return gauge == null ? OptionalLong.empty() : OptionalLong.of(gauge.getAsLong());
  }

  /** All values now with their definitions and labels, sorted by name. */
  public List<Statistic> statistics() {
    List<Statistic> all = new ArrayList<>();
    snapshot()
        .forEach(
            (name, value) -> {
              Described d = described.get(name);
              if (d != null) { // null only if removed while this ran
                all.add(new Statistic(name, value, d.definition(), d.labels()));
              }
            });
    return all;
  }

  /** Every declared definition, sorted by pattern. */
  public List<StatisticDefinition> definitions() {
    return new TreeMap<>(definitions).values().stream().toList();
  }

  private void describe(String name, StatisticDefinition.Kind registeredAs) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("statistic name '" + name + "' is not dotted lowercase");
    }
    for (StatisticDefinition d : definitions.values()) {
      Optional<Map<String, String>> labels = d.match(name);
      if (labels.isPresent()) {
        boolean fits =
            d.kind() == registeredAs
                || (d.kind() == StatisticDefinition.Kind.HISTOGRAM
                    && registeredAs == StatisticDefinition.Kind.GAUGE);
        if (!fits) {
          throw new IllegalArgumentException(
              "statistic "
                  + name
                  + " is declared a "
                  + d.kind()
                  + ", registered a "
                  + registeredAs);
        }
        described.put(name, new Described(d, Map.copyOf(labels.get())));
        return;
      }
    }
    throw new IllegalArgumentException(
        "statistic " + name + " is not declared: add a StatisticDefinition for it");
  }

  /** True if some name could match both patterns. */
  private static boolean overlap(StatisticDefinition a, StatisticDefinition b) {
    String[] x = seriesShape(a);
    String[] y = seriesShape(b);
    if (x.length != y.length) {
      return false;
    }
    for (int i = 0; i < x.length; i++) {
      if (!x[i].startsWith("{") && !y[i].startsWith("{") && !x[i].equals(y[i])) {
        return false;
      }
    }
    return true;
  }

  /** The segments of a definition's names; a histogram's end in one more, its series suffix. */
  private static String[] seriesShape(StatisticDefinition d) {
    String pattern =
        d.kind() == StatisticDefinition.Kind.HISTOGRAM ? d.pattern() + ".{series}" : d.pattern();
    return pattern.split("\\.");
  }
}
