package org.provisioning.dhcp.engine;

import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;
import static org.provisioning.common.stats.StatisticDefinition.histogram;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dhcp.message.DhcpMessageType;

/**
 * The engine's counters, looked up once: a registry lookup per packet would cost more than the
 * packet. Names: {@code dhcp.received.<type>}, {@code dhcp.sent.<type>}, {@code
 * dhcp.dropped.<reason>}, {@code dhcp.leases.<state>}.
 */
public final class DhcpStatistics {
  /** Every statistic of the DHCP server, the engine's and the socket's. */
  public static final List<StatisticDefinition> DEFINITIONS =
      List.of(
          counter("dhcp.received.{type}", "messages", "DHCP messages received, by message type."),
          counter("dhcp.sent.{type}", "messages", "DHCP replies sent, by message type."),
          counter(
              "dhcp.dropped.{reason}",
              "messages",
              "DHCP messages dropped without a reply, by reason (malformed, not for this server,"
                  + " pool full, standing by...)."),
          counter(
              "dhcp.decode_errors.{reason}",
              "messages",
              "Malformed DHCP packets, by what was wrong with them."),
          counter("dhcp.send_failures", "messages", "Replies the socket could not send or encode."),
          counter(
              "dhcp.replies_trimmed",
              "messages",
              "Replies too large for their client, sent with only the options it asked for."),
          counter(
              "dhcp.journal_failures",
              "messages",
              "Lease changes the state bus could not make durable (no reply was sent)."),
          gauge("dhcp.leases.{state}", "leases", "Leases in the store, by state."),
          gauge(
              "dhcp.offers.pending", "offers", "Addresses offered and held for their client now."),
          gauge(
              "dhcp.held_for_partner",
              "addresses",
              "Addresses kept for their last client while a failover server serves before a"
                  + " sync (started alone, or a primary syncing): its partner may have renewed"
                  + " their leases meanwhile (until a sync, or the longest lease time)."),
          histogram(
              "dhcp.latency_us",
              "Time from a request's arrival to its reply's sending, durable commit included."),
          gauge("dhcp.pool.{pool}.size", "addresses", "Addresses in the pool."),
          gauge("dhcp.pool.{pool}.used", "addresses", "Addresses of the pool in use."),
          gauge("dhcp.pool.{pool}.free", "addresses", "Addresses of the pool free to offer."),
          gauge(
              "dhcp.pool.{pool}.utilisation_percent",
              "percent",
              "Share of the pool's addresses in use."),
          gauge(
              "dhcp.pool.{pool}.peak_used",
              "addresses",
              "The most addresses of the pool in use at once since the config was applied."),
          gauge(
              "dhcp.pool.{pool}.warning_percent",
              "percent",
              "The pool's warning high-water mark (warningPercent)."),
          gauge(
              "dhcp.pool.{pool}.critical_percent",
              "percent",
              "The pool's critical high-water mark (criticalPercent)."),
          gauge(
              "dhcp.pool.{pool}.high_water_level",
              "level",
              "Which high-water mark the pool is at: 0 under both, 1 warning, 2 critical."));

  private final StatisticsRegistry registry;
  private final Map<DhcpMessageType, Counter> received = new EnumMap<>(DhcpMessageType.class);
  private final Map<DhcpMessageType, Counter> sent = new EnumMap<>(DhcpMessageType.class);
  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final long[] leasesByState = new long[LeaseState.values().length + 1];

  public DhcpStatistics(StatisticsRegistry registry) {
    registry.declare(DEFINITIONS);
    this.registry = registry;
    for (DhcpMessageType type : DhcpMessageType.values()) {
      received.put(type, registry.counter("dhcp.received." + type.name().toLowerCase(Locale.ROOT)));
    }
    for (DhcpMessageType type :
        new DhcpMessageType[] {DhcpMessageType.OFFER, DhcpMessageType.ACK, DhcpMessageType.NAK}) {
      sent.put(type, registry.counter("dhcp.sent." + type.name().toLowerCase(Locale.ROOT)));
    }
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, registry.counter("dhcp.dropped." + reason.label()));
    }
    for (LeaseState state : LeaseState.values()) {
      registry.gauge(
          "dhcp.leases." + state.name().toLowerCase(Locale.ROOT),
          () -> leasesByState[state.code()]);
    }
  }

  public StatisticsRegistry registry() {
    return registry;
  }

  void received(DhcpMessageType type) {
    received.get(type).increment();
  }

  void sent(DhcpMessageType type) {
    sent.get(type).increment();
  }

  void dropped(DropReason reason) {
    dropped.get(reason).increment();
  }

  /** Keeps the per-state lease counts as leases change. */
  void leaseChanged(LeaseState from, LeaseState to) {
    if (from != null) {
      leasesByState[from.code()]--;
    }
    leasesByState[to.code()]++;
  }

  void resetLeaseCounts() {
    java.util.Arrays.fill(leasesByState, 0);
  }
}
