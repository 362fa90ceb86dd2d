package org.provisioning.common.config;

import org.provisioning.common.net.Ipv4Range;

/**
 * A range of addresses to hand out, with its two high-water marks (percent of the pool in use) at
 * which a warning and then a critical alert are raised.
 */
public record PoolConfig(Ipv4Range range, Integer warningPercent, Integer criticalPercent) {

  public PoolConfig {
    warningPercent = warningPercent == null ? 80 : warningPercent;
    criticalPercent = criticalPercent == null ? 95 : criticalPercent;
  }
}
