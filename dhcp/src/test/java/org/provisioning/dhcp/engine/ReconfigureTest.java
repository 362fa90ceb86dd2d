package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
