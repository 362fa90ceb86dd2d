package org.provisioning.dhcp.engine;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dhcp.message.DhcpMessageType;

/**
 * The engine's counters, looked up once: a registry lookup per packet would cost more than the
 * packet. Names: {@code dhcp.received.<type>}, {@code dhcp.sent.<type>}, {@code
 * dhcp.dropped.<reason>}, {@code dhcp.leases.<state>}.
 */
public final class DhcpStatistics {
  private final StatisticsRegistry registry;
  private final Map<DhcpMessageType, Counter> received = new EnumMap<>(DhcpMessageType.class);
  private final Map<DhcpMessageType, Counter> sent = new EnumMap<>(DhcpMessageType.class);
  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final long[] leasesByState = new long[LeaseState.values().length + 1];

  public DhcpStatistics(StatisticsRegistry registry) {
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
