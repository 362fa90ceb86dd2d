package org.provisioning.console.snmp;

import static org.provisioning.common.stats.StatisticDefinition.counter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.snmp4j.event.CounterEvent;
import org.snmp4j.event.CounterListener;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.OID;

/**
 * The agent's standard counters: those of the snmp group (SNMPv2-MIB, RFC 3418), the message
 * processing counters (SNMP-MPD-MIB, RFC 3412) and usmStats (RFC 3414). SNMP4J fires them as {@link
 * CounterEvent}s; each is kept in the statistics registry ({@code snmp.agent.in.*}, {@code
 * snmp.agent.usm.*}) and served at its standard OID, so a message dropped for a bad community or a
 * wrong key is visible in the API, Prometheus and SNMP alike.
 */
public final class AgentCounters implements CounterListener {

  public static final List<StatisticDefinition> STATISTICS =
      List.of(
          counter(
              "snmp.agent.in.{counter}",
              "messages",
              "SNMP messages the agent received (pkts), and those it dropped unanswered or refused,"
                  + " by SNMPv2-MIB or SNMP-MPD-MIB counter (bad_versions, bad_community_names,"
                  + " bad_community_uses, asn_parse_errs, invalid_msgs, unknown_security_models,"
                  + " unknown_pdu_handlers, silent_drops, proxy_drops)."),
          counter(
              "snmp.agent.usm.{counter}",
              "messages",
              "SNMPv3 messages the agent dropped unanswered, by usmStats counter of RFC 3414"
                  + " (unsupported_sec_levels, not_in_time_windows, unknown_user_names, wrong_digests,"
                  + " decryption_errors); unknown_engine_ids are discovery probes, answered with a"
                  + " report."),
          counter(
              "snmp.agent.requests.{pdu}",
              "requests",
              "SNMP requests the agent answered, by PDU type (get, getnext, getbulk, set)."));

  private final Map<OID, Counter> byOid = new LinkedHashMap<>();
  private final Counter badCommunityNames;
  private final Counter badCommunityUses;
  private final Counter silentDrops;

  AgentCounters(StatisticsRegistry stats) {
    stats.declare(STATISTICS);
    in(stats, SnmpConstants.snmpInPkts, "pkts");
    in(stats, SnmpConstants.snmpInBadVersions, "bad_versions");
    badCommunityNames = in(stats, SnmpConstants.snmpInBadCommunityNames, "bad_community_names");
    badCommunityUses = in(stats, SnmpConstants.snmpInBadCommunityUses, "bad_community_uses");
    in(stats, SnmpConstants.snmpInASNParseErrs, "asn_parse_errs");
    silentDrops = in(stats, SnmpConstants.snmpSilentDrops, "silent_drops");
    in(stats, SnmpConstants.snmpProxyDrops, "proxy_drops");
    in(stats, SnmpConstants.snmpUnknownSecurityModels, "unknown_security_models");
    in(stats, SnmpConstants.snmpInvalidMsgs, "invalid_msgs");
    in(stats, SnmpConstants.snmpUnknownPDUHandlers, "unknown_pdu_handlers");
    usm(stats, SnmpConstants.usmStatsUnsupportedSecLevels, "unsupported_sec_levels");
    usm(stats, SnmpConstants.usmStatsNotInTimeWindows, "not_in_time_windows");
    usm(stats, SnmpConstants.usmStatsUnknownUserNames, "unknown_user_names");
    usm(stats, SnmpConstants.usmStatsUnknownEngineIDs, "unknown_engine_ids");
    usm(stats, SnmpConstants.usmStatsWrongDigests, "wrong_digests");
    usm(stats, SnmpConstants.usmStatsDecryptionErrors, "decryption_errors");
  }

  private Counter in(StatisticsRegistry stats, OID oid, String name) {
    Counter counter = stats.counter("snmp.agent.in." + name);
    byOid.put(oid, counter);
    return counter;
  }

  private void usm(StatisticsRegistry stats, OID oid, String name) {
    byOid.put(oid, stats.counter("snmp.agent.usm." + name));
  }

  static String requestStatistic(String pdu) {
    return "snmp.agent.requests." + pdu.toLowerCase(Locale.ROOT);
  }

  @Override
  public void incrementCounter(CounterEvent event) {
    Counter counter = byOid.get(event.getOid());
    if (counter != null) {
      counter.increment();
      // A report carries the counter's value (RFC 3412 §7.1.3), wrapped as a Counter32 does:
      // snmp4j refuses one above 2^32-1 on the agent's receive thread, which then dies, and the
      // agent stayed silent for good once 2^32 datagrams had come.
      event.setCurrentValue(new Counter32(counter.get() & 0xffff_ffffL));
    }
  }

  void badCommunityName() {
    badCommunityNames.increment();
  }

  void badCommunityUse() {
    badCommunityUses.increment();
  }

  void silentDrop() {
    silentDrops.increment();
  }

  /** Every counter by its standard instance OID, for the agent to serve as Counter32. */
  Map<OID, Counter> standard() {
    return byOid;
  }
}
