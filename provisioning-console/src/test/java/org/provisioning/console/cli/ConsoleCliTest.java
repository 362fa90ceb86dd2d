package org.provisioning.console.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.auth.ConsoleAccess;
import org.provisioning.console.auth.PasswordHasher;
import org.provisioning.console.http.ManagementServer;
import org.provisioning.console.tls.ManagementTls;
import org.provisioning.console.tls.TlsMaterial;

/**
 * provisionctl's user, audit and tls commands against a console served over HTTPS on loopback (TLS
 * forced by the config), found through the server's config file as an operator runs it: the CLI
 * trusts the self-signed certificate in the data directory by its fingerprint.
 */
class ConsoleCliTest {
  @TempDir Path dir;
  private final List<BusRecord> journal = new ArrayList<>();
  private ManagementServer server;
  private ConsoleAccess access;
  private TlsMaterial tls;
  private Path configFile;

  @BeforeEach
  void start() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path data = dir.resolve("data");
    String document =
        "server: {name: alpha, dataDir: "
            + data
            + "}\nmanagement: {port: "
            + port
            + ", tls: {enabled: true}}\n";
    configFile = Files.writeString(dir.resolve("provisiond.yaml"), document);
    ConfigService config = new ConfigService(new ConfigCodec(), Clock.systemUTC());
    config.attach(
        (type, payload) -> {
          synchronized (journal) {
            BusRecord record = new BusRecord(1, journal.size() + 1, 0, type, payload);
            journal.add(record);
            return CompletableFuture.completedFuture(record);
          }
        });
    ProvisioningConfig running = config.seedFromFile(document).config();
    ApiToken token = ApiToken.loadOrCreate(data);
    AlertCenter alerts = new AlertCenter("alpha", Clock.systemUTC(), 10);
    ManagementApi api =
        new ManagementApi(
            token,
            () ->
                new ServerStatus(
                    "alpha",
                    "test",
                    Instant.now(),
                    Duration.ofSeconds(3),
                    Map.of("management", ServiceState.RUNNING)),
            new StatisticsRegistry(),
            alerts,
            config);
    access = new ConsoleAccess(Clock.systemUTC(), new PasswordHasher(1_000), Duration.ofMillis(1));
    access.attach(
        (type, payload) -> {
          synchronized (journal) {
            BusRecord record = new BusRecord(1, journal.size() + 1, 0, type, payload);
            journal.add(record);
            return CompletableFuture.completedFuture(record);
          }
        },
        1);
    access.install(api, token, alerts, config, running.management().login(), true);
    tls =
        ManagementTls.forListener(running.management(), "alpha", dir, data, Clock.systemUTC())
            .orElseThrow();
    server =
        new ManagementServer(
            api, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1 << 20, tls);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
    access.close();
  }

  private record Result(int exit, String out, String err) {}

  private Result ctl(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("--config", configFile.toString()));
    all.addAll(List.of(args));
    int exit =
        Provisionctl.run(
            all.toArray(String[]::new),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void managesUsersWithPasswordsFromStdinNeverFromArguments() {
    Result add =
        ctl("ada's long password\n", "user", "add", "ada", "--role", "admin", "--password-stdin");
    assertEquals(0, add.exit(), add.err());
    assertEquals("added ada (admin)", add.out().strip());
    Result empty = ctl("", "user", "add", "bob", "--role", "viewer", "--password-stdin");
    assertEquals(2, empty.exit());
    assertTrue(empty.err().contains("no password on standard input"), empty.err());
    Result bob =
        ctl("bob's long password\n", "user", "add", "bob", "--role", "viewer", "--password-stdin");
    assertEquals(0, bob.exit(), bob.err());

    Result list = ctl("", "user", "list");
    assertEquals(0, list.exit(), list.err());
    String[] lines = list.out().strip().split("\\R");
    assertEquals(3, lines.length, list.out());
    assertTrue(lines[1].startsWith("ada") && lines[1].contains("admin"), list.out());
    assertTrue(lines[2].startsWith("bob") && lines[2].contains("viewer"), list.out());
    assertTrue(lines[2].trim().endsWith("api-token"), list.out());

    assertEquals(
        0, ctl("bob's newer password\n", "user", "passwd", "bob", "--password-stdin").exit());
    assertEquals(0, ctl("", "user", "role", "bob", "operator").exit());
    assertEquals("operator", access.users().find("bob").orElseThrow().role().lowerCase());
    Result removed = ctl("", "user", "remove", "bob");
    assertEquals(0, removed.exit(), removed.err());
    assertTrue(access.users().find("bob").isEmpty());

    Result refused = ctl("short\n", "user", "add", "cy", "--role", "viewer", "--password-stdin");
    assertEquals(2, refused.exit());
    assertTrue(refused.err().contains("at least 10 characters"), refused.err());
    Result noTerminal = ctl("", "user", "add", "cy", "--role", "viewer");
    assertEquals(2, noTerminal.exit());
    assertTrue(noTerminal.err().contains("--password-stdin"), noTerminal.err());
    Result noSuchOption = ctl("", "user", "add", "cy", "--role", "viewer", "--password", "x");
    assertEquals(2, noSuchOption.exit(), "a password is never an argument");
  }

  @Test
  void statusAndTlsFingerprintShowTheServedCertificate() {
    Result status = ctl("", "status");
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("tls          sha256 " + tls.fingerprint()), status.out());
    Result fingerprint = ctl("", "tls", "fingerprint");
    assertEquals(tls.fingerprint(), fingerprint.out().strip());
  }

  @Test
  void aCertificateProvisionctlCannotTrustIsRefusedUnlessItsFingerprintIsGiven() throws Exception {
    // Another machine: no certificate file there, the server reached by URL.
    Path elsewhere =
        Files.writeString(
            dir.resolve("elsewhere.yaml"), "server: {dataDir: " + dir.resolve("nothing") + "}\n");
    String url = "https://127.0.0.1:" + server.localAddress().getPort();
    String tokenFile = dir.resolve("data").resolve(ApiToken.FILE_NAME).toString();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Provisionctl.run(
            new String[] {
              "--config", elsewhere.toString(), "--url", url, "--token-file", tokenFile, "status"
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(1, exit);
    assertTrue(err.toString().contains("--tls-fingerprint"), err.toString());

    exit =
        Provisionctl.run(
            new String[] {
              "--config",
              elsewhere.toString(),
              "--url",
              url,
              "--token-file",
              tokenFile,
              "--tls-fingerprint",
              tls.fingerprint().replace(":", "").toLowerCase(),
              "status"
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(0, exit, err.toString());
  }

  @Test
  void auditShowsWhoChangedTheConfigAndTheDiff() throws Exception {
    Path change =
        Files.writeString(
            dir.resolve("change.yaml"),
            Files.readString(configFile).replace("name: alpha", "name: beta"));
    Result set = ctl("", "config", "set", change.toString());
    assertEquals(0, set.exit(), set.err());
    Result audit = ctl("", "audit");
    assertEquals(0, audit.exit(), audit.err());
    String login = System.getProperty("user.name");
    assertTrue(
        audit.out().contains("alpha api-token (token (provisionctl, login " + login + "))"),
        audit.out());
    assertTrue(
        audit.out().contains("PUT /api/v1/config -> 200, config version 1 -> 2 (1 change)"),
        audit.out());
    assertTrue(audit.out().contains("    server.name: \"alpha\" -> \"beta\""), audit.out());
    assertFalse(audit.out().contains("secret"), audit.out());
  }
}
