package org.provisioning.dns.engine;

import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;
import static org.provisioning.common.stats.StatisticDefinition.histogram;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.LatencyHistogram;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The DNS counters: {@code dns.query.<type>}, {@code dns.rcode.<rcode>}, {@code
 * dns.dropped.<reason>}, {@code dns.update.accepted}, {@code dns.update.refused}, {@code
 * dns.update.ignored.cname}, {@code dns.transfer.<granted|refused|held>}, {@code
 * dns.transfer.ixfr.<incremental|full|current>}, {@code dns.notify.received}, {@code
 * dns.answer_cache.hits} and the {@code dns.latency} histogram.
 */
public final class DnsStatistics {
  /** Every statistic of the DNS service, dynamic DNS from DHCP included. */
  public static final List<StatisticDefinition> DEFINITIONS =
      List.of(
          counter(
              "dns.query.{type}",
              "queries",
              "DNS queries received, by query type (types other than the usual ones as other)."),
          counter("dns.rcode.{rcode}", "responses", "DNS responses sent, by response code."),
          counter(
              "dns.dropped.{reason}",
              "messages",
              "DNS messages dropped without an answer (malformed, no readable header...)."),
          counter(
              "dns.update.{result}",
              "updates",
              "RFC 2136 updates accepted or refused (key, policy, prerequisites)."),
          counter(
              "dns.transfer.{result}",
              "transfers",
              "Zone transfers (AXFR, IXFR) granted, refused, or held (asked while the zones'"
                  + " names are published again after a start or a rebuild: SERVFAIL)."),
          counter(
              "dns.negative_held",
              "answers",
              "Negative answers (NXDOMAIN, NODATA) given as SERVFAIL while the zones' dynamic"
                  + " names are published again after a start or a rebuild: not to be cached."),
          histogram("dns.latency", "Time to answer a DNS message."),
          counter("dns.ddns.added", "names", "Names (A, PTR, DHCID) added for DHCP leases."),
          counter("dns.ddns.removed", "names", "Names removed for released or expired leases."),
          counter(
              "dns.ddns.conflict",
              "names",
              "Names not taken because another client holds them (RFC 4703)."),
          counter(
              "dns.ddns.failed",
              "updates",
              "Dynamic updates to an external DNS server that failed (retried with backoff)."),
          counter("dns.ddns.retried", "updates", "Dynamic updates tried again."),
          gauge("dns.ddns.queue", "updates", "Dynamic DNS changes waiting to be made."),
          counter(
              "dns.notify.{result}",
              "messages",
              "NOTIFY (RFC 1996) sent to secondaries, answered, refused or given up by them,"
                  + " and received from others."),
          counter(
              "dns.transfer.ixfr.{answer}",
              "transfers",
              "IXFR answers (RFC 1995): incremental, the whole zone, or the SOA alone (current)."),
          counter(
              "dns.update.ignored.cname",
              "records",
              "Update records ignored because they would put a CNAME beside other data."),
          gauge("dns.tcp.connections", "connections", "DNS TCP connections open now."),
          counter(
              "dns.tcp.evicted",
              "connections",
              "TCP connections closed to make room: the one idle the longest, at the limit."),
          counter(
              "dns.tcp.idle_closed",
              "connections",
              "TCP connections closed after completing no message for the idle time."),
          counter(
              "dns.answer_cache.hits",
              "queries",
              "Queries answered from kept wire answers, without parsing or lookup."));

  private final StatisticsRegistry registry;
  private final Map<Integer, Counter> byType = new HashMap<>();
  private final Map<Integer, Counter> byRcode = new HashMap<>();
  final Counter updateAccepted;
  final Counter updateRefused;
  final Counter updateCnameIgnored;
  final Counter transferGranted;
  final Counter transferRefused;
  final Counter transferHeld;
  final Counter negativeHeld;
  final Counter ixfrIncremental;
  final Counter ixfrFull;
  final Counter ixfrCurrent;
  final Counter notifyReceived;
  final Counter cacheHits;
  final Counter malformed;
  final Counter unanswerable;
  final LatencyHistogram latency;
  private final Counter otherType;
  private final Counter otherRcode;

  public DnsStatistics(StatisticsRegistry registry) {
    registry.declare(DEFINITIONS);
    this.registry = registry;
    this.updateAccepted = registry.counter("dns.update.accepted");
    this.updateRefused = registry.counter("dns.update.refused");
    this.updateCnameIgnored = registry.counter("dns.update.ignored.cname");
    this.transferGranted = registry.counter("dns.transfer.granted");
    this.transferHeld = registry.counter("dns.transfer.held");
    this.negativeHeld = registry.counter("dns.negative_held");
    this.transferRefused = registry.counter("dns.transfer.refused");
    this.ixfrIncremental = registry.counter("dns.transfer.ixfr.incremental");
    this.ixfrFull = registry.counter("dns.transfer.ixfr.full");
    this.ixfrCurrent = registry.counter("dns.transfer.ixfr.current");
    this.notifyReceived = registry.counter("dns.notify.received");
    this.cacheHits = registry.counter("dns.answer_cache.hits");
    this.malformed = registry.counter("dns.dropped.malformed");
    this.unanswerable = registry.counter("dns.dropped.no_header");
    this.latency = new LatencyHistogram(registry, "dns.latency");
    // At zero from the start, so monitoring sees the usual types and codes before they happen.
    for (int type : KNOWN_TYPES) {
      byType.put(type, registry.counter("dns.query." + label(Type.string(type))));
    }
    for (int rcode : KNOWN_RCODES) {
      byRcode.put(rcode, registry.counter("dns.rcode." + label(Rcode.string(rcode))));
    }
    this.otherType = registry.counter("dns.query.other");
    this.otherRcode = registry.counter("dns.rcode.other");
  }

  /** The query types a provisioning DNS sees: lookups, updates' DHCID, transfers. */
  private static final int[] KNOWN_TYPES = {
    Type.A,
    Type.NAPTR,
    Type.CAA,
    Type.DS,
    Type.DNSKEY,
    Type.HTTPS,
    Type.AAAA,
    Type.PTR,
    Type.SOA,
    Type.NS,
    Type.CNAME,
    Type.MX,
    Type.TXT,
    Type.SRV,
    Type.DHCID,
    Type.ANY,
    Type.AXFR,
    Type.IXFR
  };

  /** The response codes of RFC 1035 and RFC 2136 that this server can answer with. */
  private static final int[] KNOWN_RCODES = {
    Rcode.NOERROR,
    Rcode.FORMERR,
    Rcode.SERVFAIL,
    Rcode.NXDOMAIN,
    Rcode.NOTIMP,
    Rcode.REFUSED,
    Rcode.YXDOMAIN,
    Rcode.YXRRSET,
    Rcode.NXRRSET,
    Rcode.NOTAUTH,
    Rcode.NOTZONE
  };

  public StatisticsRegistry registry() {
    return registry;
  }

  void query(int type) {
    queryCounter(type).increment();
  }

  void rcode(int rcode) {
    rcodeCounter(rcode).increment();
  }

  /**
   * The counter of a query type: one of {@link #KNOWN_TYPES}, else {@code dns.query.other}. Any
   * client picks the type, and a statistic for each of the 65,536 would grow every scrape, walk and
   * history sample without bound.
   */
  Counter queryCounter(int type) {
    Counter known = byType.get(type);
    return known != null ? known : otherType;
  }

  Counter rcodeCounter(int rcode) {
    Counter known = byRcode.get(rcode);
    return known != null ? known : otherRcode;
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
