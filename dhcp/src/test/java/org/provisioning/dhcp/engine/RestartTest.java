package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.engine.EngineHarness.Client;
import org.provisioning.dhcp.message.DhcpMessage;

/** An engine built on a lease store that already holds leases: provisiond's start-up. */
class RestartTest {
  private final EngineHarness before = new EngineHarness();

  @Test
  void startsOnBoundLeasesAndKeepsServingTheirClientsTheirAddresses() {
    Client first = before.client("02:00:00:00:00:01");
    Client second = before.client("02:00:00:00:00:02");
    Ipv4Address firstAddress = first.dora().yourAddress();
    Ipv4Address secondAddress = second.dora().yourAddress();

    EngineHarness after = before.restarted();

    assertEquals(2, after.counter("dhcp.leases.bound"));
    assertEquals(2, after.counter("dhcp.pool.local.used"));
    DhcpMessage again = after.reply(first.discover());
    assertEquals(firstAddress, again.yourAddress(), "a returning client keeps its address");
    DhcpMessage newcomer = after.reply(after.client("02:00:00:00:00:03").discover());
    assertNotEquals(firstAddress, newcomer.yourAddress());
    assertNotEquals(secondAddress, newcomer.yourAddress());
  }

  @Test
  void leasesThatHoldNothingLeaveTheirAddressesFreeButAreCounted() {
    Client kept = before.client("02:00:00:00:00:01");
    Client leaving = before.client("02:00:00:00:00:02");
    Client lapsed = before.client("02:00:00:00:00:03");
    Ipv4Address keptAddress = kept.dora().yourAddress();
    Ipv4Address released = leaving.dora().yourAddress();
    Ipv4Address expired = lapsed.dora().yourAddress();
    before.send(leaving.release(released));
    // Past its expiry but not reclaimed yet: still BOUND in the store, holding nothing.
    LeaseRecord stillBound = before.store.byAddress(expired).orElseThrow();
    before.store.put(stillBound.withState(LeaseState.BOUND, before.clock.millis() - 1));

    EngineHarness after = before.restarted();

    assertEquals(1, after.counter("dhcp.pool.local.used"));
    assertEquals(2, after.counter("dhcp.leases.bound"));
    assertEquals(1, after.counter("dhcp.leases.released"));
    DhcpMessage newcomer = after.reply(after.client("02:00:00:00:00:04").discover());
    assertEquals(released, newcomer.yourAddress(), "the lowest free address: the released one");
    assertNotEquals(keptAddress, newcomer.yourAddress());
  }

  @Test
  void raisesTheHighWaterMarkOfAPoolThatStartsPastIt() {
    for (int i = 1; i <= 5; i++) { // the local pool: 10 addresses, warning at 50 %
      before.client("02:00:00:00:00:0" + i).dora();
    }

    EngineHarness after = before.restarted();

    assertTrue(
        after.alerts.active().stream()
            .anyMatch(
                a ->
                    a.event().equals(HighWaterMarks.WARNING)
                        && a.object().equals("dhcp.subnets[3].pools[0]")),
        () -> "active alerts: " + after.alerts.active());
  }
}
