package org.provisioning.common.config;

import java.util.List;

/**
 * A class of clients (cable modems, eMTAs, CPE, unknown modems for the walled garden). Classes are
 * tried in order and the first whose every given condition matches wins. Pools name the classes
 * they serve; the class adds options and its lease time.
 *
 * @param role what the devices are: {@code modem}, {@code mta} or {@code cpe}; CPE limits and the
 *     option 82 requirement count CPE
 * @param leaseTime seconds; null for the subnet's
 */
public record ClientClassConfig(
    String name,
    ClientClassMatch match,
    DeviceRole role,
    Long leaseTime,
    DhcpOptionsConfig options) {

  public ClientClassConfig {
    match = match == null ? new ClientClassMatch(null, null, null, null, null, null) : match;
    role = role == null ? DeviceRole.CPE : role;
    options = options == null ? DhcpOptionsConfig.NONE : options;
  }

  /**
   * The conditions of a class; every one given must hold, none given matches everyone.
   *
   * @param vendorClassPrefix option 60 starts with this ({@code docsis}, {@code pktc})
   * @param macPrefixes the client's MAC starts with one of these ({@code 00:11:22})
   * @param circuitId option 82 circuit-id equals this (hex octets {@code 01:02} or text)
   * @param remoteId option 82 remote-id equals this (hex octets or text)
   * @param reserved the client has (true) or has no (false) host reservation: "unknown modem"
   * @param modemKnown the modem named by the option 82 remote-id (a CPE's modem) has a reservation
   *     or a lease
   */
  public record ClientClassMatch(
      String vendorClassPrefix,
      List<String> macPrefixes,
      String circuitId,
      String remoteId,
      Boolean reserved,
      Boolean modemKnown) {

    public ClientClassMatch {
      macPrefixes = macPrefixes == null ? List.of() : List.copyOf(macPrefixes);
    }
  }
}
