package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the journal (a tmpfs the test mounts and unmounts): the journal fails (ENOSPC)
 * and provisiond stops by itself with exit status 3 after raising {@code BUS_JOURNAL_FAILED},
 * instead of running on unable to give any lease, which in a pair would also keep its partner,
 * still getting heartbeats, from taking over. Alone under perfdhcp (in a network namespace of the
 * test's own), it starts again with room with every lease perfdhcp saw acknowledged; in a pair, the
 * secondary takes over with every lease the primary gave. Needs root, ip, mount and perfdhcp
 * (.ci/run installs them); a missing one fails the test.
 */
class JournalFailureIT {
  @TempDir Path dir;
  private NetworkNamespaces namespaces;
  private NamespacedProvisiond server;
  private ProvisiondPair pair;
  private Path disk; // mounted: unmounted after the test

  @AfterEach
  void stopServerUnmountAndDeleteNamespace() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
      if (pair != null) {
        pair.close();
      }
    } finally {
      try {
        if (disk != null) {
          HostTools.check(HostTools.require("umount", "mount"), disk.toString());
        }
      } finally {
        if (namespaces != null) {
          namespaces.close();
        }
      }
    }
  }

  /**
   * A pair whose primary's disk fills: a backup's snapshot rolls the journal to a new segment,
   * which finds no room for its zeros. The primary stops (exit 3), so the secondary, which no
   * longer gets its heartbeats, takes over within seconds with every lease the primary
   * acknowledged; with room again the primary comes back and the pair returns to NORMAL.
   */
  @Test
  void aPrimaryWhoseDiskFillsStopsAndTheSecondaryServesEveryLeaseItGave() throws Exception {
    HostTools.requireRoot();
    String mount = HostTools.require("mount", "mount");
    Path primaryData = Files.createDirectories(dir.resolve("primary").resolve("data"));
    HostTools.check(mount, "-t", "tmpfs", "-o", "size=4m", "tmpfs", primaryData.toString());
    disk = primaryData;
    pair = ProvisiondPair.start(dir, ProvisiondPair.ONE_BIG_POOL, false);
    ProvisiondPair.Server primary = pair.primary();
    ProvisiondPair.Server secondary = pair.secondary();

    Map<Integer, DualRelay.Ack> acked = new LinkedHashMap<>();
    int n = 0;
    try (DualRelay relay = new DualRelay(pair.dhcpPort())) {
      while (acked.size() < 40) {
        DualRelay.Ack ack = relay.bind(n++, 2_000);
        if (ack != null) {
          acked.put(ack.client(), ack);
        }
      }
      fill(primaryData.resolve("filler"));
      // The backup's snapshot rolls the journal to a new segment: the roll, or the first lease
      // record after it, finds no room for the segment's zeros (the small snapshot may fit).
      primary.ctl("backup", dir.resolve("primary.backup").toString());
      DualRelay.Ack fromSecondary = null;
      long filledAt = System.nanoTime();
      while (fromSecondary == null && System.nanoTime() - filledAt < SECONDS.toNanos(10)) {
        DualRelay.Ack ack = relay.bind(n++, 500);
        if (ack != null && ack.server().equals(ProvisiondPair.SECONDARY)) {
          fromSecondary = ack;
        }
      }
      assertTrue(primary.process().waitFor(30, SECONDS), "the primary stops by itself");
      String log = Files.readString(primary.log());
      assertEquals(3, primary.process().exitValue(), log);
      assertTrue(log.contains("BUS_JOURNAL_FAILED id="), log);
      assertTrue(fromSecondary != null, "the secondary answered within 10 s of the disk filling");
      assertEquals("PARTNER_DOWN", secondary.state());
    }
    JsonNode leases = secondary.api("/leases?state=bound&limit=5000");
    Map<String, String> macByAddress = new HashMap<>();
    for (JsonNode lease : leases.path("leases")) {
      macByAddress.put(lease.path("ip").asText(), lease.path("mac").asText());
    }
    for (DualRelay.Ack ack : acked.values()) {
      assertEquals(
          DualRelay.macText(ack.client()),
          macByAddress.get(ack.address().toString()),
          ack.server() + " acknowledged " + ack.address() + " to client " + ack.client());
    }

    Files.delete(primaryData.resolve("filler"));
    primary.start();
    pair.awaitNormal(Duration.ofSeconds(30));
  }

  /** Writes {@code file} until the disk has no room left. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
  }

  @Test
  void aFullDiskStopsTheServerWithItsAlertAndLosesNoAcknowledgedLease() throws Exception {
    HostTools.requireRoot();
    String mount = HostTools.require("mount", "mount");
    Path mountPoint = Files.createDirectories(dir.resolve("disk"));
    HostTools.check(mount, "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint.toString());
    disk = mountPoint;
    namespaces = new NetworkNamespaces(HostTools.require("ip", "iproute2"), "pjfail");
    RelayedPerfdhcp perfdhcp = RelayedPerfdhcp.in(namespaces);
    server = perfdhcp.server(dir, disk.resolve("data"));
    server.start();

    // The journal's active segment is filled with zeros 1 MB ahead of its records: the first MB
    // of lease records (over 10,000 leases) fits the 2 MB disk, the next preallocation does not.
    String out = perfdhcp.run("-r", "3000", "-p", "20");
    int exit = server.awaitExit(Duration.ofSeconds(30));
    String log = server.log();
    assertEquals(3, exit, () -> "exit status of a server whose journal failed:\n" + log);
    assertTrue(log.contains("BUS_JOURNAL_WRITE_FAILED"), log);
    assertTrue(log.contains("BUS_JOURNAL_FAILED id="), () -> "the alert was raised:\n" + log);
    assertTrue(log.contains("PROVISIOND_JOURNAL_FAILED"), log);
    Map<String, String> acked = RelayedPerfdhcp.ackedLeasesByMac(out);
    assertTrue(acked.size() > 1000, () -> acked.size() + " leases acknowledged before it stopped");

    // Room again: the server starts on the same data with every lease it acknowledged.
    HostTools.check(mount, "-o", "remount,size=16m", disk.toString());
    server.start();
    Map<String, String> bound = server.boundLeasesByMac();
    for (Map.Entry<String, String> lease : acked.entrySet()) {
      assertEquals(lease.getValue(), bound.get(lease.getKey()), "the lease of " + lease.getKey());
    }
  }
}
