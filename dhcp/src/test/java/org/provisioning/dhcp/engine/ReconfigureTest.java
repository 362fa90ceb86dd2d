package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.config.DhcpConfig;

/**
 * A config change reaches the engine whichever section it touched: a change elsewhere (failover
 * pairing, TFTP, DNS) hands it the same DHCP config again.
 */
class ReconfigureTest {
  private final EngineHarness harness = new EngineHarness();

  /** Five leases in the local pool (ten addresses, warning at 50 %) and one offer pending. */
  private void fillLocalPoolPastItsWarningMark() {
    for (int i = 1; i <= 5; i++) {
      harness.client("02:00:00:00:00:0" + i).dora();
    }
    harness.reply(harness.client("02:00:00:00:00:06").discover());
  }

  private List<Long> activeAlertIds() {
    return harness.alerts.active().stream().map(Alert::id).sorted().toList();
  }

  @Test
  void theSameDhcpConfigAgainKeepsOffersAndAlertsAsTheyAre() {
    fillLocalPoolPastItsWarningMark();
    List<Long> alerts = activeAlertIds();
    long used = harness.counter("dhcp.pool.local.used");

    harness.engine.reconfigure(EngineHarness.dhcp(EngineHarness.CONFIG));

    assertEquals(1, harness.engine.pendingOffers());
    assertEquals(alerts, activeAlertIds(), "no alert cleared and raised again");
    assertEquals(used, harness.counter("dhcp.pool.local.used"));
  }

  private List<String> historyOf(String object) {
    return harness.alerts.history().stream()
        .filter(a -> a.object().equals(object))
        .map(a -> a.event() + (a.active() ? " active" : " cleared"))
        .toList();
  }

  private static final String LOCAL_POOL = "dhcp.subnets[3].pools[0]";

  @Test
  void anAlertActiveBeforeAChangeIsTheSameAlertAfterIt() {
    fillLocalPoolPastItsWarningMark();
    List<Long> alerts = activeAlertIds();
    harness.alerts.acknowledge(alerts.get(0), "noc-alice");

    harness.engine.reconfigure(
        EngineHarness.dhcp(
            EngineHarness.CONFIG.replace("offerHoldSeconds: 30", "offerHoldSeconds: 60")));

    assertEquals(alerts, activeAlertIds(), "neither cleared nor raised again");
    assertEquals(List.of(HighWaterMarks.WARNING + " active"), historyOf(LOCAL_POOL));
    assertEquals("noc-alice", harness.alerts.active().get(0).acknowledgedBy());
  }

  @Test
  void aMarkMovedAboveTheUseClearsItsAlertAndAPoolRemovedTakesItsAlertsAlong() {
    fillLocalPoolPastItsWarningMark();
    String raisedMarks =
        EngineHarness.CONFIG.replace(
            "warningPercent: 50, criticalPercent: 80", "warningPercent: 70, criticalPercent: 80");
    harness.engine.reconfigure(EngineHarness.dhcp(raisedMarks));
    assertEquals(List.of(HighWaterMarks.WARNING + " cleared"), historyOf(LOCAL_POOL));

    // 5 of 10 again past a lowered mark, then the pool leaves the config.
    harness.engine.reconfigure(EngineHarness.dhcp(EngineHarness.CONFIG));
    assertEquals(1, activeAlertIds().size());
    String withoutLocal =
        EngineHarness.CONFIG.replace(
            "      - {name: local, range: 127.20.0.100-127.20.0.109, warningPercent: 50, criticalPercent: 80}\n",
            "      - {name: other, range: 127.20.0.150-127.20.0.159}\n");
    harness.engine.reconfigure(EngineHarness.dhcp(withoutLocal));
    assertEquals(List.of(), activeAlertIds(), "no alert left for a pool that is gone");
    assertEquals(0, harness.counter("dhcp.pool.other.high_water_level"));
  }

  @Test
  void anExhaustedSubnetLeftOutOfTheConfigHasItsAlertCleared() {
    String tiny =
        EngineHarness.CONFIG.replace("127.20.0.100-127.20.0.109", "127.20.0.100-127.20.0.100");
    EngineHarness small = new EngineHarness(tiny);
    small.client("02:00:00:00:00:01").dora();
    assertTrue(small.send(small.client("02:00:00:00:00:02").discover()).isEmpty());
    assertTrue(
        small.alerts.active().stream().anyMatch(a -> a.event().equals(DhcpEngine.POOL_EXHAUSTED)));

    small.engine.reconfigure(
        EngineHarness.dhcp(
            tiny.replace("127.20.0.0/24", "127.21.0.0/24")
                .replace("127.20.0.100-127.20.0.100", "127.21.0.100-127.21.0.109")
                .replace("routers: [127.20.0.1]", "routers: [127.21.0.1]")));

    assertFalse(
        small.alerts.active().stream().anyMatch(a -> a.event().equals(DhcpEngine.POOL_EXHAUSTED)));
  }

  @Test
  void aChangedDhcpConfigIsServedFromThenOn() {
    fillLocalPoolPastItsWarningMark();
    DhcpConfig longerOffers =
        EngineHarness.dhcp(
            EngineHarness.CONFIG.replace("offerHoldSeconds: 30", "offerHoldSeconds: 60"));

    harness.engine.reconfigure(longerOffers);

    assertEquals(0, harness.engine.pendingOffers(), "offers of the old plan are dropped");
    assertEquals(5, harness.counter("dhcp.pool.local.used"), "pools re-marked from the leases");
    assertNotEquals(List.of(), activeAlertIds());
  }
}
