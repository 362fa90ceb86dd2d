package org.provisioning.dhcp.failover;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.config.FailoverRole;
import org.provisioning.common.io.NumberReservation;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.ManualClock;

class FrameAuthenticatorTest {
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private final byte[] key = FrameAuthenticator.deriveKey("pairing-secret");
  private final StatisticsRegistry senderStats = new StatisticsRegistry();
  private final StatisticsRegistry receiverStats = new StatisticsRegistry();
  private final FrameAuthenticator primary = new FrameAuthenticator(key, 1, clock, senderStats);
  private final FrameAuthenticator secondary = new FrameAuthenticator(key, 2, clock, receiverStats);

  private FailoverMessage roundTrip(FailoverMessage message) {
    byte[] frame = primary.seal(message.kind(), FailoverCodec.encode(message));
    FrameAuthenticator.Frame opened = secondary.open(frame, 0, frame.length).orElseThrow();
    assertEquals(1, opened.sender());
    assertEquals(message.kind(), opened.kind());
    return FailoverCodec.decode(opened.kind(), opened.body());
  }

  @Test
  void everyMessageRoundTripsThroughSealAndOpen() {
    FailoverMessage.Heartbeat heartbeat =
        new FailoverMessage.Heartbeat(FailoverRole.PRIMARY, FailoverState.NORMAL, 42L, 7L, 5L);
    assertEquals(heartbeat, roundTrip(heartbeat));
    assertEquals(new FailoverMessage.Ack(99), roundTrip(new FailoverMessage.Ack(99)));
    assertEquals(new FailoverMessage.SyncDone(3), roundTrip(new FailoverMessage.SyncDone(3)));
    FailoverMessage.Hello hello =
        new FailoverMessage.Hello(
            FailoverRole.SECONDARY, FailoverState.STARTUP, Map.of(1, 10L, 2, 20L));
    assertEquals(hello, roundTrip(hello));
    FailoverMessage.Hello resuming =
        new FailoverMessage.Hello(
            FailoverRole.SECONDARY,
            FailoverState.SYNCING,
            Map.of(2, 20L),
            new FailoverMessage.Resume(1, 5_000, 0xc0a80101, 123_456));
    assertEquals(resuming, roundTrip(resuming));
    FailoverMessage.SyncStart start = new FailoverMessage.SyncStart(true, 5_000, 1_000_000, 500);
    assertEquals(start, roundTrip(start));

    BusRecord record = new BusRecord(1, 12, 34, RecordType.LEASE, new byte[] {1, 2, 3});
    FailoverMessage.Records records =
        (FailoverMessage.Records) roundTrip(new FailoverMessage.Records(List.of(record, record)));
    assertEquals(2, records.records().size());
    BusRecord back = records.records().get(0);
    assertEquals(1, back.origin());
    assertEquals(12, back.sequence());
    assertEquals(34, back.timeMillis());
    assertEquals(RecordType.LEASE, back.type());
    assertArrayEquals(new byte[] {1, 2, 3}, back.payload());

    LeaseRecord lease =
        new LeaseRecord(
            Ipv4Address.parse("10.0.0.9"),
            1,
            new byte[] {0, 1, 2, 3, 4, 5},
            null,
            LeaseState.BOUND,
            100,
            200,
            1,
            "modem",
            null,
            null,
            null);
    assertEquals(
        new FailoverMessage.Leases(List.of(lease)),
        roundTrip(new FailoverMessage.Leases(List.of(lease))));
  }

  @Test
  void anAuthenticFrameOfAKindThisReleaseDoesNotKnowIsSkippedNotRefused() {
    byte[] newer = primary.seal(200, new byte[] {1, 2, 3}, 77);
    FrameAuthenticator.Frame opened = secondary.open(newer, 0, newer.length).orElseThrow();
    assertEquals(null, opened.kind(), "a kind to skip");
    assertEquals(1, opened.sender());
    assertEquals(1, receiverStats.counter("failover.dropped.unknown_kind").get());
    assertEquals(0, secondary.failures(), "not a forgery: no authentication alert");

    byte[] forged = primary.seal(200, new byte[] {1, 2, 3}, 78);
    forged[FrameAuthenticator.HEADER] ^= 1;
    assertTrue(secondary.open(forged, 0, forged.length).isEmpty(), "forged: refused");
    assertEquals(1, receiverStats.counter("failover.dropped.bad_hmac").get());
  }

  @Test
  void dropsAndCountsAFrameWithAForgedMac() {
    byte[] frame = primary.seal(FrameKind.ACK, FailoverCodec.encode(new FailoverMessage.Ack(5)));
    frame[FrameAuthenticator.HEADER + 3] ^= 1; // the body changes, the MAC does not
    assertTrue(secondary.open(frame, 0, frame.length).isEmpty());
    assertEquals(1, receiverStats.counter("failover.dropped.bad_hmac").get());
  }

