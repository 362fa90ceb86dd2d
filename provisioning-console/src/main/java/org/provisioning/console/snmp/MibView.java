package org.provisioning.console.snmp;

import static org.provisioning.console.snmp.SuiteMib.implied;
import static org.provisioning.console.snmp.SuiteMib.scalar;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.provisioning.common.config.PoolConfig;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry.Statistic;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;

/**
 * Builds {@link MibSnapshot}s from the registry, the running config's pools, the failover status
 * and the active alerts: every row of PROVISIONING-SUITE-MIB, and the standard system, snmp,
 * snmpEngine, MPD and usmStats objects.
 */
final class MibView {
  // The DHCP server's high-water alerts (module dhcp, HighWaterMarks): their object is the pool.

  private static final long GAUGE32_MAX = 0xffff_ffffL;
  private static final int TEXT_MAX = 1024;

  /** Identity and clock of the agent's SNMP engine (RFC 3411 snmpEngine group). */
  record Engine(byte[] id, int boots, java.util.function.IntSupplier time, int maxMessageSize) {}

  private final MibSources sources;
  private final Engine engine;
  private final AgentCounters counters;
  private final Clock clock;
  private final List<OID> objects;

  MibView(MibSources sources, Engine engine, AgentCounters counters, Clock clock) {
    this.sources = sources;
    this.engine = engine;
    this.counters = counters;
    this.clock = clock;
    List<OID> known =
        new ArrayList<>(
            List.of(
                SuiteMib.STAT_KIND,
                SuiteMib.STAT_UNIT,
                SuiteMib.STAT_HELP,
                SuiteMib.STAT_COUNTER,
                SuiteMib.STAT_GAUGE,
                SuiteMib.STAT_VALUE,
                SuiteMib.POOL_RANGE,
                SuiteMib.POOL_SIZE,
                SuiteMib.POOL_USED,
                SuiteMib.POOL_FREE,
                SuiteMib.POOL_UTILISATION,
                SuiteMib.POOL_WARNING_MARK,
                SuiteMib.POOL_CRITICAL_MARK,
                SuiteMib.POOL_STATE,
                SuiteMib.STAT_COUNT,
                SuiteMib.FAILOVER_ROLE,
                SuiteMib.FAILOVER_STATE,
                SuiteMib.FAILOVER_STATE_SECONDS,
                SuiteMib.FAILOVER_PARTNER_STATE,
                SuiteMib.FAILOVER_PARTNER_ADDRESS,
                SuiteMib.FAILOVER_HEARTBEAT_AGE,
                SuiteMib.FAILOVER_LAG_RECORDS,
                SuiteMib.FAILOVER_LAG_MILLIS,
                SuiteMib.FAILOVER_CONFLICTS,
                SuiteMib.FAILOVER_CLOCK_SKEW));
    for (OID instance :
        List.of(
            SuiteMib.SYS_DESCR,
            SuiteMib.SYS_OBJECT_ID,
            SuiteMib.SYS_UP_TIME,
            SuiteMib.SYS_NAME,
            SuiteMib.ENGINE_ID,
            SuiteMib.ENGINE_BOOTS,
            SuiteMib.ENGINE_TIME,
            SuiteMib.ENGINE_MAX_MESSAGE_SIZE)) {
      known.add(instance.trim());
    }
    counters.standard().keySet().forEach(instance -> known.add(instance.trim()));
    this.objects = List.copyOf(known);
  }

  /** sysUpTime: hundredths of a second since the process started, wrapping at 2^32. */
  static TimeTicks upTime() {
    return new TimeTicks((ManagementFactory.getRuntimeMXBean().getUptime() / 10) & GAUGE32_MAX);
  }

