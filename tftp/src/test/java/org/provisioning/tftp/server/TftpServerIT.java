package org.provisioning.tftp.server;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.config.TftpConfig;
import org.provisioning.common.control.TftpTransferView;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpMode;
import org.provisioning.tftp.message.TftpPacket;

/**
 * The server on a loopback port, driven by Commons Net's TFTPClient (which nobody here wrote) and,
 * for what no polite client does, by raw datagrams: traversal attempts, malformed and truncated
 * packets, unknown opcodes, an option storm, a flood of requests, duplicate ACKs.
 */
class TftpServerIT {
  @TempDir Path home;
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private TftpServer server;
  private int port;
  private byte[] firmware;

  @BeforeEach
  void start() throws Exception {
    Path root = Files.createDirectories(home.resolve("tftp"));
    firmware = new byte[200_000];
    new Random(7).nextBytes(firmware);
    Files.write(root.resolve("fw.bin"), firmware);
    Files.writeString(root.resolve("notes.txt"), "line one\nline two\n");
    Files.writeString(home.resolve("secret"), "outside the root");
    Files.createSymbolicLink(root.resolve("escape"), home.resolve("secret"));
    Files.createDirectories(home.resolve("uploads"));
    startWith(config(null, 2000));
  }

  /**
   * A change the running server cannot take (an upload directory not made yet) fails and stays
   * untaken: the same config applied again fails again until the directory exists, then takes. It
   * used to count as applied after failing, so the next version cleared the alert while the old
   * handler served on.
   */
  @Test
  void aChangeThatFailedIsTriedAgainNotTakenForApplied() throws Exception {
    TftpConfig later = config("later-uploads", 2000);
    assertThrows(Exception.class, () -> server.apply(later));
    assertThrows(Exception.class, () -> server.apply(later), "tried again, not taken as applied");
    Files.createDirectories(home.resolve("later-uploads"));
    server.apply(later);
    assertEquals(ServiceState.RUNNING, server.state());
  }

  /** A 16 MB tmpfs mounted at home/small (the tests run as root); unmount it when done. */
  private Path smallTmpfs() throws Exception {
    Path area = Files.createDirectories(home.resolve("small"));
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", area.toString())
            .redirectErrorStream(true)
            .start();
    assertEquals(0, mount.waitFor(), new String(mount.getInputStream().readAllBytes()));
    return area;
  }

  /** Every transfer may come from one address: the tests' clients are all on 127.0.0.1. */
  private static TftpConfig config(String writeRoot, int maxTransfers) {
    return config(writeRoot, maxTransfers, maxTransfers);
  }

  private static TftpConfig config(String writeRoot, int maxTransfers, int perClient) {
    return new TftpConfig(
        true,
        Ipv4Address.parse("127.0.0.1"),
        0,
        "tftp",
        writeRoot,
        maxTransfers,
        perClient,
        null,
        null,
        200,
        2,
        1_000_000L,
        null);
  }

  private void startWith(TftpConfig config) throws Exception {
    if (server != null) {
      server.stop();
    }
    server = new TftpServer(config, home, stats, List.of());
    server.start();
    assertEquals(ServiceState.RUNNING, server.state());
    port = server.localAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private long stat(String name) {
    return stats.snapshot().getOrDefault(name, 0L);
  }

  private byte[] get(String name, int mode) throws IOException {
    TFTPClient client = new TFTPClient();
    client.setDefaultTimeout(java.time.Duration.ofSeconds(2));
    client.open();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client.receiveFile(name, mode, out, InetAddress.getLoopbackAddress(), port);
      return out.toByteArray();
    } finally {
      client.close();
    }
  }

  @Test
  void commonsNetClientFetchesABinaryFileOfManyBlocks() throws Exception {
    assertArrayEquals(firmware, get("fw.bin", TFTP.BINARY_MODE));
    await().atMost(5, SECONDS).until(() -> stat("tftp.transfers.completed") == 1);
    assertEquals(firmware.length, stat("tftp.bytes.sent"));
    assertEquals(1, stat("tftp.requests.read"));
    assertEquals(0, stat("tftp.transfers.active"));
  }

