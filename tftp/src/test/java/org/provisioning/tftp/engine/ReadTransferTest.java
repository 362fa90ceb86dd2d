package org.provisioning.tftp.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.tftp.codec.TftpCodec;
import org.provisioning.tftp.engine.TftpTransfer.Status;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpPacket;

/** The read state machine, driven by hand: no sockets, no sleeping, time passed in. */
class ReadTransferTest {
  private final StatisticsRegistry registry = new StatisticsRegistry();
  private final TftpStatistics stats = new TftpStatistics(registry);
  private final List<TftpPacket> sent = new ArrayList<>();
  private final TftpTransfer.Output out = bytes -> sent.add(decode(bytes));

  private static TftpPacket decode(byte[] bytes) {
    try {
      return TftpCodec.decode(bytes, bytes.length);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] content(int length) {
    byte[] content = new byte[length];
    for (int i = 0; i < length; i++) {
      content[i] = (byte) (i * 31 + 7);
    }
    return content;
  }

  private ReadTransfer transfer(byte[] content, int block, int window, Map<String, String> oack) {
    return new ReadTransfer(
        TransferSource.of(content), new TftpOptions(block, window, 1000, oack), 3, stats);
  }

  private List<Integer> dataBlocks() {
    List<Integer> blocks = new ArrayList<>();
    for (TftpPacket p : sent) {
      if (p instanceof TftpPacket.Data d) {
        blocks.add(d.block());
      }
    }
    sent.clear();
    return blocks;
  }

  @Test
  void sendsBlockByBlockAndEndsWithAnEmptyBlockWhenTheFileFillsItsLast() {
    byte[] content = content(1024);
    ReadTransfer transfer = transfer(content, 512, 1, Map.of());
    assertEquals(Status.RUNNING, transfer.start(0, out));
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    for (int block = 1; block <= 3; block++) {
      TftpPacket.Data data = (TftpPacket.Data) sent.remove(0);
      assertEquals(block, data.block());
      received.writeBytes(data.data());
      Status status = transfer.onPacket(new TftpPacket.Ack(block), 10, out);
      assertEquals(block == 3 ? Status.COMPLETED : Status.RUNNING, status);
    }
    assertArrayEquals(content, received.toByteArray());
    assertEquals(1L, registry.snapshot().get("tftp.transfers.completed"));
    assertEquals(1024L, registry.snapshot().get("tftp.bytes.sent"));
  }

  @Test
  void anOackIsAcknowledgedWithBlockZeroBeforeAnyData() {
    ReadTransfer transfer = transfer(content(100), 1428, 1, Map.of("blksize", "1428"));
    transfer.start(0, out);
    assertEquals(new TftpPacket.OptionAck(Map.of("blksize", "1428")), sent.remove(0));
    transfer.onPacket(new TftpPacket.Ack(1), 5, out);
    assertTrue(sent.isEmpty(), "a stray ACK 1 before ACK 0 sends nothing");
    transfer.onPacket(new TftpPacket.Ack(0), 5, out);
    assertEquals(List.of(1), dataBlocks());
    assertEquals(Status.COMPLETED, transfer.onPacket(new TftpPacket.Ack(1), 6, out));
  }

  @Test
  void aDuplicateAckIsNeverAnsweredSoNoSorcerersApprentice() {
    ReadTransfer transfer = transfer(content(2000), 512, 1, Map.of());
    transfer.start(0, out);
    transfer.onPacket(new TftpPacket.Ack(1), 10, out);
    assertEquals(List.of(1, 2), dataBlocks());
    // A delayed copy of ACK 1 arrives: RFC 1350 would resend block 2 and double the traffic.
    assertEquals(Status.RUNNING, transfer.onPacket(new TftpPacket.Ack(1), 20, out));
    assertTrue(sent.isEmpty());
    assertEquals(1L, registry.snapshot().get("tftp.acks.duplicate"));
  }

  @Test
  void retransmitsOnTimeoutWithADoublingTimeoutThenGivesUp() {
    ReadTransfer transfer = transfer(content(100), 512, 1, Map.of());
    transfer.start(0, out);
    assertEquals(List.of(1), dataBlocks());
    assertEquals(1000, transfer.deadline());
    assertEquals(Status.RUNNING, transfer.onTimer(999, out));
    assertTrue(sent.isEmpty(), "nothing before the deadline");
    transfer.onTimer(1000, out);
    assertEquals(List.of(1), dataBlocks());
    assertEquals(3000, transfer.deadline());
    transfer.onTimer(3000, out);
    assertEquals(7000, transfer.deadline());
    transfer.onTimer(7000, out);
    assertEquals(15000, transfer.deadline());
    assertEquals(3, dataBlocks().size() + 1);
    assertEquals(Status.FAILED, transfer.onTimer(15000, out));
    assertEquals(TransferFailure.TIMEOUT, transfer.failure());
    assertEquals(3L, registry.snapshot().get("tftp.retransmits"));
    assertEquals(1L, registry.snapshot().get("tftp.transfers.failed.timeout"));
  }

  @Test
  void aClientThatAcksEachBlockAtItsLastTryIsEndedAtTheThirdBlock() {
    ReadTransfer transfer = transfer(content(512 * 100), 512, 1, Map.of());
    transfer.start(0, out);
    long now = 0;
    // Each block is acknowledged only after its three retries: each ACK starts them again.
    for (int block = 1; block <= 3; block++) {
      for (int retry = 1; retry <= 3; retry++) {
        now = transfer.deadline();
        Status status = transfer.onTimer(now, out);
        if (status == Status.FAILED) {
          assertEquals(3, block, "the first two blocks have every retry");
          assertEquals(TransferFailure.TOO_SLOW, transfer.failure());
          TftpPacket last = sent.get(sent.size() - 1);
          assertEquals(TftpErrorCode.NOT_DEFINED, ((TftpPacket.Error) last).code());
          assertEquals(1L, registry.snapshot().get("tftp.transfers.failed.too_slow"));
          return;
        }
      }
      assertEquals(Status.RUNNING, transfer.onPacket(new TftpPacket.Ack(block), now + 1, out));
    }
    throw new AssertionError("a client answering only at its last try was served on");
  }

  @Test
  void aLinkThatLosesAPacketEveryFourBlocksCompletes() {
    int blocks = 400;
    ReadTransfer transfer = transfer(content(512 * blocks - 1), 512, 1, Map.of());
    transfer.start(0, out);
    long now = 0;
    for (int block = 1; block <= blocks; block++) {
      if (block % 4 == 0) {
        now = transfer.deadline(); // this block or its ACK was lost: one retransmission
        assertEquals(Status.RUNNING, transfer.onTimer(now, out));
      }
      Status status = transfer.onPacket(new TftpPacket.Ack(block), ++now, out);
      assertEquals(block == blocks ? Status.COMPLETED : Status.RUNNING, status);
    }
    assertEquals(100L, registry.snapshot().get("tftp.retransmits"));
  }

  @Test
  void sendsAWindowAtATimeAndGoesBackToTheLastBlockAcknowledged() {
    ReadTransfer transfer = transfer(content(512 * 10 + 1), 512, 4, Map.of());
    transfer.start(0, out);
    assertEquals(List.of(1, 2, 3, 4), dataBlocks());
    transfer.onPacket(new TftpPacket.Ack(4), 1, out);
    assertEquals(List.of(5, 6, 7, 8), dataBlocks());
    // Blocks 7 and 8 were lost: the client acknowledges 6, the window restarts at 7 (RFC 7440).
    transfer.onPacket(new TftpPacket.Ack(6), 2, out);
    assertEquals(List.of(7, 8, 9, 10), dataBlocks());
    transfer.onPacket(new TftpPacket.Ack(10), 3, out);
    assertEquals(List.of(11), dataBlocks());
    assertEquals(Status.COMPLETED, transfer.onPacket(new TftpPacket.Ack(11), 4, out));
  }

  @Test
  void blockNumbersWrapFrom65535ToZero() {
    int blocks = 65537;
    byte[] content = content(8 * blocks - 3);
    ReadTransfer transfer = transfer(content, 8, 1, Map.of());
    transfer.start(0, out);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    Status status = Status.RUNNING;
    for (int i = 1; status == Status.RUNNING; i++) {
      TftpPacket.Data data = (TftpPacket.Data) sent.remove(0);
      assertEquals(i & 0xFFFF, data.block());
      received.writeBytes(data.data());
      status = transfer.onPacket(new TftpPacket.Ack(data.block()), i, out);
      assertTrue(i <= blocks, "ends at block " + blocks);
    }
    assertEquals(Status.COMPLETED, status);
    assertArrayEquals(content, received.toByteArray());
  }

  @Test
  void aClientErrorEndsTheTransferAndAnythingButAnAckIsIllegal() {
    ReadTransfer transfer = transfer(content(100), 512, 1, Map.of("tsize", "100"));
    transfer.start(0, out);
    assertEquals(
        Status.FAILED,
        transfer.onPacket(new TftpPacket.Error(TftpErrorCode.OPTION_REFUSED, "no"), 1, out));
    assertEquals(TransferFailure.CLIENT_ERROR, transfer.failure());

    ReadTransfer other = transfer(content(100), 512, 1, Map.of());
    other.start(0, out);
    sent.clear();
    assertEquals(Status.FAILED, other.onPacket(new TftpPacket.Data(1, new byte[1]), 1, out));
    assertEquals(TftpErrorCode.ILLEGAL_OPERATION, ((TftpPacket.Error) sent.get(0)).code());
  }
}
