package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dist.Distribution.Result;

/**
 * The packaged provisiond with TFTP and ToD on, asked by tftp-hpa's tftp and by rdate (clients
 * nobody here wrote), watched through provisionctl. A missing tool fails: .ci/run installs them.
 */
class ProvisiondServicesIT {
  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopEverythingStarted() throws InterruptedException {
    for (Process process : started) {
      process.destroy();
      if (!process.waitFor(20, SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, SECONDS);
      }
    }
  }

  private static Path tool(String command, String debianPackage) {
    for (String d : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) {
        return Path.of(d, command);
      }
    }
    return fail(
        command + " is not installed; install Debian's " + debianPackage + " (.ci/run does)");
  }

  private static String run(Path tool, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(tool.toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(command + " did not finish in 30 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), command + ": " + output);
    return output;
  }

  @Test
  void servesFilesByTftpAndTheTimeByRfc868AndShowsBothInStatusAndStats() throws Exception {
    Path tftp = tool("tftp", "tftp-hpa");
    Path rdate = tool("rdate", "rdate");
    int tftpPort = FreePorts.tcp();
    int todPort = FreePorts.tcp();
    Path root = dir.resolve("tftp-root");
    Path config =
        Files.writeString(
            dir.resolve("provisiond.yaml"),
            "server: {dataDir: "
                + dir.resolve("data")
                + "}\n"
                + "management: {port: "
                + FreePorts.tcp()
                + "}\n"
                + "tftp:\n  enabled: true\n  port: "
                + tftpPort
                + "\n  root: "
                + root
                + "\n  docsis:\n    sharedSecret: headend-secret\n    files:\n"
                + "      - pattern: \"cm-{mac}.cfg\"\n"
                + "        template: conf/docsis/cm.txt\n"
                // Until DHCP is merged, provisiond finds no lease: serve by the MAC in the name.
                + "        requireLease: false\n"
                + "        variables: {maxCpe: 3, upRate: 1000000, downRate: 20000000}\n"
                + "tod: {enabled: true, port: "
                + todPort
                + "}\n");
    started.add(Distribution.startServer(config, dir.resolve("provisiond.log")));
    assertTrue(Files.isDirectory(root), "the served root is made at start");

    Files.writeString(root.resolve("modem.cfg"), "static config\n");
    Path fetched = dir.resolve("fetched.cfg");
    run(
        tftp,
        "-m",
        "binary",
        "127.0.0.1",
        Integer.toString(tftpPort),
        "-c",
        "get",
        "modem.cfg",
        fetched.toString());
    assertEquals("static config\n", Files.readString(fetched));

    Path generated = dir.resolve("cm.cfg");
    run(
        tftp,
        "-m",
        "binary",
        "127.0.0.1",
        Integer.toString(tftpPort),
        "-c",
        "get",
        "cm-001122334455.cfg",
        generated.toString());
    Path rendered = dir.resolve("rendered.cfg");
    Result render =
        Distribution.run(
            "provisionctl",
            "--config",
            config.toString(),
            "tftp",
            "render",
            "--mac",
            "00:11:22:33:44:55",
            "--output",
            rendered.toString());
    assertEquals(0, render.exit(), render.err());
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        Files.readAllBytes(rendered), Files.readAllBytes(generated));
    Result text =
        Distribution.run(
            "provisionctl",
            "--config",
            config.toString(),
            "tftp",
            "render",
            "--mac",
            "00:11:22:33:44:55");
    assertTrue(text.out().contains("MaxCPE 3;"), text.out());
    assertTrue(text.out().contains("/* CmtsMic "), text.out());

    String time = run(rdate, "-p", "-o", Integer.toString(todPort), "127.0.0.1");
    assertTrue(time.contains(Integer.toString(Year.now().getValue())), time);
    String udpTime = run(rdate, "-p", "-u", "-o", Integer.toString(todPort), "127.0.0.1");
    assertTrue(udpTime.contains(Integer.toString(Year.now().getValue())), udpTime);

    Result status = Distribution.run("provisionctl", "--config", config.toString(), "status");
    assertTrue(status.out().matches("(?s).*\\n  tftp +running\\n.*"), status.out());
    assertTrue(status.out().matches("(?s).*\\n  tod +running\\n.*"), status.out());
    Result stats = Distribution.run("provisionctl", "--config", config.toString(), "stats");
    assertTrue(stats.out().contains("tftp.transfers.completed 2"), stats.out());
    assertTrue(stats.out().contains("tftp.docsis.generated 1"), stats.out());
    assertTrue(stats.out().contains("tod.tcp.served 1"), stats.out());
    assertTrue(stats.out().contains("tod.udp.served 1"), stats.out());
  }

  /**
   * A config change one service cannot take (TFTP moved to a port another program holds) is
   * alerted, the services after it take it all the same, and the same version applied again once
   * the port is free brings the service back. Before, the first failure left ToD and DNS on the old
   * version, only a log line said so, and the same config again changed nothing.
   */
  @Test
  void aServiceThatCannotTakeAChangeIsAlertedAndTheOthersTakeIt() throws Exception {
    Path rdate = tool("rdate", "rdate");
    int todPort = FreePorts.tcp();
    Path config =
        Files.writeString(
            dir.resolve("provisiond.yaml"),
            "server: {dataDir: "
                + dir.resolve("data")
                + "}\nmanagement: {port: "
                + FreePorts.tcp()
                + "}\ntftp: {enabled: true, port: "
                + FreePorts.udp("127.0.0.1")
                + ", root: "
                + dir.resolve("tftp-root")
                + "}\ntod: {enabled: true, port: "
                + todPort
                + "}\n");
    started.add(Distribution.startServer(config, dir.resolve("provisiond.log")));
    String running = ctl(config, "config", "get");

    int movedTod = FreePorts.tcp();
    try (DatagramSocket taken =
        new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
      String moved =
          running
              .replaceFirst("(?m)^(tftp:\\n(?:  .*\\n)*?  port: )\\d+", "$1" + taken.getLocalPort())
              .replaceFirst("(?m)^(tod:\\n(?:  .*\\n)*?  port: )\\d+", "$1" + movedTod);
      Path change = Files.writeString(dir.resolve("moved.yaml"), moved);
      ctl(config, "config", "set", change.toString());

      String alerts = ctl(config, "alerts");
      assertTrue(alerts.contains("SERVICE_RECONFIGURE_FAILED tftp"), alerts);
      assertTrue(ctl(config, "status").matches("(?s).*\\n  tftp +failed\\n.*"));
      String time = run(rdate, "-p", "-o", Integer.toString(movedTod), "127.0.0.1");
      assertTrue(time.contains(Integer.toString(Year.now().getValue())), "ToD moved: " + time);

      taken.close();
      ctl(config, "config", "set", change.toString());
    }
    assertTrue(ctl(config, "status").matches("(?s).*\\n  tftp +running\\n.*"));
    assertTrue(ctl(config, "alerts").contains("no active alerts"));
  }

  private static String ctl(Path config, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("--config", config.toString()));
    command.addAll(List.of(args));
    Result result = Distribution.run("provisionctl", command.toArray(String[]::new));
    assertEquals(0, result.exit(), command + ": " + result.out() + result.err());
    return result.out();
  }
}
