package org.provisioning.common.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The SNMP versions the suite speaks: v2c with communities, v3 with USM. */
public enum SnmpVersion {
  V2C,
  V3;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