  @Test
  void commonsNetClientFetchesNetasciiAsLocalText() throws Exception {
    // The client turns CR LF back into the local line end: the round trip is the file itself.
    assertEquals(
        "line one\nline two\n",
        new String(get("notes.txt", TFTP.ASCII_MODE), StandardCharsets.US_ASCII));
  }

  /**
   * Netascii is converted in memory, up to 256 KiB: the limit was the file's, and its conversion (a
   * CR before every LF) could double what each transfer slot held. A 200 KiB file of line ends is
   * refused as netascii, and served in octet mode.
   */
  @Test
  void netasciiIsRefusedWhenItsConvertedFormIsTooLarge() throws Exception {
    byte[] lines = "\n".repeat(200 << 10).getBytes(StandardCharsets.US_ASCII);
    Files.write(home.resolve("tftp/lines.txt"), lines);
    IOException refused = assertThrows(IOException.class, () -> get("lines.txt", TFTP.ASCII_MODE));
    assertTrue(refused.getMessage().contains("netascii"), refused.getMessage());
    assertEquals(1, stat("tftp.refused.netascii"));
    assertArrayEquals(lines, get("lines.txt", TFTP.BINARY_MODE));
  }

  @Test
  void refusesTraversalAndMissingFilesWithATftpErrorAndCountsThem() throws Exception {
    for (String name : List.of("../secret", "/etc/passwd", "escape", "sub/../../secret")) {
      IOException e = assertThrows(IOException.class, () -> get(name, TFTP.BINARY_MODE));
      assertTrue(e.getMessage().contains("access violation"), name + ": " + e.getMessage());
    }
    IOException missing = assertThrows(IOException.class, () -> get("nope", TFTP.BINARY_MODE));
    assertTrue(missing.getMessage().contains("file not found"), missing.getMessage());
    assertEquals(2, stat("tftp.refused.dotdot"));
    assertEquals(1, stat("tftp.refused.absolute"));
    assertEquals(1, stat("tftp.refused.symlink"));
    assertEquals(1, stat("tftp.refused.not_found"));
  }

  @Test
  void theConsoleSeesRecentTransfersAndFailuresApart() throws Exception {
    assertArrayEquals(firmware, get("fw.bin", TFTP.BINARY_MODE));
    assertThrows(IOException.class, () -> get("nope", TFTP.BINARY_MODE));
    try (RawClient client = new RawClient()) {
      client.send(port, new TftpPacket.Request(false, "notes.txt", TftpMode.OCTET, Map.of()));
      client.receive(); // then silence: the transfer times out after its retries
    }
    await().atMost(10, SECONDS).until(() -> server.transfers().recentTransfers().size() == 3);
    List<TftpTransferView.Transfer> all = server.transfers().recentTransfers();
    TftpTransferView.Transfer timedOut = all.get(0);
    assertEquals("notes.txt", timedOut.file());
    assertEquals(TftpTransferView.Outcome.FAILED, timedOut.outcome());
    assertEquals("timeout", timedOut.reason());
    TftpTransferView.Transfer missing = all.get(1);
    assertEquals("nope", missing.file());
    assertEquals(TftpTransferView.Outcome.REFUSED, missing.outcome());
    assertEquals("not_found", missing.reason());
    assertTrue(missing.client().startsWith("127.0.0.1:"), missing.client());
    TftpTransferView.Transfer sent = all.get(2);
    assertEquals("fw.bin", sent.file());
    assertEquals(TftpTransferView.Outcome.COMPLETED, sent.outcome());
    assertEquals(firmware.length, sent.octets());
    assertEquals("", sent.reason());
    assertEquals(List.of(timedOut, missing), server.transfers().recentFailures());
  }

