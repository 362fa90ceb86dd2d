package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.auth.FirstAdmin;
import org.provisioning.dhcp.testing.RelayedDhcpClient;
import org.provisioning.dist.Distribution.Result;

/**
 * {@code provisionctl setup} driven by flags alone, as a script drives it: on the distribution's
 * default config it writes a secondary (127.0.0.3) that prints its pairing secret and a primary
 * (127.0.0.1) given that secret; both pass {@code --check-config}, and the two packaged servers
 * started on them pair on loopback (NORMAL on both sides) and the secondary holds the lease a
 * relayed client gets from the primary. An invalid answer writes nothing.
 *
 * <p>The primary's wizard is also given its first console admin ({@code --admin}, the password in a
 * file): that admin logs in through {@code POST /api/v1/session} once the primary runs. A password
 * too weak is refused before anything is written, with the very line {@code provisionctl user add}
 * prints for it.
 */
class SetupWizardIT {
  private static final String ADA_PASSWORD = "ada's long password";

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();
  private final Map<Path, Integer> apiPorts = new HashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process process : started) {
      process.destroyForcibly();
      process.waitFor(10, SECONDS);
    }
  }

  @Test
  void flagsMakeAPrimaryAndASecondaryThatPairWithEachOther() throws Exception {
    int dhcpPort;
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      dhcpPort = socket.getLocalPort();
    }
    List<String> ports =
        List.of(
            "--dhcp-port", Integer.toString(dhcpPort),
            "--tftp-port", Integer.toString(FreePorts.tcp()),
            "--dns-port", Integer.toString(FreePorts.tcp()),
            "--tod-port", Integer.toString(FreePorts.tcp()),
            "--failover-port", Integer.toString(FreePorts.failover()));

    Path secondary = installedConfig("secondary");
    Result wizard =
        setup(
            secondary,
            ports,
            "--name",
            "headend-b",
            "--role",
            "secondary",
            "--address",
            "127.0.0.3",
            "--management-listen",
            "127.0.0.3");
    assertEquals(0, wizard.exit(), wizard.out() + wizard.err());
    String secret = secretPrinted(wizard.out());

    Path primary = installedConfig("primary");
    String before = Files.readString(primary);
    // The secret from a file: as an argument it would show in the process list.
    Path secretFile = Files.writeString(dir.resolve("pairing.secret"), secret + "\n");
    List<String> primaryAnswers =
        List.of(
            "--name",
            "headend-a",
            "--role",
            "primary",
            "--address",
            "127.0.0.1",
            "--peer",
            "127.0.0.3",
            "--secret-file",
            secretFile.toString());
    Result twice = setupWithInput("", primary, ports, primaryAnswers, "--secret", secret);
    assertEquals(2, twice.exit(), twice.out() + twice.err());
    assertTrue(twice.err().contains("give one of --secret"), twice.err());
    assertFalse(twice.err().contains(secret), "the secret is never repeated");
    Result refused =
        setup(
            primary,
            ports,
            "--name",
            "headend-a",
            "--role",
            "primary",
            "--address",
            "127.0.0.1",
            "--peer",
            "127.0.0.3",
            "--secret",
            secret,
            "--pool",
            "127.99.0.1-127.99.0.9");
    assertEquals(2, refused.exit(), refused.out() + refused.err());
    assertTrue(refused.err().contains("lies in none of the subnets"), refused.err());
    assertEquals(before, Files.readString(primary), "an invalid answer writes nothing");

    Path adminRequest = primary.resolveSibling("data").resolve(FirstAdmin.FILE_NAME);
    Result weak =
        setupWithInput(
            "short pw\n",
            primary,
            ports,
            primaryAnswers,
            "--admin",
            "ada",
            "--admin-password-stdin");
    assertEquals(2, weak.exit(), weak.out() + weak.err());
    String weakRefusal = weak.err().strip();
    assertTrue(weakRefusal.contains("the password needs at least"), weakRefusal);
    assertEquals(before, Files.readString(primary), "a weak admin password writes nothing");
    assertFalse(Files.exists(adminRequest), "a weak admin password asks for no admin");

    Path passwordFile = Files.writeString(dir.resolve("ada.password"), ADA_PASSWORD + "\n");
    wizard =
        setupWithInput(
            "",
            primary,
            ports,
            primaryAnswers,
            "--admin",
            "ada",
            "--admin-password-file",
            passwordFile.toString());
    assertEquals(0, wizard.exit(), wizard.out() + wizard.err());
    assertTrue(wizard.out().contains("Paired with the secondary 127.0.0.3"), wizard.out());
    assertTrue(
        wizard.out().contains("The console admin 'ada' is added when provisiond starts"),
        wizard.out());
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(adminRequest)));
    assertFalse(
        Files.readString(adminRequest).contains(ADA_PASSWORD), "only the password's hash waits");
    for (Path config : List.of(primary, secondary)) {
      Result check = Distribution.run("provisiond", "--check-config", config.toString());
      assertEquals("ok", check.out().strip(), check.err());
    }

    start(secondary);
    start(primary);
    await()
        .atMost(30, SECONDS)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> normal(primary) && normal(secondary));

    // The primary made the admin at its start: it logs in, and the audit log says who made it.
    assertFalse(Files.exists(adminRequest), "provisiond took the admin request");
    HttpResponse<String> login =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + apiPort(primary) + "/api/v1/session"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        json.createObjectNode()
                            .put("name", "ada")
                            .put("password", ADA_PASSWORD)
                            .toString()))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, login.statusCode(), login.body());
    assertEquals("admin", json.readTree(login.body()).path("role").asText(), login.body());
    JsonNode audit = api(primary, "/audit").path("entries");
    assertTrue(
        audit.findValuesAsText("summary").stream()
            .anyMatch(line -> line.contains("added ada (admin)")),
        audit.toString());
    Result userAdd =
        Distribution.runWithInput(
            "short pw\n",
            "provisionctl",
            "--config",
            primary.toString(),
            "user",
            "add",
            "bob",
            "--role",
            "viewer",
            "--password-stdin");
    assertEquals(2, userAdd.exit(), userAdd.out() + userAdd.err());
    assertEquals(userAdd.err().strip(), weakRefusal, "the wizard refuses as user add does");

    Ipv4Address leased;
    try (RelayedDhcpClient relay =
        new RelayedDhcpClient(
            Ipv4Address.parse("127.0.0.2"), new InetSocketAddress("127.0.0.1", dhcpPort))) {
      leased = relay.bind(7, "cm-7", System.currentTimeMillis() + 10_000);
    }
    assertNotNull(leased, "the primary answered a relayed client");
    String mac = HexFormat.ofDelimiter(":").formatHex(RelayedDhcpClient.mac(7));
    await()
        .atMost(10, SECONDS)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () ->
                api(secondary, "/leases?mac=" + mac)
                    .path("leases")
                    .findValuesAsText("ip")
                    .contains(leased.toString()));

    // The primary's config reached the secondary, which still answers on its own address for
    // every service: a replicated listen address would move it onto the primary's.
    for (Path server : List.of(primary, secondary)) {
      String own = server == primary ? "127.0.0.1" : "127.0.0.3";
      JsonNode running = api(server, "/config").path("config");
      for (String service : List.of("tftp", "tod", "dns", "dhcp", "failover")) {
        assertEquals(own, running.path(service).path("listen").asText(), service + " " + running);
      }
      JsonNode services = api(server, "/status").path("services");
      for (String service : List.of("tftp", "tod", "dns", "dhcp", "failover")) {
        assertEquals("running", services.path(service).asText(), service + " " + services);
      }
      // What clients are told names both servers, so that after a takeover a modem still finds
      // a TFTP, a time and a DNS server that answer.
      JsonNode dhcp = running.path("dhcp");
      List<String> both = List.of("127.0.0.1", "127.0.0.3");
      assertEquals(both, texts(dhcp.path("options").path("dnsServers")), dhcp.toString());
      JsonNode modems = dhcp.path("classes").path(0).path("options");
      assertEquals(both, texts(modems.path("tftpServers")), modems.toString());
      assertEquals(both, texts(modems.path("timeServers")), modems.toString());
      assertEquals("self", modems.path("nextServer").asText(), "siaddr: whichever answers");
      JsonNode zone = running.path("dns").path("zones").path(0);
      assertEquals(2, zone.path("nameServers").size(), zone.toString());
      assertTrue(texts(zone.path("records")).contains("ns2 A 127.0.0.3"), zone.toString());
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  /** A fresh installation's config: the distribution's default, where the wizard starts from. */
  private Path installedConfig(String name) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    return Files.copy(
        Distribution.HOME.resolve("conf/provisiond.yaml"), home.resolve("provisiond.yaml"));
  }

  private Result setup(Path config, List<String> ports, String... answers) throws Exception {
    return setupWithInput("", config, ports, List.of(answers));
  }

  private Result setupWithInput(
      String input, Path config, List<String> ports, List<String> answers, String... more)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                config.toString(),
                "setup",
                "--non-interactive",
                "--relay",
                "127.0.0.2",
                "--subnet",
                "127.16.0.0/16",
                "--pool",
                "127.16.0.10-127.16.3.250",
                "--domain",
                "cable.example.net",
                "--data-dir",
                config.resolveSibling("data").toString(),
                "--management-port",
                Integer.toString(apiPort(config))));
    args.addAll(ports);
    args.addAll(answers);
    args.addAll(List.of(more));
    return Distribution.runWithInput(input, "provisionctl", args.toArray(String[]::new));
  }

  private static String secretPrinted(String out) {
    List<String> lines = out.lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).contains("pairing secret, for the primary")) {
        String secret = lines.get(i + 1).strip();
        assertTrue(secret.matches("[0-9a-f]{64}"), secret);
        return secret;
      }
    }
    throw new AssertionError("the secondary's wizard printed no pairing secret:\n" + out);
  }

  private void start(Path config) throws Exception {
    Path log = config.resolveSibling("provisiond.log");
    started.add(
        Distribution.startServer(config, log, () -> api(config, "/status").has("services")));
    assertFalse(
        Distribution.read(log).contains("FAILOVER_NOT_PAIRED"), () -> Distribution.read(log));
  }

  private boolean normal(Path config) {
    try {
      return "NORMAL".equals(api(config, "/failover").path("state").asText());
    } catch (Exception e) {
      return false;
    }
  }

  /** The API port of the server whose config this is, chosen once. */
  private int apiPort(Path config) throws IOException {
    Integer port = apiPorts.get(config);
    if (port == null) {
      port = FreePorts.tcp();
      apiPorts.put(config, port);
    }
    return port;
  }

  /** GET on a server's API, as provisionctl does but without a JVM start per call. */
  private JsonNode api(Path config, String path) throws Exception {
    String address =
        config.getParent().getFileName().toString().equals("secondary") ? "127.0.0.3" : "127.0.0.1";
    String token = ApiToken.read(config.resolveSibling("data").resolve(ApiToken.FILE_NAME)).value();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + address + ":" + apiPort(config) + "/api/v1" + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return json.readTree(response.body());
  }
}
