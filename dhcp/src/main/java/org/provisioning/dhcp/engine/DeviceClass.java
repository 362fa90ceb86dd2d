package org.provisioning.dhcp.engine;

import java.util.List;
import org.provisioning.common.config.ClientClassConfig;
import org.provisioning.common.config.DeviceRole;
import org.provisioning.common.config.DhcpOptionsConfig;

/**
 * A compiled client class: its conditions as byte patterns, ready to test against a request without
 * parsing text on the hot path.
 */
record DeviceClass(
    int index,
    String name,
    DeviceRole role,
    Long leaseTime,
    DhcpOptionsConfig options,
    String vendorClassPrefix,
    List<byte[]> macPrefixes,
    byte[] circuitId,
    byte[] remoteId,
    Boolean reserved,
    Boolean modemKnown) {

  static DeviceClass compile(int index, ClientClassConfig config) {
    ClientClassConfig.ClientClassMatch match = config.match();
    return new DeviceClass(
        index,
        config.name(),
        config.role(),
        config.leaseTime(),
        config.options(),
        match.vendorClassPrefix(),
        match.macPrefixes().stream().map(Octets::parseHex).toList(),
        match.circuitId() == null ? null : Octets.parseHexOrText(match.circuitId()),
        match.remoteId() == null ? null : Octets.parseHexOrText(match.remoteId()),
        match.reserved(),
        match.modemKnown());
  }

  boolean matches(ClientFacts client) {
    if (vendorClassPrefix != null
        && (client.vendorClass() == null || !client.vendorClass().startsWith(vendorClassPrefix))) {
      return false;
    }
    if (!macPrefixes.isEmpty()
        && macPrefixes.stream().noneMatch(p -> Octets.startsWith(client.hardwareAddress(), p))) {
      return false;
    }
    if (circuitId != null && !java.util.Arrays.equals(circuitId, client.circuitId())) {
      return false;
    }
    if (remoteId != null && !java.util.Arrays.equals(remoteId, client.remoteId())) {
      return false;
    }
    if (reserved != null && reserved != client.reserved()) {
      return false;
    }
    return modemKnown == null || modemKnown == client.modemKnown();
  }
}
