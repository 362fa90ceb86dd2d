package org.provisioning.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * SNMP for the network management system: notifications (traps and informs) of every alert raised
 * and cleared, to each receiver in {@code traps}, and an agent answering GET, GETNEXT and GETBULK
 * for the statistics, the pools and the failover state under the suite's MIB
 * (PROVISIONING-SUITE-MIB, shipped in {@code mibs/}).
 *
 * @param engineId this server's SNMPv3 engine ID in hex (5 to 32 octets), what a receiver of v3
 *     traps configures its user under; null derives it from {@code server.name} (RFC 3411 format 4:
 *     enterprise 32473, then the name as text)
 * @param minSeverity alerts below this (info, warning, critical) are not sent; a receiver may say
 *     otherwise
 * @param events if not empty, only alerts with these event names are sent; a receiver may say
 *     otherwise
 * @param traps the receivers, each with its own queue, retries and counters
 * @param agent the agent, off unless enabled
 */
public record SnmpConfig(
    String engineId,
    String minSeverity,
    List<String> events,
    List<SnmpTrapReceiverConfig> traps,
    SnmpAgentConfig agent) {

  public SnmpConfig {
    minSeverity = minSeverity == null ? "warning" : minSeverity;
    events = events == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(events));
    traps = traps == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(traps));
    agent = agent == null ? SnmpAgentConfig.defaults() : agent;
  }

  /** No receivers, the agent off. */
  public static SnmpConfig defaults() {
    return new SnmpConfig(null, null, null, null, null);
  }
}
