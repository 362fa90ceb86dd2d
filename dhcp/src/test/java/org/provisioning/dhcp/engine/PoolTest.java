package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.engine.EngineHarness.Client;

/** Pools under pressure: high-water marks, exhaustion, allocation order, standby. */
class PoolTest {
  private final EngineHarness server = new EngineHarness();

  private List<String> activeEvents() {
    return server.alerts.active().stream().map(Alert::event).sorted().toList();
  }

  private Client bind(int n) {
    Client client = server.client(String.format("02:00:00:00:01:%02x", n));
    client.dora();
    return client;
  }

  @Test
  void raisesWarningThenCriticalAndClearsThemWithHysteresis() {
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(bind(i));
    }
    assertEquals(List.of(), activeEvents(), "40 % is under the 50 % mark");
    clients.add(bind(4));
    assertEquals(List.of(HighWaterMarks.WARNING), activeEvents());
    for (int i = 5; i < 8; i++) {
      clients.add(bind(i));
    }
    assertEquals(List.of(HighWaterMarks.CRITICAL, HighWaterMarks.WARNING), activeEvents());
    assertEquals("dhcp.subnets[3].pools[0]", server.alerts.active().get(0).object());
    assertTrue(server.alerts.active().get(0).message().contains("pool local"));

    release(clients.remove(clients.size() - 1)); // 70 %, under 80 - 5
    assertEquals(List.of(HighWaterMarks.WARNING), activeEvents(), "critical clears under 75 %");
    release(clients.remove(clients.size() - 1)); // 60 %
    release(clients.remove(clients.size() - 1)); // 50 %
    assertEquals(List.of(HighWaterMarks.WARNING), activeEvents(), "within 5 points: kept");
    release(clients.remove(clients.size() - 1)); // 40 %, under 50 - 5
    assertEquals(List.of(), activeEvents());
  }

  private void release(Client client) {
    Ipv4Address address =
        server
            .store
            .byClient(org.provisioning.dhcp.lease.ClientKey.ofHardware(1, client.mac))
            .orElseThrow()
            .address();
    server.send(client.release(address));
  }

  @Test
  void fullPoolAnswersNothingAndRaisesTheCriticalAlert() {
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      clients.add(bind(i));
    }
    Client late = server.client("02:00:00:00:02:00");
    assertTrue(server.send(late.discover()).isEmpty(), "no offer, no exception");
    assertEquals(1, server.counter("dhcp.dropped.pool_exhausted"));
    assertTrue(activeEvents().contains(DhcpEngine.POOL_EXHAUSTED), activeEvents().toString());
    assertTrue(activeEvents().contains(HighWaterMarks.CRITICAL));
    assertEquals(100, server.counter("dhcp.pool.local.utilisation_percent"));
    assertEquals(2, server.counter("dhcp.pool.local.high_water_level"));

    // An address comes free and is offered again: while clients were refused within the last
    // minute the exhaustion stands (no clear and raise per address freed); then it is over.
    release(clients.get(0));
    assertFalse(server.send(late.discover()).isEmpty());
    assertTrue(activeEvents().contains(DhcpEngine.POOL_EXHAUSTED), activeEvents().toString());
    server.clock.advance(java.time.Duration.ofMillis(DhcpEngine.EXHAUSTION_CLEARS_AFTER_MILLIS));
    assertFalse(server.send(late.discover()).isEmpty());
    assertFalse(activeEvents().contains(DhcpEngine.POOL_EXHAUSTED), activeEvents().toString());
    assertTrue(
        server.alerts.history().stream()
            .anyMatch(a -> a.event().equals(DhcpEngine.POOL_EXHAUSTED) && !a.active()));
  }

  @Test
  void marksAtOrUnderTheHysteresisClearOnceThePoolIsEmpty() {
    EngineHarness low =
        new EngineHarness(
            EngineHarness.CONFIG.replace(
                "warningPercent: 50, criticalPercent: 80",
                "warningPercent: 2, criticalPercent: 5"));
    Client only = low.client("02:00:00:00:03:01");
    Ipv4Address address = only.dora().yourAddress();
    assertEquals(2, low.counter("dhcp.pool.local.high_water_level"));

    low.send(only.release(address));

    assertEquals(0, low.counter("dhcp.pool.local.high_water_level"));
    assertEquals(List.of(), low.alerts.active());
  }

  @Test
  void topDownServesTheHighestFreeAddressFirst() {
    server.engine.setMode(ServingMode.TOP_DOWN);
    assertEquals(Ipv4Address.parse("127.20.0.109"), bind(1).dora().yourAddress());
    assertEquals(Ipv4Address.parse("127.20.0.108"), bind(2).dora().yourAddress());
    server.engine.setMode(ServingMode.BOTTOM_UP);
    assertEquals(Ipv4Address.parse("127.20.0.100"), bind(3).dora().yourAddress());
  }

  @Test
  void standbyAnswersNoClient() {
    server.engine.setMode(ServingMode.STANDBY);
    assertTrue(server.send(server.client("02:00:00:00:00:01").discover()).isEmpty());
    assertEquals(1, server.counter("dhcp.dropped.standby"));
  }

  @Test
  void leasesAppliedFromThePeerTakeTheirAddressesOutOfThePool() {
    EngineHarness peer = new EngineHarness();
    peer.engine.setMode(ServingMode.TOP_DOWN);
    peer.client("02:00:00:00:00:07").dora();
    peer.journal.forEach(server.engine::apply);
    assertEquals(1, server.counter("dhcp.pool.local.used"));
    server.engine.setMode(ServingMode.TOP_DOWN);
    assertEquals(Ipv4Address.parse("127.20.0.108"), bind(1).dora().yourAddress());
  }
}
