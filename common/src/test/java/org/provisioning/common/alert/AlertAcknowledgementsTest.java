package org.provisioning.common.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;

class AlertAcknowledgementsTest {
  private static final AlertType FULL =
      new AlertType("DHCP_POOL_FULL", AlertSeverity.CRITICAL, "dhcp", "Full.", "Add addresses.");

  /** A bus that journals what it is given; records from another origin come from the partner. */
  private static final class Bus implements BusPublisher {
    final List<BusRecord> published = new ArrayList<>();

    @Override
    public CompletableFuture<BusRecord> publish(RecordType type, byte[] payload) {
      BusRecord record = new BusRecord(1, published.size() + 1, 0, type, payload);
      published.add(record);
      return CompletableFuture.completedFuture(record);
    }
  }

  @Test
  void anAcknowledgementMadeOnOneServerAcknowledgesTheSameConditionOnTheOther() {
    Bus primaryBus = new Bus();
    AlertCenter primary = new AlertCenter("primary", Clock.systemUTC(), 10);
    AlertAcknowledgements primaryAcks = new AlertAcknowledgements(primary, primaryBus);
    AlertCenter secondary = new AlertCenter("secondary", Clock.systemUTC(), 10);
    AlertAcknowledgements secondaryAcks = new AlertAcknowledgements(secondary, new Bus());
    secondary.raise(FULL, "dhcp.subnets[cm].pools[0]", "secondary's own, first");
    primary.raise(FULL, "dhcp.subnets[cm].pools[0]", "96 % used");
    secondary.raise(FULL, "dhcp.subnets[cpe].pools[0]", "another condition");

    primary.acknowledge(primary.active().get(0).id(), "noc-alice");
    assertEquals(1, primaryBus.published.size());
    BusRecord ack = primaryBus.published.get(0);
    assertEquals(RecordType.ALERT_ACK, ack.type());

    primaryAcks.onDurable(ack); // our own record, durable: nothing more happens
    secondaryAcks.onDurable(ack); // replicated to the partner
    Alert mirrored = secondary.active().get(0);
    assertEquals("noc-alice", mirrored.acknowledgedBy());
    assertEquals(1, mirrored.id());
    assertNull(secondary.active().get(1).acknowledgedBy());
    assertEquals(1, primaryBus.published.size()); // no echo
  }

  @Test
  void acknowledgingAClearedAlertLeavesTheConditionsNewAlertUnacknowledged() {
    Bus bus = new Bus();
    AlertCenter alerts = new AlertCenter("primary", Clock.systemUTC(), 10);
    AlertAcknowledgements acks = new AlertAcknowledgements(alerts, bus);
    alerts.raise(FULL, "dhcp.subnets[cm].pools[0]", "96 % used");
    long first = alerts.active().get(0).id();
    alerts.clear(FULL, "dhcp.subnets[cm].pools[0]", "freed");
    alerts.raise(FULL, "dhcp.subnets[cm].pools[0]", "97 % used");

    // The operator acknowledges the id from the first mail.
    assertEquals(
        "noc-alice", alerts.acknowledge(first, "noc-alice").orElseThrow().acknowledgedBy());

    assertEquals(List.of(), bus.published, "nothing for the partner to apply to its active alert");
    bus.published.forEach(acks::onDurable);
    assertNull(alerts.active().get(0).acknowledgedBy(), "the new alert is not acknowledged");
  }

