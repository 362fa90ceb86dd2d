package org.provisioning.common.config;

/**
 * The whole config of one server, every service included: the one document that the config file,
 * the API and the failover peer exchange. Immutable; a missing section takes its defaults.
 */
public record ProvisioningConfig(
    ServerConfig server,
    ManagementConfig management,
    DhcpConfig dhcp,
    TftpConfig tftp,
    DnsConfig dns,
    TodConfig tod,
    FailoverConfig failover,
    AlertsConfig alerts) {

  public ProvisioningConfig {
    server = server == null ? new ServerConfig(null, null, null) : server;
    management =
        management == null ? new ManagementConfig(null, null, null, null, null, null) : management;
    dhcp =
        dhcp == null
            ? new DhcpConfig(null, null, null, null, null, null, null, null, null, null, null, null)
            : dhcp;
    tftp = tftp == null ? TftpConfig.defaults() : tftp;
    dns = dns == null ? DnsConfig.defaults() : dns;
    tod = tod == null ? TodConfig.defaults() : tod;
    failover = failover == null ? new FailoverConfig(null, null, null, null, null, null) : failover;
    alerts = alerts == null ? new AlertsConfig(null, null, null, null) : alerts;
  }
}