  @Test
  void refusesWritesWhenReadOnlyAndStoresThemInTheWritableArea() throws Exception {
    byte[] upload = "uploaded config\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
    TFTPClient client = new TFTPClient();
    client.setDefaultTimeout(java.time.Duration.ofSeconds(2));
    client.open();
    try {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  client.sendFile(
                      "up.cfg",
                      TFTP.BINARY_MODE,
                      new ByteArrayInputStream(upload),
                      InetAddress.getLoopbackAddress(),
                      port));
      assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      assertEquals(1, stat("tftp.refused.write"));

      startWith(config("uploads", 2000));
      client.sendFile(
          "up.cfg",
          TFTP.BINARY_MODE,
          new ByteArrayInputStream(upload),
          InetAddress.getLoopbackAddress(),
          port);
    } finally {
      client.close();
    }
    await().atMost(5, SECONDS).until(() -> Files.exists(home.resolve("uploads/up.cfg")));
    assertArrayEquals(upload, Files.readAllBytes(home.resolve("uploads/up.cfg")));
    assertEquals(List.of("up.cfg"), listing(home.resolve("uploads")));
  }

  /**
   * The final ACK of an upload is lost and the client sends its last DATA again: the server, which
   * keeps the transfer's socket for a timeout after it (RFC 1350 section 6), ACKs it again. It used
   * to close the socket at once, and the client called a stored upload failed.
   */
  @Test
  void anUploadsLastDataSentAgainIsAcknowledgedAgain() throws Exception {
    startWith(config("uploads", 2000));
    try (RawClient client = new RawClient()) {
      client.send(port, new TftpPacket.Request(true, "again.bin", TftpMode.OCTET, Map.of()));
      RawClient.Received ack0 = client.receive();
      assertEquals(0, ((TftpPacket.Ack) ack0.packet()).block());
      TftpPacket.Data last = new TftpPacket.Data(1, new byte[100]);
      client.send(ack0.port(), last);
      assertEquals(1, ((TftpPacket.Ack) client.receive().packet()).block());
      client.send(ack0.port(), last); // as if that ACK were lost
      RawClient.Received again = client.receive();
      assertEquals(ack0.port(), again.port());
      assertEquals(1, ((TftpPacket.Ack) again.packet()).block());
    }
    assertEquals(List.of("again.bin"), listing(home.resolve("uploads")));
  }

  /**
   * Uploads accepted together, none written yet, each reserve the most they may write: on a 16 MB
   * tmpfs (the floor a twentieth of it) with uploads of at most 1,000,000 octets, 15 are accepted
   * and the rest refused, and the disk is never filled. Checked one by one against free space
   * alone, all 20 were accepted and together filled it. A client that writes more than the size it
   * declared (tsize) is stopped there.
   */
  @Test
  void uploadsUnderWayKeepTheirRoomAndADeclaredSizeIsTheMost() throws Exception {
    Path area = smallTmpfs();
    List<RawClient> uploaders = new java.util.ArrayList<>();
    try {
      startWith(config("small", 2000)); // maxWriteBytes 1,000,000
      int accepted = 0;
      for (int i = 0; i < 20; i++) {
        RawClient client = new RawClient();
        uploaders.add(client);
        client.send(
            port, new TftpPacket.Request(true, "up" + i + ".bin", TftpMode.OCTET, Map.of()));
        if (client.receive().packet() instanceof TftpPacket.Ack) {
          accepted++;
        }
      }
      assertEquals(15, accepted);
      assertEquals(5, stat("tftp.refused.disk_low"));

      try (RawClient liar = new RawClient()) {
        liar.send(
            port, new TftpPacket.Request(true, "liar.bin", TftpMode.OCTET, Map.of("tsize", "600")));
        RawClient.Received oack = liar.receive();
        assertInstanceOf(TftpPacket.OptionAck.class, oack.packet());
        liar.send(oack.port(), new TftpPacket.Data(1, new byte[512]));
        assertInstanceOf(TftpPacket.Ack.class, liar.receive().packet());
        liar.send(oack.port(), new TftpPacket.Data(2, new byte[512]));
        assertEquals(
            TftpErrorCode.DISK_FULL,
            assertInstanceOf(TftpPacket.Error.class, liar.receive().packet()).code());
      }
    } finally {
      uploaders.forEach(RawClient::close);
      server.stop();
      new ProcessBuilder("umount", area.toString()).start().waitFor();
    }
  }

  /**
   * Uploads of maxWriteBytes each, without end, filled the disk; on the data directory's, the
   * journal failed and provisiond stopped. An upload that would leave less than a twentieth of the
   * upload area's file system free is refused (here a 16 MB tmpfs the test mounts, as root).
   */
  @Test
  void anUploadThatWouldFillTheDiskIsRefused() throws Exception {
    Path area = smallTmpfs();
    try {
      startWith(config("small", 2000)); // maxWriteBytes 1,000,000
      Files.write(area.resolve("filler.bin"), new byte[15 << 20]);
      TFTPClient client = new TFTPClient();
      client.setDefaultTimeout(java.time.Duration.ofSeconds(2));
      client.open();
      try {
        byte[] upload = new byte[1000];
        IOException full =
            assertThrows(
                IOException.class,
                () ->
                    client.sendFile(
                        "up.bin",
                        TFTP.BINARY_MODE,
                        new ByteArrayInputStream(upload),
                        InetAddress.getLoopbackAddress(),
                        port));
        assertTrue(full.getMessage().contains("too full"), full.getMessage());
        assertEquals(1, stat("tftp.refused.disk_low"));

        Files.delete(area.resolve("filler.bin"));
        client.sendFile(
            "up.bin",
            TFTP.BINARY_MODE,
            new ByteArrayInputStream(upload),
            InetAddress.getLoopbackAddress(),
            port);
      } finally {
        client.close();
      }
      await().atMost(5, SECONDS).until(() -> Files.exists(area.resolve("up.bin")));
    } finally {
      server.stop();
      new ProcessBuilder("umount", area.toString()).start().waitFor();
    }
  }

  private static List<String> listing(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void negotiatesOptionsAndSendsWindowsFromANewPort() throws Exception {
    try (RawClient client = new RawClient()) {
      Map<String, String> options = new LinkedHashMap<>();
      options.put("blksize", "1400");
      options.put("tsize", "0");
      options.put("windowsize", "4");
      options.put("timeout", "1");
      client.send(port, new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, options));
      RawClient.Received oack = client.receive();
      assertTrue(oack.port() != port, "a transfer answers from its own port (its TID)");
      assertEquals(
          Map.of(
              "blksize",
              "1400",
              "tsize",
              Integer.toString(firmware.length),
              "windowsize",
              "4",
              "timeout",
              "1"),
          ((TftpPacket.OptionAck) oack.packet()).options());
      client.send(oack.port(), new TftpPacket.Ack(0));
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      int block = 0;
      while (true) {
        TftpPacket.Data data = (TftpPacket.Data) client.receive().packet();
        assertEquals(block + 1, data.block());
        block = data.block();
        received.writeBytes(data.data());
        if (data.data().length < 1400) {
          client.send(oack.port(), new TftpPacket.Ack(block));
          break;
        }
        if (block % 4 == 0) {
          client.send(oack.port(), new TftpPacket.Ack(block));
        }
      }
      assertArrayEquals(firmware, received.toByteArray());
    }
    await().atMost(5, SECONDS).until(() -> stat("tftp.transfers.completed") == 1);
    assertEquals(1, stat("tftp.options.windowsize"));
    assertEquals(1, stat("tftp.options.blksize"));
  }

  @Test
  void duplicateAcksAreNotAnsweredAndTimeoutsRetransmit() throws Exception {
    try (RawClient client = new RawClient()) {
      client.send(port, new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, Map.of()));
      RawClient.Received first = client.receive();
      assertEquals(1, ((TftpPacket.Data) first.packet()).block());
      client.send(first.port(), new TftpPacket.Ack(1));
      assertEquals(2, ((TftpPacket.Data) client.receive().packet()).block());
      client.send(first.port(), new TftpPacket.Ack(1));
      client.send(first.port(), new TftpPacket.Ack(1));
      // Nothing answers the duplicates; block 2 comes again only when its timer (200 ms) fires.
      RawClient.Received again = client.receiveWithin(150);
      assertNull(again, "no DATA in answer to a duplicate ACK");
      assertEquals(2, ((TftpPacket.Data) client.receive().packet()).block());
      assertTrue(stat("tftp.acks.duplicate") >= 2);
      assertTrue(stat("tftp.retransmits") >= 1);

      // A stranger writing to the transfer's port gets ERROR 5 once; the transfer goes on. Neither
      // its ERROR nor its next datagrams are answered: a stranger that answers every datagram
      // (another transfer, a time server) kept the two sending to each other for the transfer's
      // whole life.
      try (RawClient stranger = new RawClient()) {
        stranger.send(first.port(), new TftpPacket.Ack(2));
        assertEquals(
            TftpErrorCode.UNKNOWN_TID, ((TftpPacket.Error) stranger.receive().packet()).code());
        stranger.send(first.port(), new TftpPacket.Error(TftpErrorCode.UNKNOWN_TID, "unknown"));
        stranger.send(first.port(), new TftpPacket.Ack(2));
        assertNull(stranger.receiveWithin(300), "one ERROR 5 per transfer, none to an ERROR");
      }
      client.send(first.port(), new TftpPacket.Ack(2));
      assertEquals(3, ((TftpPacket.Data) client.receive().packet()).block());
      // Then the client goes silent: the transfer gives up after its retries.
    }
    await().atMost(10, SECONDS).until(() -> stat("tftp.transfers.failed.timeout") == 1);
    assertEquals(0, stat("tftp.transfers.active"));
  }

  /**
   * The same request again, from a client that answered the transfer and then fell silent for a
   * timeout, is a client that started over (a modem rebooted and kept its port): it gets a new
   * transfer at once. It used to be taken for a duplicate and ignored for as long as the old
   * transfer lived (up to half a minute).
   */
  @Test
  void theSameRequestAfterTheClientAnsweredAndFellSilentStartsTheTransferAgain() throws Exception {
    try (RawClient client = new RawClient()) {
      TftpPacket.Request request =
          new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, Map.of());
      client.send(port, request);
      RawClient.Received first = client.receive();
      client.send(first.port(), new TftpPacket.Ack(1));
      assertEquals(2, ((TftpPacket.Data) client.receive().packet()).block());

      Thread.sleep(300); // the config's timeout is 200 ms
      client.send(port, request);
      RawClient.Received again = client.receive();
      while (again.port() == first.port()) { // a retransmission of the old transfer in flight
        again = client.receive();
      }
      assertEquals(1, ((TftpPacket.Data) again.packet()).block(), "from the start, at once");
      assertEquals(0, stat("tftp.requests.duplicate"));
    }
  }

  /**
   * The client's retransmitted request, queued behind its first while the server was slow, reaches
   * the server just after the client answered the transfer: a duplicate. Taken for a new request,
   * it closed the transfer the client was bound to and started another, which the client refused (a
   * stranger's port): the download failed, in a reboot storm, for every client slow enough.
   */
  @Test
  void aRetransmittedRequestRightAfterTheClientAnsweredLeavesTheTransferRunning() throws Exception {
    try (RawClient client = new RawClient()) {
      TftpPacket.Request request =
          new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, Map.of());
      client.send(port, request);
      RawClient.Received first = client.receive();
      client.send(first.port(), new TftpPacket.Ack(1));
      client.send(port, request);

      java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
      received.write(((TftpPacket.Data) first.packet()).data());
      int expected = 2;
      while (true) {
        RawClient.Received next = client.receive();
        assertEquals(first.port(), next.port(), "every block from the transfer the client is on");
        TftpPacket.Data data = (TftpPacket.Data) next.packet();
        if (data.block() == expected) {
          received.write(data.data());
          expected++;
        }
        client.send(first.port(), new TftpPacket.Ack(data.block()));
        if (data.block() == expected - 1 && data.data().length < 512) {
          break;
        }
      }
      assertArrayEquals(firmware, received.toByteArray());
      assertEquals(1, stat("tftp.requests.duplicate"));
    }
  }

  /**
   * After the timeout backed off, an ACK brings it back to the first one: the next lost block is
   * sent again after that, not after what remained of the longest backoff.
   */
  @Test
  void anAckAfterBackoffBringsTheNextRetransmissionBackToTheFirstTimeout() throws Exception {
    startWith(
        new TftpConfig(
            true,
            Ipv4Address.parse("127.0.0.1"),
            0,
            "tftp",
            null,
            2000,
            null,
            null,
            null,
            200,
            3,
            1_000_000L,
            null));
    try (RawClient client = new RawClient()) {
      client.send(port, new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, Map.of()));
      RawClient.Received first = client.receive();
      for (int i = 0; i < 3; i++) { // lost three times: the timeout grows to 1.6 s
        assertEquals(1, ((TftpPacket.Data) client.receive().packet()).block());
      }
      client.send(first.port(), new TftpPacket.Ack(1));
      assertEquals(2, ((TftpPacket.Data) client.receive().packet()).block());
      long sent = System.nanoTime();
      assertEquals(2, ((TftpPacket.Data) client.receive().packet()).block(), "block 2 again");
      long millis = (System.nanoTime() - sent) / 1_000_000;
      assertTrue(millis < 1_000, "sent again after " + millis + " ms; 200 expected, not 1,600");
    }
  }

  @Test
  void malformedPacketsUnknownOpcodesAndOptionStormsAreCountedAndServingGoesOn() throws Exception {
    try (RawClient client = new RawClient()) {
      client.send(port, new byte[0]);
      client.send(port, new byte[] {0});
      client.send(port, new byte[] {0, 9, 1, 2});
      client.send(port, new byte[] {(byte) 0xff, (byte) 0xff});
      client.send(port, "\0\1fw.bin".getBytes(StandardCharsets.ISO_8859_1));
      client.send(port, "\0\1fw.bin\0octet\0blksize".getBytes(StandardCharsets.ISO_8859_1));
      client.send(port, "\0\1fw.bin\0.txt\0octet\0".getBytes(StandardCharsets.ISO_8859_1));
      client.send(port, new TftpPacket.Ack(1));
      StringBuilder storm = new StringBuilder("\0\1fw.bin\0octet\0");
      for (int i = 0; i < 40; i++) {
        storm.append("opt").append(i).append("\0").append(i).append("\0");
      }
      client.send(port, storm.toString().getBytes(StandardCharsets.ISO_8859_1));
      Map<String, String> unknown = new LinkedHashMap<>();
      for (int i = 0; i < 16; i++) {
        unknown.put("vendor" + i, "x".repeat(20));
      }
      client.send(port, new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, unknown));
      // Unknown options are left out: no OACK, the transfer starts as RFC 1350 says.
      assertEquals(1, ((TftpPacket.Data) client.receive().packet()).block());
    }
    assertEquals(2, stat("tftp.dropped.truncated"));
    assertEquals(2, stat("tftp.dropped.unknown_opcode"));
    assertEquals(2, stat("tftp.dropped.unterminated_string"));
    assertEquals(1, stat("tftp.dropped.unknown_mode"));
    assertEquals(1, stat("tftp.dropped.not_a_request"));
    assertEquals(1, stat("tftp.dropped.option_storm"));
    assertEquals(16, stat("tftp.options.unknown"));
    assertArrayEquals(firmware, get("fw.bin", TFTP.BINARY_MODE));
  }

  /**
   * Read requests asking timeout 255 and never answered held their transfer slots for over two
   * hours (backed off 8 times over): 20 of them (2000 on a default server) left every modem "server
   * busy". A client that never answers now loses its transfer once the configured timeout's retries
   * have run out (here 200 + 400 + 800 ms, and one more timeout for the last answer), whatever
   * timeout it asked for.
   */
  @Test
  void transfersNobodyAnswersEndSoonWhateverTimeoutTheyAskedFor() throws Exception {
    startWith(config(null, 20));
    List<RawClient> silent = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        RawClient client = new RawClient();
        silent.add(client);
        client.send(
            port,
            new TftpPacket.Request(
                false, "fw.bin", TftpMode.OCTET, Map.of("timeout", "255", "tsize", "0")));
        assertInstanceOf(TftpPacket.OptionAck.class, client.receive().packet());
      }
      await().atMost(5, SECONDS).until(() -> stat("tftp.transfers.active") == 0);
      assertEquals(20, stat("tftp.transfers.failed.timeout"));
      assertArrayEquals(firmware, get("fw.bin", TFTP.BINARY_MODE), "a place is free again");
    } finally {
      silent.forEach(RawClient::close);
    }
  }

  /**
   * A client that asks timeout 255 and answers once is no longer waited for 255 s a try (over two
   * hours a block, backed off): the timeout is declined, and its slot comes free after the
   * configured timeout's retries, so that a few hosts cannot keep every modem "server busy".
   */
  @Test
  void aClientThatAnswersOnceCannotHoldItsSlotForHours() throws Exception {
    startWith(config(null, 20));
    List<RawClient> stalling = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        RawClient client = new RawClient();
        stalling.add(client);
        client.send(
            port,
            new TftpPacket.Request(
                false, "fw.bin", TftpMode.OCTET, Map.of("timeout", "255", "tsize", "0")));
        RawClient.Received oack = client.receive();
        assertEquals(Map.of("tsize", "200000"), ((TftpPacket.OptionAck) oack.packet()).options());
        client.send(oack.port(), new TftpPacket.Ack(0)); // once, then silence
      }
      await().atMost(10, SECONDS).until(() -> stat("tftp.transfers.active") == 0);
      assertArrayEquals(firmware, get("fw.bin", TFTP.BINARY_MODE), "a place is free again");
    } finally {
      stalling.forEach(RawClient::close);
    }
  }

  /**
   * One address may hold a quarter of the transfer slots by default: a host that opened requests
   * from port after port (and held each for hours by asking timeout 255 and answering once) took
   * every slot, and every modem got "server busy". Others are served meanwhile.
   */
  @Test
  void oneAddressCannotTakeEveryTransferSlot() throws Exception {
    startWith(config(null, 20, 5));
    List<RawClient> greedy = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        RawClient client = new RawClient();
        greedy.add(client);
        client.send(port, new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, Map.of()));
      }
      int refused = 0;
      for (RawClient client : greedy) {
        if (client.receive().packet() instanceof TftpPacket.Error error) {
          assertEquals(TftpErrorCode.NOT_DEFINED, error.code());
          refused++;
        }
      }
      assertEquals(3, refused);
      assertEquals(3, stat("tftp.refused.client_busy"));
      try (RawClient other = new RawClient(java.net.InetAddress.getByName("127.0.0.2"))) {
        other.send(port, new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, Map.of()));
        assertEquals(1, ((TftpPacket.Data) other.receive().packet()).block(), "another host");
      }
    } finally {
      greedy.forEach(RawClient::close);
    }
  }

  @Test
  void aFloodOfRequestsBeyondTheLimitIsRefusedAtOnceAndServingGoesOn() throws Exception {
    startWith(config(null, 20));
    List<RawClient> clients = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 60; i++) {
        RawClient client = new RawClient();
        clients.add(client);
        client.send(port, new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, Map.of()));
        // The same request again from the same port: one transfer per client port.
        client.send(port, new TftpPacket.Request(false, "fw.bin", TftpMode.OCTET, Map.of()));
      }
      int data = 0;
      int busy = 0;
      for (RawClient client : clients) {
        RawClient.Received received = client.receive();
        TftpPacket packet = received.packet();
        // Every answer, refusals included, comes from a port other than the request port.
        assertTrue(received.port() != port);
        if (packet instanceof TftpPacket.Data) {
          data++;
        } else {
          assertEquals(
              TftpErrorCode.NOT_DEFINED, assertInstanceOf(TftpPacket.Error.class, packet).code());
          busy++;
        }
      }
      assertEquals(20, data);
      assertEquals(40, busy);
      // Each refused client asked twice, and was refused twice: it has no transfer to repeat.
      await().atMost(5, SECONDS).until(() -> stat("tftp.refused.busy") == 80);
      assertTrue(stat("tftp.requests.duplicate") >= 20, "repeats of running transfers ignored");
    } finally {
      clients.forEach(RawClient::close);
    }
    // The abandoned transfers time out (200 ms, 2 retries) and free their places.
    await().atMost(10, SECONDS).until(() -> stat("tftp.transfers.active") == 0);
    assertArrayEquals(firmware, get("fw.bin", TFTP.BINARY_MODE));
  }
}
