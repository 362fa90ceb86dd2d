package org.provisioning.dhcp.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;

class UpdateBacklogTest {
  private static final int DATAGRAM = FailoverCodec.MAX_DATAGRAM - FrameAuthenticator.OVERHEAD;

  private static BusRecord record(long seq, int size) {
    return new BusRecord(1, seq, seq, RecordType.LEASE, new byte[size]);
  }

  private static List<Long> seqs(List<BusRecord> batch) {
    return batch.stream().map(BusRecord::sequence).toList();
  }

  @Test
  void packsRecordsIntoDatagramsOfAtMost1400Octets() {
    UpdateBacklog backlog = new UpdateBacklog(1000, 0);
    for (long seq = 1; seq <= 100; seq++) {
      backlog.add(record(seq, 40));
    }
    int sent = 0;
    List<BusRecord> batch;
    while (!(batch = backlog.nextBatch(DATAGRAM)).isEmpty()) {
      byte[] body = FailoverCodec.encode(new FailoverMessage.Records(batch));
      assertTrue(body.length + FrameAuthenticator.OVERHEAD <= 1400, "datagram " + body.length);
      sent += batch.size();
    }
    assertEquals(100, sent);
  }

  @Test
  void goesBackToTheFirstUnackedRecord() {
    UpdateBacklog backlog = new UpdateBacklog(1000, 0);
    for (long seq = 1; seq <= 5; seq++) {
      backlog.add(record(seq, 10));
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(backlog.nextBatch(DATAGRAM)));
    assertTrue(backlog.nextBatch(DATAGRAM).isEmpty(), "all sent, none acked");
    backlog.acked(2);
    assertEquals(3, backlog.pending());
    backlog.rewind();
    assertEquals(List.of(3L, 4L, 5L), seqs(backlog.nextBatch(DATAGRAM)));
    backlog.acked(5);
    assertEquals(0, backlog.pending());
  }

  @Test
  void completesGateWaitersWhenTheAckCoversThem() {
    UpdateBacklog backlog = new UpdateBacklog(1000, 0);
    CompletableFuture<Void> three = backlog.whenAcked(3);
    CompletableFuture<Void> five = backlog.whenAcked(5);
    backlog.acked(4);
    assertTrue(three.isDone());
    assertFalse(five.isDone());
    assertTrue(backlog.whenAcked(2).isDone(), "already acked");
  }

  @Test
  void fallsBackToResyncPastItsBound() {
    UpdateBacklog backlog = new UpdateBacklog(10, 0);
    for (long seq = 1; seq <= 11; seq++) {
      backlog.add(record(seq, 10));
    }
    assertTrue(backlog.needsResync());
    backlog.resetTo(11);
    assertFalse(backlog.needsResync());
    backlog.add(record(12, 10));
    assertEquals(List.of(12L), seqs(backlog.nextBatch(DATAGRAM)));
  }

  @Test
  void needsResyncWhenThePartnerLacksRecordsWeNoLongerHold() {
    UpdateBacklog backlog = new UpdateBacklog(1000, 0);
    backlog.add(record(500, 10)); // restarted: older records are only in the journal
    assertTrue(backlog.needsResync());
  }

  /**
   * The records before a record too large for a datagram are streamed; it and those after it wait
   * for a sync, whose tail carries them: nothing is dropped, so no snapshot is needed, and the ACKs
   * waiting on them complete when the sync covers them.
   */
  @Test
  void aRecordTooLargeForADatagramWaitsForASyncsTail() {
    UpdateBacklog backlog = new UpdateBacklog(1000, 0);
    backlog.add(record(1, 10));
    backlog.add(record(2, UpdateBacklog.MAX_STREAMED_RECORD + 1));
    backlog.add(record(3, 10));
    CompletableFuture<Void> ackOfThree = backlog.whenAcked(3);
    assertEquals(List.of(1L), seqs(backlog.nextBatch(DATAGRAM)));
    assertTrue(backlog.nextBatch(DATAGRAM).isEmpty());
    assertTrue(backlog.needsResync());
    assertFalse(backlog.lostRecords(), "nothing dropped");
    assertEquals(List.of(2L, 3L), seqs(backlog.tail(1, 3).orElseThrow()));

    backlog.resetTo(3);
    assertTrue(ackOfThree.isDone(), "covered by the sync");
    assertFalse(backlog.needsResync());
    backlog.add(record(4, 10));
    assertEquals(List.of(4L), seqs(backlog.nextBatch(DATAGRAM)), "the stream goes on");
  }

