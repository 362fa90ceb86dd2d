package org.provisioning.common.config;

/**
 * Where alerts go.
 *
 * @param historyLimit how many raised and cleared alerts the console keeps
 * @param snmp SNMP traps and informs for alerts, and the SNMP agent for polling
 */
public record AlertsConfig(Integer historyLimit, SnmpConfig snmp) {

  public AlertsConfig {
    historyLimit = historyLimit == null ? 1000 : historyLimit;
    snmp = snmp == null ? SnmpConfig.defaults() : snmp;
  }
}
