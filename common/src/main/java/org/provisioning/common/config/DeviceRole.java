package org.provisioning.common.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What kind of device a client class holds, for the policies that treat them differently. */
public enum DeviceRole {
  MODEM,
  MTA,
  CPE;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
