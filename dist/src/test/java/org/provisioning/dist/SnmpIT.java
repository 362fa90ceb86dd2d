package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.console.api.ApiToken;
import org.provisioning.dhcp.testing.RelayedDhcpClient;
import org.provisioning.dist.Distribution.Result;

/**
 * The packaged provisiond's SNMP, checked with net-snmp, which nobody here wrote: snmptrapd
 * receives a v2c trap and a v3 inform (SHA-256, AES-128) when a DHCP pool crosses its critical mark
 * and decodes them by name with the shipped MIB; snmpwalk of the enterprise subtree returns every
 * statistic of /api/v1/stats; snmpget of a pool's use matches the API; a wrong community and a
 * wrong v3 key get no answer and are counted. smilint (libsmi) finds nothing in the MIB.
 *
 * <p>net-snmp and libsmi ship no IETF base modules on Debian (SNMPv2-SMI, -TC, -CONF, -MIB are
 * non-free there); the test takes them from Erlang/OTP's SNMP application (Debian erlang-snmp),
 * another implementation nobody here wrote. .ci/run installs all of it.
 */
class SnmpIT {
  private static final String MIB = "PROVISIONING-SUITE-MIB";
  private static final String COMMUNITY = "ro-community-1";
  private static final String TRAP_COMMUNITY = "nms-community-1";

  /** provisiond's engine ID for server.name snmp-it: enterprise 32473, format 4, the name. */
  private static final String ENGINE_ID = "80007ed904" + "736e6d702d6974";

  private static final Pattern STAT_ROW =
      Pattern.compile("^" + MIB + "::psStat(\\w+)\\.'([^']+)' = (.*)$");

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stopEverythingStarted() throws InterruptedException {
    for (Process process : started) {
      process.destroyForcibly();
      process.waitFor(10, SECONDS);
    }
  }

  @Test
  void shippedMibIsCleanUnderSmilintAndInTheTarball() throws Exception {
    String smilint = HostTools.require("smilint", "smitools");
    Path mib = Distribution.HOME.resolve("mibs").resolve(MIB + ".txt");
    assertTrue(Files.isRegularFile(mib), mib + " is installed");
    ProcessBuilder lint = new ProcessBuilder(smilint, "-l", "9", "-s", mib.toString());
    lint.environment().put("SMIPATH", baseMibs().toString());
    lint.redirectErrorStream(true);
    Process process = lint.start();
    String out = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(30, SECONDS));
    assertEquals(0, process.exitValue(), out);
    assertEquals("", out.strip(), "smilint at level 9 finds nothing");

