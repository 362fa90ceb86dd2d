package org.provisioning.common.config;

import java.util.List;
import org.provisioning.common.net.Ipv4Range;

/**
 * A range of addresses to hand out, the classes it serves, and its two high-water marks (percent of
 * the pool in use) at which a warning and then a critical alert are raised.
 *
 * @param name used in statistics and alerts; defaults to the range
 * @param classes only clients of these classes draw from the pool; empty for any client
 */
public record PoolConfig(
    String name,
    Ipv4Range range,
    List<String> classes,
    Integer warningPercent,
    Integer criticalPercent) {

  public PoolConfig {
    classes = classes == null ? List.of() : List.copyOf(classes);
    warningPercent = warningPercent == null ? 80 : warningPercent;
    criticalPercent = criticalPercent == null ? 95 : criticalPercent;
  }

  /** The name for statistics and alerts: the given one, or the range. */
  public String label() {
    return name != null ? name : String.valueOf(range);
  }
}
