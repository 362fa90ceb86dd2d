package org.provisioning.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.provisioning.common.net.Ipv4Address;

/**
 * One manager that receives the alerts as SNMP notifications: a v2c trap or inform with a community
 * (RFC 1901, 3416), or a v3 trap or inform signed and encrypted for a USM user (RFC 3414, SHA-2 of
 * RFC 7860, AES of RFC 3826). A trap is sent once; an inform is acknowledged by the receiver, so a
 * lost one is noticed, counted and sent again.
 *
 * @param port UDP port of the receiver, 162 unless given
 * @param version v2c or v3
 * @param inform true for informs (acknowledged), false for traps
 * @param community the v2c community the receiver accepts
 * @param user the v3 user the receiver knows (for v3 informs without engine ID, for v3 traps under
 *     this server's engine ID, see {@link SnmpConfig#engineId})
 * @param minSeverity overrides {@code alerts.snmp.minSeverity} for this receiver when given
 * @param events overrides {@code alerts.snmp.events} for this receiver when not empty
 * @param timeoutMillis how long an inform waits for its acknowledgement
 * @param retries attempts after the first before an alert is given up (doubling backoff)
 */
public record SnmpTrapReceiverConfig(
    Ipv4Address address,
    Integer port,
    SnmpVersion version,
    Boolean inform,
    @Secret String community,
    SnmpUserConfig user,
    String minSeverity,
    List<String> events,
    Integer timeoutMillis,
    Integer retries) {

  public SnmpTrapReceiverConfig {
    port = port == null ? 162 : port;
    version = version == null ? SnmpVersion.V2C : version;
    inform = inform != null && inform;
    events = events == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(events));
    timeoutMillis = timeoutMillis == null ? 2000 : timeoutMillis;
    retries = retries == null ? 3 : retries;
  }

  @Override
  public String toString() {
    return "SnmpTrapReceiverConfig[address="
        + address
        + ", port="
        + port
        + ", version="
        + version
        + ", inform="
        + inform
        + ", community="
        + (community == null ? null : "***")
        + ", user="
        + user
        + "]";
  }
}
