package org.provisioning.tftp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.tftp.codec.TftpCodec;
import org.provisioning.tftp.engine.TftpTransfer.Status;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpPacket;

/** The upload state machine, driven by hand. */
class WriteTransferTest {
  @TempDir Path dir;
  private final StatisticsRegistry registry = new StatisticsRegistry();
  private final TftpStatistics stats = new TftpStatistics(registry);
  private final List<TftpPacket> sent = new ArrayList<>();
  private final TftpTransfer.Output out =
      bytes -> {
        try {
          sent.add(TftpCodec.decode(bytes, bytes.length));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };

  private WriteTransfer transfer(long maxBytes) throws Exception {
    return transfer(false, maxBytes);
  }

  private WriteTransfer transfer(boolean netascii, long maxBytes) throws Exception {
    return new WriteTransfer(
        dir.resolve("up.bin"),
        new TftpOptions(4, 1, 1000, Map.of()),
        netascii,
        maxBytes,
        2,
        stats,
        () -> {});
  }

  private List<String> files() throws Exception {
    try (var list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void acknowledgesEachBlockAgainWhenItIsRepeatedAndAppearsOnlyWhenComplete() throws Exception {
    WriteTransfer transfer = transfer(100);
    transfer.start(0, out);
    assertEquals(new TftpPacket.Ack(0), sent.remove(0));
    transfer.onPacket(new TftpPacket.Data(1, new byte[] {1, 2, 3, 4}), 1, out);
    assertEquals(new TftpPacket.Ack(1), sent.remove(0));
    assertFalse(Files.exists(dir.resolve("up.bin")), "nothing visible before the last block");
    // Our ACK 1 was lost: the client sends block 1 again and gets ACK 1 again, written once.
    transfer.onPacket(new TftpPacket.Data(1, new byte[] {1, 2, 3, 4}), 2, out);
    assertEquals(new TftpPacket.Ack(1), sent.remove(0));
    assertEquals(
        Status.COMPLETED, transfer.onPacket(new TftpPacket.Data(2, new byte[] {5}), 3, out));
    assertEquals(new TftpPacket.Ack(2), sent.remove(0));
    assertEquals(List.of(1, 2, 3, 4, 5), toList(Files.readAllBytes(dir.resolve("up.bin"))));
    assertEquals(List.of("up.bin"), files());
    assertEquals(5L, registry.snapshot().get("tftp.bytes.received"));
  }

  @Test
  void refusesAnUploadOverTheLimitAndLeavesNothingBehind() throws Exception {
    WriteTransfer transfer = transfer(6);
    transfer.start(0, out);
    transfer.onPacket(new TftpPacket.Data(1, new byte[4]), 1, out);
    assertEquals(Status.FAILED, transfer.onPacket(new TftpPacket.Data(2, new byte[4]), 2, out));
    assertEquals(TftpErrorCode.DISK_FULL, ((TftpPacket.Error) sent.get(sent.size() - 1)).code());
    transfer.close();
    assertEquals(List.of(), files());
    assertEquals(1L, registry.snapshot().get("tftp.transfers.failed.write_error"));
  }

  @Test
  void resendsItsLastAckOnTimeoutThenGivesUpAndCleansUp() throws Exception {
    WriteTransfer transfer = transfer(100);
    transfer.start(0, out);
    sent.clear();
    transfer.onTimer(1000, out);
    transfer.onTimer(3000, out);
    assertEquals(List.of(new TftpPacket.Ack(0), new TftpPacket.Ack(0)), sent);
    assertEquals(Status.FAILED, transfer.onTimer(7000, out));
    transfer.close();
    assertTrue(files().isEmpty());
  }

  @Test
  void aClientThatSendsEachBlockAtOurLastTryIsEndedAndLeavesNothingBehind() throws Exception {
    WriteTransfer transfer = transfer(1_000);
    transfer.start(0, out);
    // Two retries per block (the test's setting), each block sent only after both.
    for (int block = 1; block <= 2; block++) {
      assertEquals(Status.RUNNING, transfer.onTimer(transfer.deadline(), out));
      assertEquals(Status.RUNNING, transfer.onTimer(transfer.deadline(), out));
      long now = transfer.deadline() - 1;
      TftpPacket.Data data = new TftpPacket.Data(block, new byte[4]);
      assertEquals(Status.RUNNING, transfer.onPacket(data, now, out));
    }
    assertEquals(Status.RUNNING, transfer.onTimer(transfer.deadline(), out));
    assertEquals(Status.FAILED, transfer.onTimer(transfer.deadline(), out));
    assertEquals(TransferFailure.TOO_SLOW, transfer.failure());
    assertEquals(TftpErrorCode.NOT_DEFINED, ((TftpPacket.Error) sent.get(sent.size() - 1)).code());
    transfer.close();
    assertEquals(List.of(), files());
  }

  /**
   * A netascii upload is stored with local line ends: CR LF becomes LF, CR NUL a CR, also when the
   * pair is split between two blocks (of 4 octets here); a CR that ends the upload stays.
   */
  @Test
  void aNetasciiUploadIsStoredWithLocalLineEnds() throws Exception {
    WriteTransfer transfer = transfer(true, 100);
    transfer.start(0, out);
    byte[][] blocks = {
      {'a', '\r', '\n', 'b'}, {'\r', 0, 'c', '\r'}, {'\n', 'd', '\r', '\n'}, {'e', '\r'}
    };
    for (int i = 0; i < blocks.length; i++) {
      Status status = transfer.onPacket(new TftpPacket.Data(i + 1, blocks[i]), i + 1, out);
      assertEquals(i == blocks.length - 1 ? Status.COMPLETED : Status.RUNNING, status);
    }
    assertEquals("a\nb\rc\nd\ne\r", Files.readString(dir.resolve("up.bin")));
  }

  private static List<Integer> toList(byte[] bytes) {
    List<Integer> list = new ArrayList<>();
    for (byte b : bytes) {
      list.add((int) b);
    }
    return list;
  }
}
