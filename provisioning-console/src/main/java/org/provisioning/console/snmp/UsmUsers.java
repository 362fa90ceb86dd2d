package org.provisioning.console.snmp;

import org.provisioning.common.config.SnmpUserConfig;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;

/** The USM users of the config, as SNMP4J's {@link UsmUser}s, and the protocols they may use. */
final class UsmUsers {
  private UsmUsers() {}

  /**
   * The protocols of one engine: HMAC-SHA-2 (RFC 7860) and AES-128 (RFC 3826) only, in a set of its
   * own rather than SNMP4J's process-wide default, so nothing else can widen it.
   */
  static SecurityProtocols protocols() {
    SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
    protocols.addAuthenticationProtocol(new AuthHMAC192SHA256());
    protocols.addAuthenticationProtocol(new AuthHMAC256SHA384());
    protocols.addAuthenticationProtocol(new AuthHMAC384SHA512());
    protocols.addPrivacyProtocol(new PrivAES128());
    return protocols;
  }

  static UsmUser user(SnmpUserConfig user) {
    return new UsmUser(
        new OctetString(user.name()),
        auth(user.authProtocol()),
        new OctetString(user.authKey()),
        priv(user.privProtocol()),
        new OctetString(user.privKey()));
  }

  static OID auth(SnmpUserConfig.AuthProtocol protocol) {
    return switch (protocol) {
      case SHA256 -> AuthHMAC192SHA256.ID;
      case SHA384 -> AuthHMAC256SHA384.ID;
      case SHA512 -> AuthHMAC384SHA512.ID;
    };
  }

  static OID priv(SnmpUserConfig.PrivProtocol protocol) {
    return switch (protocol) {
      case AES128 -> PrivAES128.ID;
    };
  }
}
