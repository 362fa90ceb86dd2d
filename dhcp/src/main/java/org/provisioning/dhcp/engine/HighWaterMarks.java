package org.provisioning.dhcp.engine;

import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.dhcp.engine.ServingPlan.PoolPlan;

/**
 * The two high-water marks of every pool. A mark is raised when use reaches it and cleared only
 * when use falls {@value #HYSTERESIS_PERCENT} points below it, so a pool hovering at the mark does
 * not flood the operator. Event names: {@code DHCP_POOL_HIGH_WATER_WARNING} and {@code
 * DHCP_POOL_HIGH_WATER_CRITICAL}, subject the pool's name.
 */
final class HighWaterMarks {
  static final String WARNING = "DHCP_POOL_HIGH_WATER_WARNING";
  static final String CRITICAL = "DHCP_POOL_HIGH_WATER_CRITICAL";
  static final int HYSTERESIS_PERCENT = 5;

  private final AlertCenter alerts;

  /** Per pool index: 0 none, 1 warning, 2 critical. */
  private int[] levels = new int[0];

  /** Per pool index: the most addresses in use at once since the config was last applied. */
  private int[] peaks = new int[0];

  HighWaterMarks(AlertCenter alerts) {
    this.alerts = alerts;
  }

  void reset(int poolCount) {
    levels = java.util.Arrays.copyOf(levels, poolCount);
    peaks = new int[poolCount];
  }

  /** The pool's mark now: 0 under both, 1 warning, 2 critical (read from any thread). */
  int level(int poolIndex) {
    int[] current = levels;
    return poolIndex < current.length ? current[poolIndex] : 0;
  }

  /** The most addresses of the pool in use at once since the config was applied. */
  int peak(int poolIndex) {
    int[] current = peaks;
    return poolIndex < current.length ? current[poolIndex] : 0;
  }

  /** Re-judges a pool after its use changed. */
  void check(PoolPlan plan) {
    int used = plan.pool().usedCount();
    int size = plan.pool().size();
    int level = levels[plan.index()];
    if (used > peaks[plan.index()]) {
      peaks[plan.index()] = used;
    }
    int next;
    if (reached(used, size, plan.criticalPercent())
        || (level == 2 && !below(used, size, plan.criticalPercent()))) {
      next = 2;
    } else if (reached(used, size, plan.warningPercent())
        || (level >= 1 && !below(used, size, plan.warningPercent()))) {
      next = 1;
    } else {
      next = 0;
    }
    if (next != level) {
      levels[plan.index()] = next;
      announce(plan, level, next, used, size);
    }
  }

  /** Whether {@code used/size >= percent}, in integers. */
  private static boolean reached(int used, int size, int percent) {
    return 100L * used >= (long) percent * size;
  }

  /** Whether use fell far enough under {@code percent} to clear its mark. */
  private static boolean below(int used, int size, int percent) {
    return 100L * used < (long) (percent - HYSTERESIS_PERCENT) * size;
  }

  private void announce(PoolPlan plan, int from, int to, int used, int size) {
    String subject = plan.pool().name();
    String usage =
        used + " of " + size + " addresses in use (" + (100L * used / Math.max(size, 1)) + " %)";
    if (to == 2) {
      alerts.raise(
          CRITICAL,
          subject,
          AlertSeverity.CRITICAL,
          "pool "
              + subject
              + " reached its critical mark of "
              + plan.criticalPercent()
              + " %: "
              + usage);
    } else if (from == 2) {
      alerts.clear(
          CRITICAL, subject, "pool " + subject + " is back under its critical mark: " + usage);
    }
    if (to >= 1 && from == 0) {
      alerts.raise(
          WARNING,
          subject,
          AlertSeverity.WARNING,
          "pool "
              + subject
              + " reached its warning mark of "
              + plan.warningPercent()
              + " %: "
              + usage);
    } else if (to == 0 && from >= 1) {
      alerts.clear(
          WARNING, subject, "pool " + subject + " is back under its warning mark: " + usage);
    }
  }
}
