package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.provisioning.dist.Distribution.Result;

/**
 * The packaged bin/provisiond run inside a network namespace ({@code ip netns exec} execs it, so
 * the process is the JVM itself), and bin/provisionctl run there too: the management API listens on
 * that namespace's 127.0.0.1.
 */
final class NamespacedProvisiond implements AutoCloseable {
  private final NetworkNamespaces namespaces;
  private final String namespace;
  private final Path config;
  private final Path log;
  private Process process;

  NamespacedProvisiond(NetworkNamespaces namespaces, String namespace, Path config, Path log) {
    this.namespaces = namespaces;
    this.namespace = namespace;
    this.config = config;
    this.log = log;
  }

  /** Starts the server and waits (up to 30 s) until its API answers. */
  void start() throws Exception {
    Process started =
        HostTools.start(
            namespaces.exec(
                namespace,
                Distribution.HOME.resolve("bin/provisiond").toString(),
                "--config",
                config.toString()),
            log,
            log);
    process = started;
    await()
        .atMost(30, SECONDS)
        .pollInterval(250, MILLISECONDS)
        .until(() -> !started.isAlive() || provisionctl("status").exit() == 0);
    assertTrue(started.isAlive(), () -> "provisiond died at start:\n" + log());
  }

  /** Waits up to {@code limit} for the server to end by itself; returns its exit status. */
  int awaitExit(Duration limit) throws InterruptedException {
    assertTrue(
        process.waitFor(limit.toMillis(), MILLISECONDS),
        () -> "provisiond still runs after " + limit.toSeconds() + " s:\n" + log());
    int exit = process.exitValue();
    process = null;
    return exit;
  }

  /** SIGKILL: no shutdown hook, no flush. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      assertTrue(process.waitFor(10, SECONDS), "provisiond still alive 10 s after SIGKILL");
      process = null;
    }
  }

  /** SIGTERM, then SIGKILL if it has not stopped within 20 s. */
  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(20, SECONDS)) {
        process.destroyForcibly().waitFor(10, SECONDS);
      }
      process = null;
    }
  }

  Result provisionctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Distribution.HOME.resolve("bin/provisionctl").toString());
    command.add("--config");
    command.add(config.toString());
    command.addAll(List.of(args));
    return HostTools.run(
        Duration.ofSeconds(60), namespaces.exec(namespace, command.toArray(String[]::new)));
  }

  /** MAC to address of every bound lease, from {@code provisionctl leases}; one per MAC. */
  Map<String, String> boundLeasesByMac() throws IOException, InterruptedException {
    Result result = provisionctl("leases", "--state", "bound", "--limit", "100000");
    assertEquals(0, result.exit(), result.err());
    Map<String, String> byMac = new HashMap<>();
    result
        .out()
        .lines()
        .skip(1)
        .map(line -> line.trim().split("\\s+"))
        .filter(words -> words.length >= 3 && words[2].equals("bound"))
        .forEach(
            words -> {
              String previous = byMac.put(words[1], words[0]);
              assertTrue(previous == null, () -> "two bound leases of " + words[1]);
            });
    return byMac;
  }

  /** The DHCP counters, name to value. */
  Map<String, String> dhcpStats() throws IOException, InterruptedException {
    Result result = provisionctl("stats", "--prefix", "dhcp.");
    assertEquals(0, result.exit(), result.err());
    Map<String, String> stats = new HashMap<>();
    result
        .out()
        .lines()
        .map(line -> line.split(" ", 2))
        .filter(words -> words.length == 2)
        .forEach(words -> stats.put(words[0], words[1]));
    return stats;
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }
}
