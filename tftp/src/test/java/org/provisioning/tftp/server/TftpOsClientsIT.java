package org.provisioning.tftp.server;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.config.TftpConfig;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.OsTool;

/**
 * The TFTP clients operators use, which nobody here wrote: tftp-hpa's {@code tftp} and {@code
 * atftp} with blksize, tsize and windowsize. A missing client fails the test; .ci/run installs
 * them.
 */
class TftpOsClientsIT {
  @TempDir Path home;
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final Path tftp = OsTool.require("tftp", "tftp-hpa");
  private final Path atftp = OsTool.require("atftp", "atftp");
  private TftpServer server;
  private String port;
  private byte[] firmware;

  @BeforeEach
  void start() throws Exception {
    Path root = Files.createDirectories(home.resolve("tftp"));
    firmware = new byte[300_001];
    new Random(11).nextBytes(firmware);
    Files.write(root.resolve("fw.bin"), firmware);
    Files.writeString(root.resolve("notes.txt"), "one\ntwo\n");
    Files.createDirectories(home.resolve("uploads"));
    server =
        new TftpServer(
            new TftpConfig(
                true,
                Ipv4Address.parse("127.0.0.1"),
                0,
                "tftp",
                "uploads",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            home,
            stats,
            List.of());
    server.start();
    port = Integer.toString(server.localAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private long stat(String name) {
    return stats.snapshot().getOrDefault(name, 0L);
  }

  @Test
  void tftpHpaGetsBinaryAndNetascii() throws Exception {
    Path out = home.resolve("fw.out");
    OsTool.Result result =
        OsTool.run(
            Map.of(),
            30,
            tftp,
            "-m",
            "binary",
            "127.0.0.1",
            port,
            "-c",
            "get",
            "fw.bin",
            out.toString());
    assertEquals(0, result.exit(), result.output());
    assertArrayEquals(firmware, Files.readAllBytes(out));

    Path text = home.resolve("notes.out");
    result =
        OsTool.run(
            Map.of(),
            30,
            tftp,
            "-m",
            "ascii",
            "127.0.0.1",
            port,
            "-c",
            "get",
            "notes.txt",
            text.toString());
    assertEquals(0, result.exit(), result.output());
    assertEquals("one\ntwo\n", Files.readString(text, StandardCharsets.US_ASCII));
  }

  @Test
  void tftpHpaIsToldWhatIsMissingOrRefused() throws Exception {
    OsTool.Result missing =
        OsTool.run(
            Map.of(),
            30,
            tftp,
            "127.0.0.1",
            port,
            "-c",
            "get",
            "nope.cfg",
            home.resolve("x").toString());
    assertTrue(missing.output().contains("Error code 1: file not found"), missing.output());
    OsTool.Result traversal =
        OsTool.run(
            Map.of(),
            30,
            tftp,
            "127.0.0.1",
            port,
            "-c",
            "get",
            "../../etc/passwd",
            home.resolve("y").toString());
    assertTrue(
        traversal.output().contains("Access violation")
            || traversal.output().contains("access violation"),
        traversal.output());
    assertEquals(1, stat("tftp.refused.dotdot"));
  }

  @Test
  void tftpHpaPutsIntoTheWritableArea() throws Exception {
    Path upload = Files.writeString(home.resolve("modem.log"), "uploaded\n".repeat(300));
    assertStoredAsSent(upload, putWithTftpHpa("binary", upload));
  }

  /**
   * tftp-hpa in its ascii mode (its default) sends netascii: the file is stored with its own line
   * ends again. Such uploads used to be refused ("uploads must be octet mode").
   */
  @Test
  void tftpHpaPutsInNetascii() throws Exception {
    Path upload =
        Files.writeString(home.resolve("notes.log"), "line one\nline two\r\n".repeat(100));
    assertStoredAsSent(upload, putWithTftpHpa("ascii", upload));
  }

  /**
   * curl uploads a stream of unknown length with tsize 0, which declares no size: it is taken up to
   * the upload limit. It used to be refused at its first block as over a limit of 0 octets.
   */
  @Test
  void curlUploadsAStreamOfUnknownSize() throws Exception {
    Path curl = OsTool.require("curl", "curl");
    Path upload = Files.writeString(home.resolve("stream.log"), "streamed\n".repeat(500));
    OsTool.Result result =
        OsTool.run(
            Map.of(),
            30,
            Path.of("/bin/sh"),
            "-c",
            "\"$0\" -sS -T - tftp://127.0.0.1:" + port + "/stream.log < \"$1\"",
            curl.toString(),
            upload.toString());
    assertStoredAsSent(upload, result);
  }

  /** tftp-hpa puts {@code upload} under its own name, in {@code mode}. */
  private OsTool.Result putWithTftpHpa(String mode, Path upload) throws Exception {
    String name = upload.getFileName().toString();
    return OsTool.run(
        Map.of(), 30, tftp, "-m", mode, "127.0.0.1", port, "-c", "put", upload.toString(), name);
  }

  /** The client succeeded, and the upload area holds the file under its name as it was sent. */
  private void assertStoredAsSent(Path upload, OsTool.Result result) throws Exception {
    assertEquals(0, result.exit(), result.output());
    Path stored = home.resolve("uploads").resolve(upload.getFileName());
    await().atMost(5, SECONDS).until(() -> Files.exists(stored));
    assertEquals(Files.readString(upload), Files.readString(stored));
  }

  @Test
  void atftpNegotiatesBlksizeAndTsize() throws Exception {
    Path out = home.resolve("fw.atftp");
    OsTool.Result result =
        OsTool.run(
            Map.of(),
            30,
            atftp,
            "--get",
            "-r",
            "fw.bin",
            "-l",
            out.toString(),
            "--option",
            "blksize 1428",
            "--option",
            "tsize 0",
            "127.0.0.1",
            port);
    assertEquals(0, result.exit(), result.output());
    assertArrayEquals(firmware, Files.readAllBytes(out));
    await().atMost(5, SECONDS).until(() -> stat("tftp.transfers.completed") == 1);
    assertEquals(1, stat("tftp.options.blksize"));
    assertEquals(1, stat("tftp.options.tsize"));
    assertFalse(stat("tftp.retransmits") > 10, "a clean loopback transfer barely retransmits");
  }

  @Test
  void atftpNegotiatesAWindow() throws Exception {
    Path out = home.resolve("fw.window");
    OsTool.Result result =
        OsTool.run(
            Map.of(),
            30,
            atftp,
            "--get",
            "-r",
            "fw.bin",
            "-l",
            out.toString(),
            "--option",
            "blksize 1024",
            "--option",
            "windowsize 8",
            "127.0.0.1",
            port);
    assertEquals(0, result.exit(), result.output());
    assertArrayEquals(firmware, Files.readAllBytes(out));
    assertEquals(1, stat("tftp.options.windowsize"));
  }
}