  MibSnapshot snapshot() {
    NavigableMap<OID, Variable> values = new TreeMap<>();
    values.put(SuiteMib.SYS_DESCR, new OctetString(sources.description()));
    values.put(SuiteMib.SYS_OBJECT_ID, SuiteMib.ROOT);
    values.put(SuiteMib.SYS_UP_TIME, upTime());
    values.put(SuiteMib.SYS_NAME, new OctetString(sources.serverName().get()));
    values.put(SuiteMib.ENGINE_ID, new OctetString(engine.id()));
    values.put(SuiteMib.ENGINE_BOOTS, new Integer32(engine.boots()));
    values.put(SuiteMib.ENGINE_TIME, new Integer32(engine.time().getAsInt()));
    values.put(SuiteMib.ENGINE_MAX_MESSAGE_SIZE, new Integer32(engine.maxMessageSize()));
    counters.standard().forEach((oid, c) -> values.put(oid, new Counter32(c.get() & GAUGE32_MAX)));

    // The failover status first: reading it may register a statistic, which the table then has.
    Optional<FailoverStatus> failover = sources.failover().get();
    Map<String, Long> byName = new HashMap<>();
    int rows = 0;
    for (Statistic statistic : sources.stats().statistics()) {
      byName.put(statistic.name(), statistic.value());
      if (statistic.name().length() <= SuiteMib.STAT_NAME_MAX) {
        statisticRow(values, statistic);
        rows++;
      }
    }
    values.put(scalar(SuiteMib.STAT_COUNT), new Gauge32(rows));
    pools(values, byName);
    failover(values, failover);
    return new MibSnapshot(values, objects);
  }

  private static void statisticRow(NavigableMap<OID, Variable> values, Statistic statistic) {
    String name = statistic.name();
    StatisticDefinition definition = statistic.definition();
    long value = statistic.value();
    int kind =
        switch (definition.kind()) {
          case COUNTER -> SuiteMib.KIND_COUNTER;
          case GAUGE -> SuiteMib.KIND_GAUGE;
          case HISTOGRAM -> SuiteMib.KIND_HISTOGRAM;
        };
    values.put(implied(SuiteMib.STAT_KIND, name), new Integer32(kind));
    values.put(implied(SuiteMib.STAT_UNIT, name), new OctetString(definition.unit()));
    values.put(implied(SuiteMib.STAT_HELP, name), text(definition.help()));
    if (kind == SuiteMib.KIND_GAUGE) {
      values.put(implied(SuiteMib.STAT_GAUGE, name), gauge(value));
    } else {
      values.put(implied(SuiteMib.STAT_COUNTER, name), new Counter64(Math.max(0, value)));
    }
    values.put(implied(SuiteMib.STAT_VALUE, name), new OctetString(Long.toString(value)));
  }

  private void pools(NavigableMap<OID, Variable> values, Map<String, Long> stats) {
    for (PoolConfig pool : sources.pools().get()) {
      String name = pool.label();
      String prefix = "dhcp.pool." + StatisticDefinition.labelValue(name) + ".";
      Long size = stats.get(prefix + "size");
      Long used = stats.get(prefix + "used");
      if (size == null
          || used == null
          // The index is the name's UTF-8 octets: a 100-character Cyrillic name made a 212-part
          // OID, past the 128 sub-identifiers managers take, and broke every walk at that row.
          || name.getBytes(StandardCharsets.UTF_8).length > SuiteMib.POOL_NAME_MAX) {
        continue; // the DHCP server does not serve it (off, or not yet reconfigured)
      }
      long free = stats.getOrDefault(prefix + "free", size - used);
      long utilisation = stats.getOrDefault(prefix + "utilisation_percent", 0L);
      values.put(implied(SuiteMib.POOL_RANGE, name), new OctetString(String.valueOf(pool.range())));
      values.put(implied(SuiteMib.POOL_SIZE, name), gauge(size));
      values.put(implied(SuiteMib.POOL_USED, name), gauge(used));
      values.put(implied(SuiteMib.POOL_FREE, name), gauge(free));
      values.put(implied(SuiteMib.POOL_UTILISATION, name), gauge(utilisation));
      values.put(implied(SuiteMib.POOL_WARNING_MARK, name), new Integer32(pool.warningPercent()));
      values.put(implied(SuiteMib.POOL_CRITICAL_MARK, name), new Integer32(pool.criticalPercent()));
      values.put(
          implied(SuiteMib.POOL_STATE, name),
          new Integer32(
              poolLevel(size, free, stats.getOrDefault(prefix + "high_water_level", 0L))));
    }
  }

