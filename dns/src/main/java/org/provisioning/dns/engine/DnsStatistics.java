package org.provisioning.dns.engine;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.LatencyHistogram;
import org.provisioning.common.stats.StatisticsRegistry;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The DNS counters: {@code dns.query.<type>}, {@code dns.rcode.<rcode>}, {@code
 * dns.dropped.<reason>}, {@code dns.update.accepted}, {@code dns.update.refused}, {@code
 * dns.transfer.<granted|refused>} and the {@code dns.latency} histogram.
 */
public final class DnsStatistics {
  private final StatisticsRegistry registry;
  private final ConcurrentMap<Integer, Counter> byType = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, Counter> byRcode = new ConcurrentHashMap<>();
  final Counter updateAccepted;
  final Counter updateRefused;
  final Counter transferGranted;
  final Counter transferRefused;
  final Counter malformed;
  final Counter unanswerable;
  final LatencyHistogram latency;

  public DnsStatistics(StatisticsRegistry registry) {
    this.registry = registry;
    this.updateAccepted = registry.counter("dns.update.accepted");
    this.updateRefused = registry.counter("dns.update.refused");
    this.transferGranted = registry.counter("dns.transfer.granted");
    this.transferRefused = registry.counter("dns.transfer.refused");
    this.malformed = registry.counter("dns.dropped.malformed");
    this.unanswerable = registry.counter("dns.dropped.no_header");
    this.latency = new LatencyHistogram(registry, "dns.latency");
  }

  public StatisticsRegistry registry() {
    return registry;
  }

  void query(int type) {
    byType
        .computeIfAbsent(type, t -> registry.counter("dns.query." + label(Type.string(t))))
        .increment();
  }

  void rcode(int rcode) {
    byRcode
        .computeIfAbsent(rcode, r -> registry.counter("dns.rcode." + label(Rcode.string(r))))
        .increment();
  }

  void updateRefusedIfUpdate(int opcode) {
    if (opcode == org.xbill.DNS.Opcode.UPDATE) {
      updateRefused.increment();
    }
  }

  private static String label(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }
}
