package org.provisioning.dhcp.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** The pools of the plan served, by index. */
  private List<PoolPlan> pools = List.of();

  /** Per pool index: 0 none, 1 warning, 2 critical. */
  private int[] levels = new int[0];

  /** Per pool index: the most addresses in use at once since the config was last applied. */
  private int[] peaks = new int[0];

  /** While a new plan's pools are marked from the lease store: judged once, when it is done. */
  private boolean marking;

  /** The plan before {@link #replan} and its levels, until {@link #settle}. */
  private List<PoolPlan> previousPools = List.of();

  private int[] previousLevels = new int[0];

  HighWaterMarks(AlertCenter alerts) {
    this.alerts = alerts;
    alerts.declare(DhcpAlerts.ALL);
  }

  /**
   * Serves a new plan, before its pools are marked from the lease store. Each pool takes the level
   * of the pool at the same config path (the alert's object), so an active alert stays the same
   * alert, acknowledged or not, across a config change: until {@link #settle} judges the pools
   * once, with their final use, nothing is raised or cleared.
   */
  void replan(List<PoolPlan> next) {
    Map<String, Integer> previous = new HashMap<>();
    for (PoolPlan pool : pools) {
      previous.put(pool.configPath(), pool.index());
    }
    int[] carried = new int[next.size()];
    for (PoolPlan pool : next) {
      Integer was = previous.get(pool.configPath());
      carried[pool.index()] = was == null ? 0 : levels[was];
    }
    marking = true;
    previousPools = pools;
    previousLevels = levels;
    pools = List.copyOf(next);
    levels = carried;
    peaks = new int[next.size()];
  }

  /**
   * Judges every pool of the new plan once its use is known: a pool whose marks did not change
   * keeps its level within the hysteresis, one whose marks changed is judged afresh (a mark raised
   * above the use clears its alert). A pool no longer in the config has its alerts cleared.
   */
  void settle() {
    marking = false;
    Map<String, PoolPlan> now = new HashMap<>();
    for (PoolPlan pool : pools) {
      now.put(pool.configPath(), pool);
    }
    for (PoolPlan old : previousPools) {
      int level = previousLevels[old.index()];
      PoolPlan same = now.get(old.configPath());
      if (same == null) {
        String gone = "pool " + old.pool().name() + " is no longer in the config";
        if (level == 2) {
          alerts.clear(DhcpAlerts.POOL_HIGH_WATER_CRITICAL, old.configPath(), gone);
        }
        if (level >= 1) {
          alerts.clear(DhcpAlerts.POOL_HIGH_WATER_WARNING, old.configPath(), gone);
        }
      } else if (level > 0
          && (same.warningPercent() != old.warningPercent()
              || same.criticalPercent() != old.criticalPercent())) {
        // Judged against its new marks from no level: what stands then is announced as a change.
        levels[same.index()] = 0;
        int fresh = judge(same);
        levels[same.index()] = level;
        moveTo(same, fresh);
      }
    }
    previousPools = List.of();
    previousLevels = new int[0];
    for (PoolPlan pool : pools) {
      check(pool);
    }
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
    if (marking) {
      return;
    }
    int used = plan.pool().usedCount();
    if (used > peaks[plan.index()]) {
      peaks[plan.index()] = used;
    }
    moveTo(plan, judge(plan));
  }

  /** The level the pool's use gives, from its present level (the hysteresis). */
  private int judge(PoolPlan plan) {
    int used = plan.pool().usedCount();
    int size = plan.pool().size();
    int level = levels[plan.index()];
    if (reached(used, size, plan.criticalPercent())
        || (level == 2 && !below(used, size, plan.criticalPercent()))) {
      return 2;
    } else if (reached(used, size, plan.warningPercent())
        || (level >= 1 && !below(used, size, plan.warningPercent()))) {
      return 1;
    }
    return 0;
  }

  /** Sets the pool's level, raising and clearing the alerts the change calls for. */
  private void moveTo(PoolPlan plan, int next) {
    int level = levels[plan.index()];
    if (next != level) {
      levels[plan.index()] = next;
      int used = plan.pool().usedCount();
      int size = plan.pool().size();
      String usage =
          used + " of " + size + " addresses in use (" + (100L * used / Math.max(size, 1)) + " %)";
      announce(plan, level, next, usage);
    }
  }

  /** Whether {@code used/size >= percent}, in integers. */
  private static boolean reached(int used, int size, int percent) {
    return 100L * used >= (long) percent * size;
  }

  /**
   * Whether use fell far enough under {@code percent} to clear its mark: {@value
   * #HYSTERESIS_PERCENT} points, or to nothing for a mark that low.
   */
  private static boolean below(int used, int size, int percent) {
    return percent <= HYSTERESIS_PERCENT
        ? used == 0
        : 100L * used < (long) (percent - HYSTERESIS_PERCENT) * size;
  }

  private void announce(PoolPlan plan, int from, int to, String usage) {
    String object = plan.configPath();
    String pool = plan.pool().name();
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