  @Test
  void dropsAFrameSealedWithAnotherSecret() {
    FrameAuthenticator stranger =
        new FrameAuthenticator(FrameAuthenticator.deriveKey("guess"), 1, clock, senderStats);
    byte[] frame = stranger.seal(FrameKind.ACK, FailoverCodec.encode(new FailoverMessage.Ack(5)));
    assertTrue(secondary.open(frame, 0, frame.length).isEmpty());
    assertEquals(1, receiverStats.counter("failover.dropped.bad_hmac").get());
  }

  @Test
  void dropsAndCountsAReplayedFrame() {
    byte[] frame = primary.seal(FrameKind.ACK, FailoverCodec.encode(new FailoverMessage.Ack(5)));
    assertTrue(secondary.open(frame, 0, frame.length).isPresent());
    assertTrue(secondary.open(frame, 0, frame.length).isEmpty());
    byte[] older =
        primary.seal(FrameKind.ACK, FailoverCodec.encode(new FailoverMessage.Ack(6)), 1L);
    assertTrue(secondary.open(older, 0, older.length).isEmpty());
    assertEquals(2, receiverStats.counter("failover.dropped.replay").get());
  }

  @Test
  void dropsOurOwnFrameReflectedBack() {
    byte[] frame = primary.seal(FrameKind.ACK, FailoverCodec.encode(new FailoverMessage.Ack(5)));
    assertTrue(primary.open(frame, 0, frame.length).isEmpty());
  }

  @Test
  void countsAnAuthenticFrameFromAPartnerWithOurIdApartFromFailures() {
    FrameAuthenticator sameId = new FrameAuthenticator(key, 2, clock, senderStats);
    byte[] frame = sameId.seal(FrameKind.ACK, FailoverCodec.encode(new FailoverMessage.Ack(5)));
    assertTrue(secondary.open(frame, 0, frame.length).isEmpty());
    assertEquals(1, secondary.ownIdFrames());
    assertEquals(1, receiverStats.counter("failover.dropped.own_id").get());
    assertEquals(0, secondary.failures(), "the key is right: no authentication failure");
  }

  @Test
  void countersIncreaseEvenWhenTheClockStands() {
    long first = primary.nextCounter();
    long second = primary.nextCounter();
    assertTrue(second > first);
    clock.advance(1);
    assertEquals(first + 1000, primary.nextCounter());
  }

  @Test
  void refusesATruncatedBody() {
    assertThrows(
        IllegalArgumentException.class,
        () -> FailoverCodec.decode(FrameKind.HEARTBEAT, java.nio.ByteBuffer.allocate(5)));
  }

  @Test
  void countersStayAboveThoseUsedBeforeARestartEvenIfTheClockWentBack(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("failover.counter");
    FrameAuthenticator before = new FrameAuthenticator(key, 1, clock, senderStats);
    NumberReservation reservation =
        NumberReservation.open(
            file, before.nowMicros(), FrameAuthenticator.RESERVATION_BLOCK, "failover-counter");
    before.reserveIn(reservation);
    byte[] last = null;
    for (int i = 0; i < 50; i++) {
      clock.advance(10_000); // 500 s: past several blocks, reserved in the background
      last = before.seal(FrameKind.HEARTBEAT, new byte[26]);
    }
    assertTrue(secondary.open(last, 0, last.length).isPresent());
    reservation.close();

    clock.advance(-3_600_000); // restarted with the clock an hour behind
    FrameAuthenticator after = new FrameAuthenticator(key, 1, clock, senderStats);
    after.reserveIn(
        NumberReservation.open(
            file, after.nowMicros(), FrameAuthenticator.RESERVATION_BLOCK, "failover-counter"));
    byte[] next = after.seal(FrameKind.HEARTBEAT, new byte[26]);
    assertTrue(
        secondary.open(next, 0, next.length).isPresent(), "not taken for a replay by the partner");
    assertEquals(0, receiverStats.counter("failover.dropped.replay").get());
  }

  @Test
  void aRestartedReceiverStillRefusesFramesItAcceptedBefore(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("failover.accepted");
    byte[] captured = primary.seal(FrameKind.HEARTBEAT, new byte[26]);
    assertTrue(secondary.open(captured, 0, captured.length).isPresent());
    secondary.saveAccepted(file);

    FrameAuthenticator restarted = new FrameAuthenticator(key, 2, clock, receiverStats);
    restarted.loadAccepted(file);
    assertTrue(restarted.open(captured, 0, captured.length).isEmpty(), "replay refused");
    assertEquals(1, receiverStats.counter("failover.dropped.replay").get());
    byte[] fresh = primary.seal(FrameKind.HEARTBEAT, new byte[26]);
    assertTrue(restarted.open(fresh, 0, fresh.length).isPresent());
  }
}
