package org.provisioning.common.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What this server is in its headend pair. */
public enum FailoverRole {
  /** No partner: serves alone. */
  STANDALONE,
  /** Serves clients (bottom-up) while the pair is normal. */
  PRIMARY,
  /** Stands by and replicates; serves (top-down) only when the primary is gone. */
  SECONDARY;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
