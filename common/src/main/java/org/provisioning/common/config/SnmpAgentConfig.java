package org.provisioning.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.provisioning.common.net.Ipv4Address;

/**
 * The SNMP agent: read-only access to the statistics, pools and failover state. Off by default and
 * on loopback by default when on: exposing it is a decision the operator makes in the config.
 *
 * @param community the v2c read-only community; null for no v2c access
 * @param users the v3 users allowed to read (authPriv only)
 */
public record SnmpAgentConfig(
    Boolean enabled,
    Ipv4Address listen,
    Integer port,
    @Secret String community,
    List<SnmpUserConfig> users) {

  public SnmpAgentConfig {
    enabled = enabled != null && enabled;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 161 : port;
    users = users == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(users));
  }

  /** Off, on loopback port 161 once enabled, with no community and no user. */
  public static SnmpAgentConfig defaults() {
    return new SnmpAgentConfig(null, null, null, null, null);
  }

  @Override
  public String toString() {
    return "SnmpAgentConfig[enabled="
        + enabled
        + ", listen="
        + listen
        + ", port="
        + port
        + ", community="
        + (community == null ? null : "***")
        + ", users="
        + users
        + "]";
  }
}
