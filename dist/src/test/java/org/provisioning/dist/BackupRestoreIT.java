package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.console.api.ApiToken;
import org.provisioning.dhcp.testing.RelayedDhcpClient;
import org.provisioning.dist.Distribution.Result;
import org.provisioning.dns.zone.DnsZone;
import org.xbill.DNS.Type;

/**
 * {@code provisionctl backup} while a relay keeps binding clients through the packaged provisiond,
 * then {@code provisionctl restore} into a fresh data folder: the server started on it holds every
 * lease acknowledged before the backup began, by address and MAC. A backup with one byte changed is
 * refused and changes nothing. A DNS zone's nsupdate records and serial reservation go with it.
 */
class BackupRestoreIT {
  @TempDir Path dir;
  private Process server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.destroyForcibly();
      server.waitFor(10, SECONDS);
    }
  }

  @Test
  void restoreOnAFreshDataFolderHoldsEveryLeaseAckedBeforeTheBackup() throws Exception {
    int dhcpPort;
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      dhcpPort = socket.getLocalPort();
    }
    String document =
        """
        server: {name: backed-up, dataDir: %s}
        management: {port: %d}
        dhcp:
          enabled: true
          listen: 127.0.0.1
          port: %d
          serverIdentifier: 127.0.0.1
          subnets:
            - subnet: 127.16.0.0/16
              relays: [127.0.0.2]
              pools: [{range: 127.16.0.10-127.16.31.250}]
        """;
    int managementPort = FreePorts.tcp();
    Path original =
        Files.writeString(
            dir.resolve("original.yaml"),
            document.formatted(dir.resolve("data"), managementPort, dhcpPort));
    server = start(original, dir.resolve("data"), managementPort);
    // As a paired server keeps it (a standalone one does not read it; the backup takes it).
    Path secret = dir.resolve("data").resolve("failover.secret");
    Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

    Map<Integer, Ipv4Address> acked = new ConcurrentHashMap<>();
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicReference<Throwable> loadFailure = new AtomicReference<>();
    Thread load =
        new Thread(
            () -> {
              try (RelayedDhcpClient relay =
                  new RelayedDhcpClient(
                      Ipv4Address.parse("127.0.0.2"),
                      new InetSocketAddress("127.0.0.1", dhcpPort))) {
                for (int n = 0; loading.get() && n < 7_000; n += 25) {
                  acked.putAll(relay.bindRange(n, n + 25, 25, System.currentTimeMillis() + 10_000));
                }
              } catch (Throwable e) {
                loadFailure.set(e);
              }
            },
            "dhcp-load");
    load.start();
    await().atMost(60, SECONDS).until(() -> acked.size() >= 300 || !load.isAlive());
    Map<Integer, Ipv4Address> beforeBackup = new HashMap<>(acked);
    assertTrue(
        beforeBackup.size() >= 300, "clients bound before the backup: " + beforeBackup.size());
    Path backup = dir.resolve("under-load.backup");
    Result taken = backup(original, backup);
    int duringBackup = acked.size() - beforeBackup.size();
    loading.set(false);
    load.join(30_000);
    assertEquals(null, loadFailure.get(), "the load ran");
    assertEquals(0, taken.exit(), taken.out() + taken.err());
    assertTrue(duringBackup > 0, "clients were bound while the backup was taken");
    server.destroy();
    assertTrue(server.waitFor(30, SECONDS));

    Path fresh =
        Files.writeString(
            dir.resolve("fresh.yaml"),
            document.formatted(dir.resolve("fresh-data"), managementPort, dhcpPort));
    Path damaged = dir.resolve("damaged.backup");
    byte[] bytes = Files.readAllBytes(backup);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(damaged, bytes);
    Result refused = restoreData(fresh, damaged);
    assertEquals(2, refused.exit(), refused.out() + refused.err());
    assertTrue(refused.err().contains("damaged"), refused.err());
    assertFalse(Files.exists(dir.resolve("fresh-data")), "a refused restore changes nothing");

    Result restored = restoreData(fresh, backup);
    assertEquals(0, restored.exit(), restored.out() + restored.err());
    Path restoredSecret = dir.resolve("fresh-data").resolve("failover.secret");
    assertEquals(Files.readString(secret), Files.readString(restoredSecret));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(restoredSecret)),
        "the pairing secret is its owner's only, as provisiond writes it");
    server = start(fresh, dir.resolve("fresh-data"), managementPort);
    Result leases =
        Distribution.run(
            "provisionctl",
            "--config",
            fresh.toString(),
            "leases",
            "--state",
            "bound",
            "--limit",
            "10000");
    assertEquals(0, leases.exit(), leases.err());
    Map<String, String> macByAddress = new HashMap<>();
    leases
        .out()
        .lines()
        .map(line -> line.trim().split("\\s+"))
        .filter(columns -> columns.length >= 2 && columns[0].startsWith("127."))
        .forEach(columns -> macByAddress.put(columns[0], columns[1]));
    for (Map.Entry<Integer, Ipv4Address> ack : beforeBackup.entrySet()) {
      assertEquals(
          HexFormat.ofDelimiter(":").formatHex(RelayedDhcpClient.mac(ack.getKey())),
          macByAddress.get(ack.getValue().toString()),
          "lease of client " + ack.getKey() + " acknowledged before the backup");
    }
  }

  /**
   * A zone's state goes with the backup to a new host: nsupdate's records (journaled) and its
   * serial reservation. 300 updates of one name take the serial 300 past the clock while leaving
   * one RRset to lay over the zone at start, so only the reservation keeps the restored zone's
   * serial above the one a secondary took before the backup. The console serves HTTPS here, as it
   * does on any address but loopback: the backup is taken over it, with the pinned certificate.
   */
  @Test
  void restoreOnAFreshDataFolderKeepsDnsUpdatesAndTheSerialAboveTheBackups() throws Exception {
    int dnsPort = FreePorts.tcp();
    DnsProbe dns = new DnsProbe("127.0.0.1", dnsPort);
    // %s, not %d: the numbers must not follow the locale's digits.
    String document =
        """
        server: {name: backed-up, dataDir: %s}
        management: {port: %s, tls: {enabled: true}}
        dns:
          enabled: true
          listen: 127.0.0.1
          port: %s
          keys: [{name: ddns-key, algorithm: hmac-sha256, secret: %s}]
          zones:
            - name: cable.example.net
              nameServers: [ns1.cable.example.net]
              records: ["ns1 A 127.0.0.1"]
              updateKeys: [ddns-key]
        """;
    int managementPort = FreePorts.tcp();
    Path original =
        Files.writeString(
            dir.resolve("original.yaml"),
            document.formatted(dir.resolve("data"), managementPort, dnsPort, DnsProbe.SECRET));
    server = Distribution.startServer(original, dir.resolve("original.log"));
    StringBuilder script = new StringBuilder("server 127.0.0.1 " + dnsPort + "\n");
    script.append("zone cable.example.net\n");
    for (int i = 1; i <= 300; i++) {
      script.append("update delete printer.cable.example.net A\n");
      script.append("update add printer.cable.example.net 300 A 127.0.1.").append(i % 250 + 1);
      script.append("\nsend\n");
    }
    Result updated = DnsProbe.nsupdate(Files.writeString(dir.resolve("updates.txt"), script));
    assertEquals(0, updated.exit(), updated.out() + updated.err());
    long backedUpSerial = dns.serial("cable.example.net.");
    assertTrue(backedUpSerial > System.currentTimeMillis() / 1000 + 200, "ahead of the clock");
    Path backup = dir.resolve("dns.backup");
    Result taken = backup(original, backup);
    assertEquals(0, taken.exit(), taken.out() + taken.err());
    server.destroy();
    assertTrue(server.waitFor(30, SECONDS));

    Path fresh =
        Files.writeString(
            dir.resolve("fresh.yaml"),
            document.formatted(
                dir.resolve("fresh-data"), managementPort, dnsPort, DnsProbe.SECRET));
    Result restored = restoreData(fresh, backup);
    assertEquals(0, restored.exit(), restored.out() + restored.err());
    server = Distribution.startServer(fresh, dir.resolve("fresh.log"));
    assertEquals("127.0.1.51", dns.answer("printer.cable.example.net.", Type.A));
    long restoredSerial = dns.serial("cable.example.net.");
    assertTrue(
        DnsZone.serialGreater(restoredSerial, backedUpSerial),
        restoredSerial + " after restoring from " + backedUpSerial);

    // A restore interrupted between its two moves (the journal aside, the restored one not yet in
    // its place) is refused at start, where an empty journal was made and no lease served.
    server.destroy();
    assertTrue(server.waitFor(30, SECONDS));
    Path waiting = Files.createDirectories(dir.resolve("fresh-data").resolve(".restoring-crash"));
    Files.move(dir.resolve("fresh-data").resolve("journal"), waiting.resolve("journal"));
    Result refused = Distribution.run("provisiond", "--config", fresh.toString());
    assertTrue(refused.exit() != 0, refused.out() + refused.err());
    assertTrue(
        (refused.out() + refused.err()).contains("a restore was interrupted"),
        refused.out() + refused.err());
    assertFalse(Files.exists(dir.resolve("fresh-data").resolve("journal")), "no empty journal");
  }

  /** {@code provisionctl backup FILE} against the server of {@code config}. */
  private static Result backup(Path config, Path file) throws Exception {
    return Distribution.run(
        "provisionctl", "--config", config.toString(), "backup", file.toString());
  }

  /** {@code provisionctl restore --keep-config FILE} into the data folder of {@code config}. */
  private static Result restoreData(Path config, Path file) throws Exception {
    return Distribution.run(
        "provisionctl", "--config", config.toString(), "restore", "--keep-config", file.toString());
  }

  /** Starts the packaged server; returns once its API answers (polled without a JVM per poll). */
  private Process start(Path config, Path data, int managementPort) throws Exception {
    Path log = dir.resolve(config.getFileName() + ".log");
    return Distribution.startServer(config, log, () -> answers(data, managementPort));
  }

  private static boolean answers(Path data, int port) throws Exception {
    String token = ApiToken.read(data.resolve(ApiToken.FILE_NAME)).value();
    return HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/status"))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode()
        == 200;
  }
}
