package org.provisioning.common.config;

/**
 * Where alerts go.
 *
 * @param historyLimit how many raised and cleared alerts the console keeps
 * @param email alert mails through an SMTP server; null (the default) sends none
 * @param syslog alerts as RFC 5424 syslog messages; null (the default) sends none
 */
public record AlertsConfig(
    Integer historyLimit, EmailAlertsConfig email, SyslogAlertsConfig syslog) {

  public AlertsConfig {
    historyLimit = historyLimit == null ? 1000 : historyLimit;
  }
}