    Path tarball = Distribution.HOME.resolveSibling("provisioning-suite.tar.gz");
    String listing = HostTools.check("tar", "tzf", tarball.toString());
    assertTrue(listing.contains("provisioning-suite/mibs/" + MIB + ".txt"), listing);
  }

  @Test
  void snmptrapdDecodesAV2cTrapAndAV3InformWhenAPoolCrossesItsCriticalMark() throws Exception {
    int trapPort = FreePorts.udp("127.0.0.1");
    int informPort = FreePorts.udp("127.0.0.1");
    int v3TrapPort = FreePorts.udp("127.0.0.1");
    Path trapLog = startSnmptrapd(trapPort, informPort, v3TrapPort);
    int dhcpPort = FreePorts.udp("127.0.0.1");
    Path config =
        config(
            dhcpPort,
            """
              snmp:
                traps:
                  - {address: 127.0.0.1, port: %d, version: v2c, community: %s}
                  - address: 127.0.0.1
                    port: %d
                    version: v3
                    inform: true
                    user: {name: nmsuser, authProtocol: sha256, authKey: nms-auth-pass,
                           privProtocol: aes128, privKey: nms-priv-pass}
                  - address: 127.0.0.1
                    port: %d
                    version: v3
                    user: {name: trapuser, authKey: trap-auth-pass, privKey: trap-priv-pass}
            """
                .formatted(trapPort, TRAP_COMMUNITY, informPort, v3TrapPort));
    startServer(config);

    // 10 addresses, critical at 80 %: the eighth lease crosses it.
    try (RelayedDhcpClient relay =
        new RelayedDhcpClient(
            Ipv4Address.parse("127.0.0.2"), new InetSocketAddress("127.0.0.1", dhcpPort))) {
      assertEquals(8, relay.bindAll(8, 8, System.currentTimeMillis() + 20_000).size());
    }

    await()
        .atMost(20, SECONDS)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> critical(notifications(trapLog)).size() >= 3);
    List<Notification> critical = critical(notifications(trapLog));
    Notification trap = byPort(critical, trapPort);
    Notification inform = byPort(critical, informPort);
    Notification v3Trap = byPort(critical, v3TrapPort);
    assertTrue(
        trap.header().contains("TRAP2, SNMP v2c, community " + TRAP_COMMUNITY), trap.header());
    assertTrue(inform.header().contains("INFORM, SNMP v3, user nmsuser"), inform.header());
    // A v3 trap's authority is provisiond: snmptrapd knows the user under its engine ID.
    assertTrue(v3Trap.header().contains("TRAP2, SNMP v3, user trapuser"), v3Trap.header());
    for (Notification n : List.of(trap, inform, v3Trap)) {
      Map<String, String> v = n.varbinds();
      assertEquals("OID: " + MIB + "::psAlertRaised", v.get("SNMPv2-MIB::snmpTrapOID.0"), n.text());
      assertEquals("INTEGER: critical(3)", v.get(MIB + "::psAlertSeverity.0"), n.text());
      assertEquals("STRING: snmp-it", v.get(MIB + "::psAlertServer.0"), n.text());
      assertEquals("STRING: dhcp", v.get(MIB + "::psAlertService.0"), n.text());
      assertEquals("STRING: dhcp.subnets[0].pools[0]", v.get(MIB + "::psAlertObject.0"), n.text());
      assertTrue(
          v.get(MIB + "::psAlertMessage.0").contains("reached its critical mark of 80 %"),
          n.text());
      assertTrue(v.get(MIB + "::psAlertId.0").startsWith("Gauge32: "), n.text());
    }
    // The inform was acknowledged at once: delivered, never failed.
    JsonNode stats = api(config, "/stats?prefix=alerts.channel.");
    String informChannel = "alerts.channel.snmp-127_0_0_1-" + informPort;
    assertTrue(stats.path(informChannel + ".sent").asLong() >= 2, stats.toString());
    assertEquals(0, stats.path(informChannel + ".failed").asLong(), stats.toString());
  }

  @Test
  void snmpwalkReturnsEveryStatisticAndSnmpgetMatchesTheApiWhileBadRequestsAreDropped()
      throws Exception {
    int dhcpPort = FreePorts.udp("127.0.0.1");
    int agentPort = FreePorts.udp("127.0.0.1");
    Path config =
        config(
            dhcpPort,
            """
              snmp:
                agent:
                  enabled: true
                  port: %d
                  community: %s
                  users:
                    - {name: poller, authKey: poller-auth-pass, privKey: poller-priv-pass}
            """
                .formatted(agentPort, COMMUNITY));
    startServer(config);
    try (RelayedDhcpClient relay =
        new RelayedDhcpClient(
            Ipv4Address.parse("127.0.0.2"), new InetSocketAddress("127.0.0.1", dhcpPort))) {
      assertEquals(3, relay.bindAll(3, 3, System.currentTimeMillis() + 20_000).size());
    }
    String agent = "127.0.0.1:" + agentPort;

    Result walk =
        netSnmp("snmpwalk", "-v2c", "-c", COMMUNITY, agent, MIB + "::provisioningSuiteMIB");
    assertEquals(0, walk.exit(), walk.err());
    JsonNode api = api(config, "/stats");
    TreeSet<String> walked = new TreeSet<>();
    Map<String, String> values = new TreeMap<>();
    for (String line : walk.out().lines().toList()) {
      Matcher row = STAT_ROW.matcher(line);
      if (row.matches() && row.group(1).equals("Kind")) {
        walked.add(row.group(2));
      } else if (row.matches() && row.group(1).equals("Value")) {
        values.put(row.group(2), row.group(3));
      }
    }
    TreeSet<String> registry = new TreeSet<>();
    api.fieldNames().forEachRemaining(registry::add);
    assertEquals(registry, walked, "every statistic of /api/v1/stats, no other");
    assertTrue(registry.size() > 100, "statistics: " + registry.size());
    for (String name : registry) {
      if (name.startsWith("dhcp.")) { // still while nothing talks DHCP: the same figure both ways
        assertEquals(
            "STRING: " + api.path(name).asLong(), values.get(name), name + " walked as in the API");
      }
    }
    assertTrue(walk.out().contains(MIB + "::psPoolState.'cm-north' = INTEGER: normal(1)"));

    long used = api.path("dhcp.pool.cm-north.used").asLong();
    assertEquals(3, used);
    Result get =
        netSnmp(
            "snmpget",
            "-v3",
            "-l",
            "authPriv",
            "-u",
            "poller",
            "-a",
            "SHA-256",
            "-A",
            "poller-auth-pass",
            "-x",
            "AES",
            "-X",
            "poller-priv-pass",
            agent,
            MIB + "::psPoolUsed.'cm-north'",
            MIB + "::psStatGauge.'dhcp.pool.cm-north.used'");
    assertEquals(0, get.exit(), get.err());
    assertEquals(
        List.of(
            MIB + "::psPoolUsed.'cm-north' = Gauge32: " + used + " addresses",
            MIB + "::psStatGauge.'dhcp.pool.cm-north.used' = Gauge32: " + used),
        get.out().lines().toList());

    Result wrongCommunity =
        netSnmp(
            "snmpget",
            "-v2c",
            "-c",
            "public",
            "-t",
            "1",
            "-r",
            "0",
            agent,
            "SNMPv2-MIB::sysName.0");
    assertNotEquals(0, wrongCommunity.exit());
    assertTrue(wrongCommunity.err().contains("Timeout"), wrongCommunity.err());
    Result wrongKey =
        netSnmp(
            "snmpget",
            "-v3",
            "-l",
            "authPriv",
            "-u",
            "poller",
            "-a",
            "SHA-256",
            "-A",
            "not-the-auth-pass",
            "-x",
            "AES",
            "-X",
            "poller-priv-pass",
            "-t",
            "1",
            "-r",
            "0",
            agent,
            "SNMPv2-MIB::sysName.0");
    assertNotEquals(0, wrongKey.exit());
    assertTrue(wrongKey.err().contains("Timeout"), wrongKey.err());
    JsonNode counted = api(config, "/stats?prefix=snmp.agent.");
    assertEquals(1, counted.path("snmp.agent.in.bad_community_names").asLong(), counted.toString());
    assertEquals(1, counted.path("snmp.agent.usm.wrong_digests").asLong(), counted.toString());
    // And the standard counters say the same, over SNMP.
    Result standard =
        netSnmp(
            "snmpget",
            "-v2c",
            "-c",
            COMMUNITY,
            agent,
            "SNMPv2-MIB::snmpInBadCommunityNames.0",
            "SNMP-USER-BASED-SM-MIB::usmStatsWrongDigests.0");
    assertEquals(0, standard.exit(), standard.err());
    assertEquals(
        List.of(
            "SNMPv2-MIB::snmpInBadCommunityNames.0 = Counter32: 1",
            "SNMP-USER-BASED-SM-MIB::usmStatsWrongDigests.0 = Counter32: 1"),
        standard.out().lines().toList());
  }

  // ---------------------------------------------------------------------------------------------

  /** snmptrapd's output per notification: the header (transport, security), then its varbinds. */
  record Notification(String header, Map<String, String> varbinds, String text) {}

  private Path startSnmptrapd(int trapPort, int informPort, int v3TrapPort) throws Exception {
    String snmptrapd = HostTools.require("snmptrapd", "snmptrapd");
    Path conf =
        Files.writeString(
            dir.resolve("snmptrapd.conf"),
            """
            authCommunity log %s
            createUser nmsuser SHA-256 nms-auth-pass AES nms-priv-pass
            authUser log nmsuser priv
            createUser -e 0x%s trapuser SHA-256 trap-auth-pass AES trap-priv-pass
            authUser log trapuser priv
            """
                .formatted(TRAP_COMMUNITY, ENGINE_ID));
    Path log = dir.resolve("snmptrapd.log");
    List<String> command = new ArrayList<>(List.of(snmptrapd, "-f", "-C", "-c", conf.toString()));
    command.addAll(
        List.of(
            "--persistentDir=" + dir.resolve("snmptrapd-state"),
            "-Lf",
            log.toString(),
            "-M",
            mibPath(),
            "-m",
            "SNMPv2-MIB:" + MIB,
            "-F",
            "NOTIFICATION %b %P\n%V\n%v\nEND\n",
            "udp:127.0.0.1:"
                + trapPort
                + ",udp:127.0.0.1:"
                + informPort
                + ",udp:127.0.0.1:"
                + v3TrapPort));
    Process process =
        HostTools.start(command, dir.resolve("snmptrapd.out"), dir.resolve("snmptrapd.err"));
    started.add(process);
    await()
        .atMost(10, SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                !process.isAlive()
                    || (Files.exists(log) && Files.readString(log).contains("NET-SNMP version")));
    assertTrue(
        process.isAlive(),
        () -> "snmptrapd died: " + Distribution.read(dir.resolve("snmptrapd.err")));
    return log;
  }

  private static List<Notification> notifications(Path log) throws IOException {
    List<Notification> all = new ArrayList<>();
    String header = null;
    Map<String, String> varbinds = new TreeMap<>();
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith("NOTIFICATION ")) {
        header = line;
        varbinds = new TreeMap<>();
        text = new StringBuilder(line).append('\n');
      } else if (line.equals("END") && header != null) {
        all.add(new Notification(header, varbinds, text.toString()));
        header = null;
      } else if (header != null && line.contains(" = ")) {
        int at = line.indexOf(" = ");
        varbinds.put(line.substring(0, at), line.substring(at + 3));
        text.append(line).append('\n');
      }
    }
    return all;
  }

  private static List<Notification> critical(List<Notification> all) {
    return all.stream()
        .filter(
            n ->
                "STRING: DHCP_POOL_HIGH_WATER_CRITICAL"
                    .equals(n.varbinds().get(MIB + "::psAlertEvent.0")))
        .toList();
  }

  private static Notification byPort(List<Notification> all, int port) {
    return all.stream()
        .filter(n -> n.header().contains("->[127.0.0.1]:" + port + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing received on port " + port + ": " + all));
  }

  /** A net-snmp command with the shipped MIB and the base modules loaded, state kept here. */
  private Result netSnmp(String tool, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(HostTools.require(tool, "snmp")));
    command.addAll(
        List.of(
            "--persistentDir=" + dir.resolve("net-snmp-state"),
            "-M",
            mibPath(),
            "-m",
            "SNMPv2-MIB:SNMP-USER-BASED-SM-MIB:" + MIB));
    command.addAll(List.of(args));
    return HostTools.run(Duration.ofSeconds(30), command);
  }

  private String mibPath() throws IOException {
    return baseMibs() + ":" + Distribution.HOME.resolve("mibs");
  }

  /** SNMPv2-SMI, -TC, -CONF and SNMPv2-MIB as Erlang/OTP's SNMP application ships them. */
  private static Path baseMibs() throws IOException {
    Path erlang = Path.of("/usr/lib/erlang/lib");
    if (Files.isDirectory(erlang)) {
      try (DirectoryStream<Path> apps = Files.newDirectoryStream(erlang, "snmp-*")) {
        for (Path app : apps) {
          if (Files.isRegularFile(app.resolve("mibs/SNMPv2-SMI.mib"))) {
            return app.resolve("mibs");
          }
        }
      }
    }
    throw new AssertionError(
        "SNMPv2-SMI is missing: apt-get install -y erlang-snmp (.ci/run installs it)");
  }

  private Path config(int dhcpPort, String alerts) throws IOException {
    return Files.writeString(
        dir.resolve("provisiond.yaml"),
        """
        server: {name: snmp-it, dataDir: %s}
        management: {port: %d}
        tftp: {enabled: false}
        tod: {enabled: false}
        dhcp:
          enabled: true
          listen: 127.0.0.1
          port: %d
          serverIdentifier: 127.0.0.1
          subnets:
            - subnet: 127.16.0.0/16
              relays: [127.0.0.2]
              pools:
                - {name: cm-north, range: 127.16.0.10-127.16.0.19, warningPercent: 50,
                   criticalPercent: 80}
        alerts:
        %s"""
            .formatted(dir.resolve("data"), FreePorts.tcp(), dhcpPort, alerts));
  }

  private void startServer(Path config) throws Exception {
    started.add(Distribution.startServer(config, dir.resolve("provisiond.log")));
  }

  private JsonNode api(Path config, String path) throws Exception {
    int port =
        Integer.parseInt(
            Files.readString(config)
                .lines()
                .filter(l -> l.startsWith("management:"))
                .findFirst()
                .orElseThrow()
                .replaceAll(".*port: (\\d+).*", "$1"));
    String token = ApiToken.read(dir.resolve("data").resolve(ApiToken.FILE_NAME)).value();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return json.readTree(response.body());
  }
}