  /**
   * The stream may run beside a sync session: what the partner acked during the session stands
   * after it, though the session covered less. Before, the ack mark went back below records the ack
   * had already let go of, which looked like lost records and cost a snapshot.
   */
  @Test
  void aSyncKeepsWhatThePartnerAckedDuringIt() {
    UpdateBacklog backlog = new UpdateBacklog(1000, 0);
    for (long seq = 1; seq <= 10; seq++) {
      backlog.add(record(seq, 10));
    }
    backlog.sessionStarted();
    assertEquals(10, backlog.nextBatch(DATAGRAM).size());
    backlog.acked(10);
    backlog.resetTo(5);
    assertEquals(10, backlog.acked());
    assertFalse(backlog.needsResync());
    backlog.add(record(11, 10));
    assertEquals(List.of(11L), seqs(backlog.nextBatch(DATAGRAM)));
  }

  /** Acks from before the session do not count: the partner may have restarted with less. */
  @Test
  void aSyncWithAPartnerThatRestartedWithLessStartsAfterWhatItCovered() {
    UpdateBacklog backlog = new UpdateBacklog(1000, 0);
    for (long seq = 1; seq <= 10; seq++) {
      backlog.add(record(seq, 10));
    }
    backlog.acked(10);
    backlog.add(record(11, 10));
    backlog.sessionStarted();
    backlog.resetTo(6); // the partner held 3: the session's tail gave it 4-6 (its backlog had them)
    assertEquals(6, backlog.acked());
  }

  @Test
  void givesTheTailASyncNeedsOnlyIfItHoldsAllOfIt() {
    UpdateBacklog backlog = new UpdateBacklog(1000, 0);
    for (long seq = 5; seq <= 9; seq++) {
      backlog.add(record(seq, 10));
    }
    assertEquals(List.of(7L, 8L, 9L), seqs(backlog.tail(6, 9).orElseThrow()));
    assertEquals(List.of(5L, 6L), seqs(backlog.tail(4, 6).orElseThrow()));
    assertTrue(backlog.tail(2, 9).isEmpty(), "records 3 and 4 are gone");
    assertTrue(backlog.tail(6, 10).isEmpty(), "record 10 is not here yet");
    assertTrue(backlog.tail(9, 9).orElseThrow().isEmpty(), "nothing lacking");
  }

  @Test
  void knowsWhenTheOldestUnackedRecordWasMade() {
    UpdateBacklog backlog = new UpdateBacklog(1000, 0);
    assertEquals(-1, backlog.oldestUnackedMillis());
    for (long seq = 1; seq <= 3; seq++) {
      backlog.add(record(seq, 10)); // made at time = seq
    }
    assertEquals(1, backlog.oldestUnackedMillis());
    backlog.acked(2);
    assertEquals(3, backlog.oldestUnackedMillis());
    backlog.acked(3);
    assertEquals(-1, backlog.oldestUnackedMillis());
  }

  @Test
  void knowsWhetherItStillHoldsEveryRecordAfterASnapshot() {
    UpdateBacklog backlog = new UpdateBacklog(3, 0);
    for (long seq = 1; seq <= 4; seq++) {
      backlog.add(record(seq, 10)); // the fourth overflows: 1-4 are dropped
    }
    assertFalse(backlog.holdsEverythingAfter(2), "records after 2 were dropped");
    assertTrue(backlog.holdsEverythingAfter(4), "a snapshot taken after the overflow");
    backlog.add(record(5, 10));
    backlog.add(record(6, 10));
    assertTrue(backlog.holdsEverythingAfter(4));
    assertTrue(backlog.holdsEverythingAfter(5));
    assertFalse(backlog.holdsEverythingAfter(3));
    backlog.acked(5);
    assertTrue(backlog.holdsEverythingAfter(5));
    assertFalse(backlog.holdsEverythingAfter(4), "5 is gone: acked");
  }
}
