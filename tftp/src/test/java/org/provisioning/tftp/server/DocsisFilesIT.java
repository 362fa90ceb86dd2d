package org.provisioning.tftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.DocsisConfig;
import org.provisioning.common.config.DocsisFileConfig;
import org.provisioning.common.config.TftpConfig;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.OsTool;
import org.provisioning.tftp.docsis.DocsisFileGenerator;

/**
 * A modem at 127.0.0.1 (its lease from a fake lease store) fetches its generated config file over
 * the wire with Commons Net's TFTPClient and with atftp (blksize, tsize); the file is the golden
 * one the docsis encoder wrote for the same values.
 */
class DocsisFilesIT {
  @TempDir Path home;
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private TftpServer server;
  private DocsisFileGenerator generator;
  private int port;
  private byte[] golden;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(home.resolve("tftp"));
    Files.createDirectories(home.resolve("conf"));
    Files.write(home.resolve("conf/cm.txt"), resource("cm-template.txt"));
    golden = resource("cm-rendered.bin");
    Ipv4Address modem = Ipv4Address.parse("127.0.0.1");
    LeaseRecord lease =
        new LeaseRecord(
            modem,
            1,
            HexFormat.of().parseHex("001122334455"),
            null,
            LeaseState.BOUND,
            0,
            Long.MAX_VALUE,
            1,
            "cm-1",
            "gold",
            null,
            null);
    DocsisConfig docsis =
        new DocsisConfig(
            "headend-secret",
            true,
            List.of(
                new DocsisFileConfig(
                    "cm-{mac}.cfg",
                    "conf/cm.txt",
                    null,
                    true,
                    Map.of(
                        "maxCpe",
                        "4",
                        "upRate",
                        "2000000",
                        "downRate",
                        "50000000",
                        "ip",
                        "10.1.2.3"),
                    Map.of())),
            List.of(),
            0,
            null);
    generator =
        new DocsisFileGenerator(
            docsis,
            home,
            a -> a.equals(modem) ? Optional.of(lease) : Optional.empty(),
            Clock.systemUTC(),
            stats,
            new AlertCenter(Clock.systemUTC(), 10));
    TftpConfig config =
        new TftpConfig(
            true, modem, 0, "tftp", null, null, null, null, null, null, null, null, docsis);
    server = new TftpServer(config, home, stats, List.of(generator));
    server.start();
    port = server.localAddress().getPort();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in =
        DocsisFilesIT.class.getResourceAsStream("/org/provisioning/tftp/docsis/" + name)) {
      return in.readAllBytes();
    }
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void commonsNetClientGetsTheModemsGeneratedFile() throws Exception {
    TFTPClient client = new TFTPClient();
    client.setDefaultTimeout(java.time.Duration.ofSeconds(2));
    client.open();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client.receiveFile(
          "cm-001122334455.cfg", TFTP.BINARY_MODE, out, InetAddress.getLoopbackAddress(), port);
      assertArrayEquals(golden, out.toByteArray());
      IOException other =
          assertThrows(
              IOException.class,
              () ->
                  client.receiveFile(
                      "cm-00aabbccddee.cfg",
                      TFTP.BINARY_MODE,
                      new ByteArrayOutputStream(),
                      InetAddress.getLoopbackAddress(),
                      port));
      assertTrue(other.getMessage().contains("not for this address"), other.getMessage());
    } finally {
      client.close();
    }
    assertEquals(1L, stats.snapshot().get("tftp.refused.docsis_mac_mismatch"));
  }

  @Test
  void atftpGetsItWithBlksizeAndTsize() throws Exception {
    Path atftp = OsTool.require("atftp", "atftp");
    Path out = home.resolve("cm.out");
    OsTool.Result result =
        OsTool.run(
            Map.of(),
            30,
            atftp,
            "--get",
            "-r",
            "cm-001122334455.cfg",
            "-l",
            out.toString(),
            "--option",
            "blksize 1428",
            "--option",
            "tsize 0",
            "127.0.0.1",
            Integer.toString(port));
    assertEquals(0, result.exit(), result.output());
    assertArrayEquals(golden, Files.readAllBytes(out));
    assertEquals(1L, stats.snapshot().get("tftp.docsis.generated"));
  }
}
