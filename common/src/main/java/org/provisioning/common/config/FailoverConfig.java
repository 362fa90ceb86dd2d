package org.provisioning.common.config;

import org.provisioning.common.net.Ipv4Address;

/**
 * The failover pair. The timers are chosen so that a dead or hung partner is noticed within half a
 * second while a busy one never is: the dead-partner timeout must be at least three heartbeat
 * intervals.
 *
 * @param peer the partner's address; null until pairing ({@code provisionctl failover init})
 */
public record FailoverConfig(
    FailoverRole role,
    Ipv4Address listen,
    Ipv4Address peer,
    Integer port,
    Integer heartbeatMillis,
    Integer deadAfterMillis) {

  public FailoverConfig {
    role = role == null ? FailoverRole.STANDALONE : role;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 8647 : port;
    heartbeatMillis = heartbeatMillis == null ? 50 : heartbeatMillis;
    deadAfterMillis = deadAfterMillis == null ? 300 : deadAfterMillis;
  }
}
