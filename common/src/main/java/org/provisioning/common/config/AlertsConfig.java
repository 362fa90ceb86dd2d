package org.provisioning.common.config;

/**
 * Where alerts go.
 *
 * @param historyLimit how many raised and cleared alerts the console keeps
 * @param snmp SNMP traps and informs for alerts, and the SNMP agent for polling
 * @param email alert mails through an SMTP server; null (the default) sends none
 * @param syslog alerts as RFC 5424 syslog messages; null (the default) sends none
 */
public record AlertsConfig(
    Integer historyLimit, SnmpConfig snmp, EmailAlertsConfig email, SyslogAlertsConfig syslog) {

  public AlertsConfig {
    historyLimit = historyLimit == null ? 1000 : historyLimit;
    snmp = snmp == null ? SnmpConfig.defaults() : snmp;
  }
}