  /**
   * The failover's sync by snapshot: the acknowledgements of the alerts active on one server,
   * merged into the other, acknowledge the same conditions there once, and publish nothing.
   */
  @Test
  void theAcknowledgementsOfActiveAlertsMergeIntoThePartnerOnce() {
    Bus primaryBus = new Bus();
    AlertCenter primary = new AlertCenter("primary", Clock.systemUTC(), 10);
    AlertAcknowledgements primaryAcks = new AlertAcknowledgements(primary, primaryBus);
    Bus secondaryBus = new Bus();
    AlertCenter secondary = new AlertCenter("secondary", Clock.systemUTC(), 10);
    AlertAcknowledgements secondaryAcks = new AlertAcknowledgements(secondary, secondaryBus);
    primary.raise(FULL, "dhcp.subnets[cm].pools[0]", "acknowledged, then cleared");
    primary.acknowledge(primary.active().get(0).id(), "noc-bob");
    primary.clear(FULL, "dhcp.subnets[cm].pools[0]", "freed");
    primary.raise(FULL, "dhcp.subnets[cpe].pools[0]", "96 % used");
    primary.acknowledge(primary.active().get(0).id(), "noc-alice");
    primary.raise(FULL, "dhcp.subnets[voip].pools[0]", "not acknowledged");
    secondary.raise(FULL, "dhcp.subnets[cm].pools[0]", "active here");
    secondary.raise(FULL, "dhcp.subnets[cpe].pools[0]", "96 % used here too");

    var entries = primaryAcks.entries();
    assertEquals(1, entries.size(), "only the active alert that is acknowledged");
    assertEquals(RecordType.ALERT_ACK, entries.get(0).type());
    assertEquals(true, secondaryAcks.merge(entries.get(0)));
    assertEquals(false, secondaryAcks.merge(entries.get(0)), "held already");
    assertEquals(
        "noc-alice",
        secondary.active().stream()
            .filter(a -> a.object().equals("dhcp.subnets[cpe].pools[0]"))
            .findFirst()
            .orElseThrow()
            .acknowledgedBy());
    assertNull(
        secondary.active().stream()
            .filter(a -> a.object().equals("dhcp.subnets[cm].pools[0]"))
            .findFirst()
            .orElseThrow()
            .acknowledgedBy());
    assertEquals(0, secondaryBus.published.size(), "a merge is journaled by the failover");
  }

  /**
   * Acknowledged on one server at 10:00 while the pair is apart; on the other the condition cleared
   * and came back at 11:00 with a new alert. When the acknowledgement arrives (the stream, or the
   * snapshot's merge), it does not acknowledge that later occurrence, which nobody has seen.
   */
  @Test
  void aPartnersAcknowledgementLeavesAnOccurrenceRaisedAfterItUnacknowledged() {
    Instant ten = Instant.parse("2026-11-27T10:00:00Z");
    Bus primaryBus = new Bus();
    AlertCenter primary = new AlertCenter("primary", Clock.fixed(ten, ZoneOffset.UTC), 10);
    AlertAcknowledgements primaryAcks = new AlertAcknowledgements(primary, primaryBus);
    primary.raise(FULL, "dhcp.subnets[cm].pools[0]", "96 % used");
    primary.acknowledge(primary.active().get(0).id(), "noc-alice");

    AlertCenter secondary =
        new AlertCenter("secondary", Clock.fixed(ten.plusSeconds(3600), ZoneOffset.UTC), 10);
    AlertAcknowledgements secondaryAcks = new AlertAcknowledgements(secondary, new Bus());
    secondary.raise(FULL, "dhcp.subnets[cm].pools[0]", "96 % used again at 11:00");
    secondaryAcks.onDurable(primaryBus.published.get(0));
    assertEquals(false, secondaryAcks.merge(primaryAcks.entries().get(0)));
    assertNull(secondary.active().get(0).acknowledgedBy());

    // The occurrence raised there within a minute of the acknowledgement is the one seen.
    AlertCenter sameTime =
        new AlertCenter("secondary", Clock.fixed(ten.plusSeconds(30), ZoneOffset.UTC), 10);
    AlertAcknowledgements sameTimeAcks = new AlertAcknowledgements(sameTime, new Bus());
    sameTime.raise(FULL, "dhcp.subnets[cm].pools[0]", "96 % used");
    sameTimeAcks.onDurable(primaryBus.published.get(0));
    assertEquals("noc-alice", sameTime.active().get(0).acknowledgedBy());
  }
}
