package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dist.Distribution.Result;

/**
 * The packaged provisiond and provisionctl, run as an operator runs them: config checking, the API
 * through the CLI, a config change that survives {@code kill -9}, a clean stop on SIGTERM.
 */
class ProvisiondIT {
  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopEverythingStarted() throws InterruptedException {
    for (Process process : started) {
      process.destroyForcibly();
      process.waitFor(10, SECONDS);
    }
  }

  private Path config(String name, String serverName) throws IOException {
    return Files.writeString(
        dir.resolve(name),
        "server: {name: "
            + serverName
            + ", dataDir: "
            + dir.resolve("data")
            + "}\n"
            + "management: {port: "
            + FreePorts.tcp()
            + "}\n");
  }

  private Process startServer(Path config) throws IOException {
    Process process = Distribution.startServer(config, dir.resolve("provisiond.log"));
    started.add(process);
    return process;
  }

  private String log() {
    return Distribution.read(dir.resolve("provisiond.log"));
  }

  @Test
  void checkConfigPrintsEveryErrorWithItsPath() throws Exception {
    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            """
            server:
              nmae: headend-1
            management:
              port: 99999
            dhcp:
              subnets:
                - subnet: 127.16.0.0/16
                  pools:
                    - range: 127.16.0.0-127.15.0.0
            """);
    Result result = Distribution.run("provisiond", "--check-config", bad.toString());
    assertEquals(2, result.exit(), result.err());
    assertTrue(
        result.err().contains("server.nmae: unknown key 'nmae'; did you mean 'name'?"),
        result.err());
    assertTrue(
        result.err().contains("management.port: 99999 is not a port number 1-65535"), result.err());
    assertTrue(
        result
            .err()
            .contains(
                "dhcp.subnets[0].pools[0].range: 127.16.0.0-127.15.0.0 ends before it starts"),
        result.err());
    assertTrue(result.err().contains("3 errors"), result.err());
  }

  @Test
  void defaultConfigChecksOk() throws Exception {
    Result result =
        Distribution.run(
            "provisiond",
            "--check-config",
            Distribution.HOME.resolve("conf/provisiond.yaml").toString());
    assertEquals(0, result.exit(), result.err());
    assertEquals("ok", result.out().strip());
  }

  @Test
  void refusesToStartOnAnInvalidConfig() throws Exception {
    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"), "failover: {heartbeatMillis: 100, deadAfterMillis: 100}\n");
    Result result = Distribution.run("provisiond", "--config", bad.toString());
    assertEquals(2, result.exit());
    assertTrue(
        result
            .err()
            .contains("failover.deadAfterMillis: 100 ms is under three heartbeat intervals"),
        result.err());
  }

  @Test
  void configChangeThroughTheApiSurvivesKillDashNine() throws Exception {
    Path config = config("provisiond.yaml", "alpha");
    Process first = startServer(config);

    Path change =
        Files.writeString(
            dir.resolve("change.yaml"),
            Files.readString(config).replace("name: alpha", "name: beta"));
    Result set =
        Distribution.run(
            "provisionctl", "--config", config.toString(), "config", "set", change.toString());
    assertEquals(0, set.exit(), set.err());
    assertEquals("ok: version 2 is running", set.out().strip());

    Path invalid = Files.writeString(dir.resolve("invalid.yaml"), "server: {name: gamma, id: 0}\n");
    Result refused =
        Distribution.run(
            "provisionctl", "--config", config.toString(), "config", "set", invalid.toString());
    assertEquals(2, refused.exit());
    assertTrue(refused.err().contains("server.id"), refused.err());

    first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
    assertTrue(first.waitFor(10, SECONDS));

    startServer(config);
    Result get = Distribution.run("provisionctl", "--config", config.toString(), "config", "get");
    assertEquals(0, get.exit(), get.err());
    assertTrue(get.out().startsWith("# version 2, api"), get.out());
    assertTrue(get.out().contains("name: beta"), get.out());
    Result status = Distribution.run("provisionctl", "--config", config.toString(), "status");
    assertTrue(status.out().startsWith("beta  version"), status.out());
  }

  @Test
  void stopsCleanlyOnSigtermAndRefusesASecondServerOnTheSameData() throws Exception {
    Path config = config("provisiond.yaml", "alpha");
    Process server = startServer(config);

    Path second = config("second.yaml", "alpha");
    Result refused = Distribution.run("provisiond", "--config", second.toString());
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("another provisiond is running"), refused.err());

    server.destroy(); // SIGTERM
    assertTrue(server.waitFor(20, SECONDS), "stopped within 20 s");
    assertTrue(log().contains("PROVISIOND_STOPPED"), log());
  }
}