  /** Full when no address is free; else the high-water mark the DHCP server says it is at. */
  static int poolLevel(long size, long free, long highWaterLevel) {
    if (size > 0 && free <= 0) {
      return SuiteMib.POOL_FULL;
    }
    if (highWaterLevel >= 2) {
      return SuiteMib.POOL_CRITICAL;
    }
    return highWaterLevel == 1 ? SuiteMib.POOL_WARNING : SuiteMib.POOL_NORMAL;
  }

  private void failover(NavigableMap<OID, Variable> values, Optional<FailoverStatus> found) {
    FailoverStatus status = found.orElse(null);
    int role = status == null ? 1 : roleCode(status.role());
    int state = status == null ? 6 : stateCode(status.state());
    long seconds =
        status == null || status.since() == null
            ? 0
            : Math.max(0, Duration.between(status.since(), clock.instant()).toSeconds());
    values.put(scalar(SuiteMib.FAILOVER_ROLE), new Integer32(role));
    values.put(scalar(SuiteMib.FAILOVER_STATE), new Integer32(state));
    values.put(scalar(SuiteMib.FAILOVER_STATE_SECONDS), gauge(seconds));
    values.put(
        scalar(SuiteMib.FAILOVER_PARTNER_STATE),
        new Integer32(
            status == null || status.partnerState() == null
                ? 7
                : stateCode(status.partnerState())));
    values.put(
        scalar(SuiteMib.FAILOVER_PARTNER_ADDRESS),
        new OctetString(
            status == null || status.partnerAddress() == null ? "" : status.partnerAddress()));
    values.put(
        scalar(SuiteMib.FAILOVER_HEARTBEAT_AGE),
        new Integer32(status == null ? -1 : clampInt(status.lastHeartbeatAgeMillis())));
    values.put(
        scalar(SuiteMib.FAILOVER_LAG_RECORDS), gauge(status == null ? 0 : status.lagRecords()));
    values.put(
        scalar(SuiteMib.FAILOVER_LAG_MILLIS), gauge(status == null ? 0 : status.lagMillis()));
    values.put(
        scalar(SuiteMib.FAILOVER_CONFLICTS),
        new Counter64(status == null ? 0 : Math.max(0, status.conflicts())));
    values.put(
        scalar(SuiteMib.FAILOVER_CLOCK_SKEW),
        new Integer32(status == null ? 0 : clampInt(status.clockSkewMillis())));
  }

  /** PsPairRole. */
  static int roleCode(String role) {
    return switch (role == null ? "" : role.toLowerCase(Locale.ROOT)) {
      case "primary" -> 2;
      case "secondary" -> 3;
      default -> 1;
    };
  }

  /** PsPairState. */
  static int stateCode(String state) {
    return switch (state == null ? "" : state.toUpperCase(Locale.ROOT)) {
      case "STARTUP" -> 1;
      case "SYNCING" -> 2;
      case "NORMAL" -> 3;
      case "PARTNER_DOWN" -> 4;
      case "RECOVERING" -> 5;
      case "STANDALONE" -> 6;
      default -> 7;
    };
  }

  /** A Gauge32 latches at its bounds (RFC 2578 §7.1.7). */
  static Gauge32 gauge(long value) {
    return new Gauge32(Math.max(0, Math.min(value, GAUGE32_MAX)));
  }

  private static int clampInt(long value) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }

  /** PsText: UTF-8, at most 1024 octets, cut at a character boundary. */
  static OctetString text(String text) {
    byte[] octets = text.getBytes(StandardCharsets.UTF_8);
    if (octets.length <= TEXT_MAX) {
      return new OctetString(octets);
    }
    int end = TEXT_MAX;
    while (end > 0 && (octets[end] & 0xc0) == 0x80) {
      end--; // do not split a multi-octet character
    }
    return new OctetString(java.util.Arrays.copyOf(octets, end));
  }
}
