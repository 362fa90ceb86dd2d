package org.provisioning.common.stats;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Every counter and gauge of the process, by flat dotted name ({@code dhcp.received.discover}).
 * Counters are cheap enough for hot paths (one {@link java.util.concurrent.atomic.LongAdder} each);
 * gauges are read only when someone asks.
 */
public final class StatisticsRegistry {
  private static final Pattern NAME = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_\\-]+)*");

  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

  /** The counter of that name, created at zero on first use. */
  public Counter counter(String name) {
    return counters.computeIfAbsent(checkName(name), n -> new Counter());
  }

  /** Registers (or replaces) a gauge read on demand, e.g. the size of a queue. */
  public void gauge(String name, LongSupplier value) {
    gauges.put(checkName(name), value);
  }

  /** Removes every counter and gauge whose name starts with the prefix (a pool removed). */
  public void removeAll(String prefix) {
    counters.keySet().removeIf(n -> n.startsWith(prefix));
    gauges.keySet().removeIf(n -> n.startsWith(prefix));
  }

  /** All values now, sorted by name. */
  public SortedMap<String, Long> snapshot() {
    SortedMap<String, Long> values = new TreeMap<>();
    counters.forEach((n, c) -> values.put(n, c.get()));
    gauges.forEach((n, g) -> values.put(n, g.getAsLong()));
    return values;
  }

  private static String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("statistic name '" + name + "' is not dotted lowercase");
    }
    return name;
  }
}
