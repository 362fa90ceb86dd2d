package org.provisioning.dhcp.engine;

import org.provisioning.common.alert.AlertCenter;
import org.provisioning.dhcp.engine.ServingPlan.PoolPlan;

/**
 * The two high-water marks of every pool. A mark is raised when use reaches it and cleared only
 * when use falls {@value #HYSTERESIS_PERCENT} points below it, so a pool hovering at the mark does
 * not flood the operator: {@link DhcpAlerts#POOL_HIGH_WATER_WARNING} and {@link
 * DhcpAlerts#POOL_HIGH_WATER_CRITICAL}, for the pool's config path.
 */
final class HighWaterMarks {
  static final String WARNING = DhcpAlerts.POOL_HIGH_WATER_WARNING.event();
  static final String CRITICAL = DhcpAlerts.POOL_HIGH_WATER_CRITICAL.event();
  static final int HYSTERESIS_PERCENT = 5;

  private final AlertCenter alerts;

  /** Per pool index: 0 none, 1 warning, 2 critical. */
  private int[] levels = new int[0];

  /** Per pool index: the most addresses in use at once since the config was last applied. */
  private int[] peaks = new int[0];

  HighWaterMarks(AlertCenter alerts) {
    this.alerts = alerts;
    alerts.declare(DhcpAlerts.ALL);
  }

  void reset(int poolCount) {
    levels = java.util.Arrays.copyOf(levels, poolCount);
    peaks = new int[poolCount];
  }

  /** The pool's mark now: 0 under both, 1 warning, 2 critical (read from any thread). */
  int level(PoolPlan plan) {
    int[] current = levels;
    return plan.index() < current.length ? current[plan.index()] : 0;
  }

  /** The most addresses of the pool in use at once since the config was applied. */
  int peak(PoolPlan plan) {
    int[] current = peaks;
    return plan.index() < current.length ? current[plan.index()] : 0;
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
    String object = plan.configPath();
    String pool = plan.pool().name();
    String usage =
        used + " of " + size + " addresses in use (" + (100L * used / Math.max(size, 1)) + " %)";
    if (to == 2) {
      alerts.raise(
          DhcpAlerts.POOL_HIGH_WATER_CRITICAL,
          object,
          "pool "
              + pool
              + " reached its critical mark of "
              + plan.criticalPercent()
              + " %: "
              + usage);
    } else if (from == 2) {
      alerts.clear(
          DhcpAlerts.POOL_HIGH_WATER_CRITICAL,
          object,
          "pool " + pool + " is back under its critical mark: " + usage);
    }
    if (to >= 1 && from == 0) {
      alerts.raise(
          DhcpAlerts.POOL_HIGH_WATER_WARNING,
          object,
          "pool "
              + pool
              + " reached its warning mark of "
              + plan.warningPercent()
              + " %: "
              + usage);
    } else if (to == 0 && from >= 1) {
      alerts.clear(
          DhcpAlerts.POOL_HIGH_WATER_WARNING,
          object,
          "pool " + pool + " is back under its warning mark: " + usage);
    }
  }
}
