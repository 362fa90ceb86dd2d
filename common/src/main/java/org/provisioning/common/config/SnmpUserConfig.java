package org.provisioning.common.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * An SNMPv3 user of the User-based Security Model (RFC 3414), always with authentication and
 * privacy: HMAC-SHA-2 (RFC 7860) and AES-128 (RFC 3826). The keys are passphrases of at least 8
 * characters (RFC 3414 §11.2), localized to the authoritative engine as RFC 3414 A.2 says.
 *
 * @param name the user (security) name, 1 to 32 characters
 */
public record SnmpUserConfig(
    String name,
    AuthProtocol authProtocol,
    @Secret String authKey,
    PrivProtocol privProtocol,
    @Secret String privKey) {

  /** HMAC-SHA-2 authentication protocols of RFC 7860; MD5 and SHA-1 are not offered. */
  public enum AuthProtocol {
    SHA256,
    SHA384,
    SHA512;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Privacy protocols: AES-128 in CFB mode (RFC 3826), the one net-snmp and SNMP4J agree on. */
  public enum PrivProtocol {
    AES128;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SnmpUserConfig {
    authProtocol = authProtocol == null ? AuthProtocol.SHA256 : authProtocol;
    privProtocol = privProtocol == null ? PrivProtocol.AES128 : privProtocol;
  }

  @Override
  public String toString() {
    return "SnmpUserConfig[name="
        + name
        + ", authProtocol="
        + authProtocol.label()
        + ", authKey=***, privProtocol="
        + privProtocol.label()
        + ", privKey=***]";
  }
}
