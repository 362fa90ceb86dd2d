package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dist.Distribution.Result;

/**
 * The packaged provisiond serving DHCP clients nobody here wrote, by broadcast on an Ethernet
 * segment of its own: ISC dhclient and busybox udhcpc, each in a network namespace whose veth is a
 * port of a bridge in the server's namespace. The server listens on 0.0.0.0:67 as a headend does;
 * the segment is 198.18.0.0/24 (RFC 2544's benchmarking range) and has no default route, so a
 * broadcast reply must find its interface by the server identifier. Nothing leaves the namespaces.
 * Needs root, ip, dhclient and busybox: .ci/run installs them; a missing one fails the test.
 */
class DhcpClientsIT {
  private static final String SERVER_ADDRESS = "198.18.0.1";
  private static final Ipv4Address POOL_FIRST = Ipv4Address.parse("198.18.0.100");
  private static final Ipv4Address POOL_LAST = Ipv4Address.parse("198.18.0.199");
  private static final Duration CLIENT_LIMIT = Duration.ofSeconds(45);

  @TempDir static Path dir;
  private static String ip;
  private static String dhclient;
  private static String busybox;
  private static NetworkNamespaces namespaces;
  private static String serverNamespace;
  private static NamespacedProvisiond server;

  /** Pid files of dhclient daemons (dhclient forks away once bound) started by the test. */
  private final List<Path> daemonPidFiles = new ArrayList<>();

  private final List<Process> clients = new ArrayList<>();

  @BeforeAll
  static void startServerOnItsOwnSegment() throws Exception {
    HostTools.requireRoot();
    ip = HostTools.require("ip", "iproute2");
    dhclient = HostTools.require("dhclient", "isc-dhcp-client");
    busybox = HostTools.require("busybox", "busybox");
    namespaces = new NetworkNamespaces(ip, "pdhcp");
    serverNamespace = namespaces.create("server");
    namespaces.ip(serverNamespace, "link", "add", "br0", "type", "bridge");
    namespaces.ip(serverNamespace, "addr", "add", SERVER_ADDRESS + "/24", "dev", "br0");
    namespaces.ip(serverNamespace, "link", "set", "br0", "up");
    Path config =
        Files.writeString(
            dir.resolve("provisiond.yaml"),
            """
            server: {name: interop, dataDir: %s}
            dhcp:
              enabled: true
              listen: 0.0.0.0
              port: 67
              serverIdentifier: %s
              leaseTime: 600
              options: {dnsServers: [%s], domainName: interop.test}
              subnets:
                - subnet: 198.18.0.0/24
                  options: {routers: [%s]}
                  pools:
                    - {name: interop, range: %s-%s}
            """
                .formatted(
                    dir.resolve("data"),
                    SERVER_ADDRESS,
                    SERVER_ADDRESS,
                    SERVER_ADDRESS,
                    POOL_FIRST,
                    POOL_LAST));
    server =
        new NamespacedProvisiond(
            namespaces, serverNamespace, config, dir.resolve("provisiond.log"));
    server.start();
  }

  @AfterAll
  static void stopServerAndDeleteNamespaces() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (namespaces != null) {
        namespaces.close();
      }
    }
  }

  @AfterEach
  void stopClients() throws IOException {
    for (Process client : clients) {
      client.destroyForcibly();
    }
    for (Path pidFile : daemonPidFiles) {
      String written = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
      if (written.matches("\\d+")) {
        long pid = Long.parseLong(written);
        // Only the dhclient that wrote this file: a pid may have been reused since it exited.
        boolean ours =
            ProcessHandle.of(pid)
                .flatMap(p -> p.info().commandLine())
                .map(line -> line.contains("dhclient") && line.contains(pidFile.toString()))
                .orElse(false);
        if (ours) {
          HostTools.kill(pid);
        }
      }
    }
  }

  @Test
  void dhclientsAndUdhcpcsBroadcastingAtOnceEachBindAUniqueAddressThatTheApiListsByMac()
      throws Exception {
    Map<String, Client> started = new LinkedHashMap<>();
    started.put("dh1", dhclient("dh1", "02:00:00:00:01:01", "", false));
    started.put("dh2", dhclient("dh2", "02:00:00:00:01:02", "", false));
    started.put("ud1", udhcpc("ud1", "02:00:00:00:01:03"));
    started.put("ud2", udhcpc("ud2", "02:00:00:00:01:04"));
    Map<String, Process> running = new LinkedHashMap<>();
    for (Client client : started.values()) {
      running.put(client.name(), start(client));
    }
    for (Client client : started.values()) {
      Process process = running.get(client.name());
      assertTrue(
          process.waitFor(CLIENT_LIMIT.toSeconds(), SECONDS),
          () -> client.name() + " did not bind in time:\n" + client.log());
      assertEquals(0, process.exitValue(), () -> client.name() + " failed:\n" + client.log());
    }

    Map<String, String> leases = server.boundLeasesByMac();
    Set<Ipv4Address> addresses = new HashSet<>();
    for (Client client : started.values()) {
      Map<String, String> bound = client.binding();
      assertNotNull(
          bound, () -> client.name() + " never ran its script as bound:\n" + client.log());
      Ipv4Address address = Ipv4Address.parse(bound.get("ip"));
      assertTrue(
          address.compareTo(POOL_FIRST) >= 0 && address.compareTo(POOL_LAST) <= 0,
          () -> client.name() + " got " + address + ", outside the pool");
      assertTrue(addresses.add(address), () -> address + " was given to two clients");
      assertEquals(client.udhcpc() ? "24" : "255.255.255.0", bound.get("mask"), client.name());
      assertEquals(SERVER_ADDRESS, bound.get("router"), client.name());
      assertEquals(SERVER_ADDRESS, bound.get("dns"), client.name());
      assertEquals("interop.test", bound.get("domain"), client.name());
      assertEquals(SERVER_ADDRESS, bound.get("server"), client.name());
      assertEquals(
          address.toString(),
          leases.get(client.mac()),
          () -> "the API's bound leases by MAC: " + leases);
    }
    assertEquals(
        "0", server.dhcpStats().get("dhcp.send_failures"), "replies the server could not send");
  }

  @Test
  void dhclientRenewsByUnicastThenReleasesAndTheApiShowsTheLeaseReleased() throws Exception {
    String mac = "02:00:00:00:02:01";
    // Renew a second after binding, by unicast from the configured address to the server.
    Client client = dhclient("renew", mac, "supersede dhcp-renewal-time 1;\n", true);
    Process process = start(client);
    assertTrue(process.waitFor(CLIENT_LIMIT.toSeconds(), SECONDS), client::log);
    assertEquals(0, process.exitValue(), client::log);
    String address = client.binding().get("ip");

    await()
        .atMost(20, SECONDS)
        .pollInterval(200, MILLISECONDS)
        .untilAsserted(
            () ->
                assertTrue(
                    client.events().stream()
                        .anyMatch(e -> e.startsWith("RENEW ip=" + address + " ")),
                    client::log));

    Result release = HostTools.run(CLIENT_LIMIT, client.command("-r"));
    assertEquals(0, release.exit(), release.err());
    await()
        .atMost(15, SECONDS)
        .pollInterval(250, MILLISECONDS)
        .untilAsserted(
            () -> {
              Result leases = server.provisionctl("leases", "--mac", mac);
              assertTrue(
                  leases
                      .out()
                      .lines()
                      .anyMatch(l -> l.matches(address + "\\s+" + mac + "\\s+released\\s.*")),
                  leases.out());
            });
  }

  // ------------------------------------------------------------------------------- clients

  /** One DHCP client on its own namespace, its veth a port of the server's bridge. */
  private record Client(String name, String mac, boolean udhcpc, List<String> base, Path dir) {

    Process start() throws IOException {
      return HostTools.start(command(), dir.resolve("out.log"), dir.resolve("out.log"));
    }

    /** Its command line, with extra arguments just before the interface name. */
    List<String> command(String... extra) {
      List<String> line = new ArrayList<>(base.subList(0, base.size() - 1));
      line.addAll(List.of(extra));
      line.add(base.get(base.size() - 1));
      return line;
    }

    List<String> events() throws IOException {
      Path events = dir.resolve("events");
      return Files.exists(events) ? Files.readAllLines(events) : List.of();
    }

    /** The key=value pairs of its last "bound" event, or null. */
    Map<String, String> binding() throws IOException {
      Map<String, String> found = null;
      for (String event : events()) {
        String[] words = event.split(" ");
        if (words[0].equalsIgnoreCase("bound")) {
          found = new HashMap<>();
          for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            found.put(words[i].substring(0, eq), words[i].substring(eq + 1));
          }
        }
      }
      return found;
    }

    String log() {
      return Distribution.read(dir.resolve("out.log"))
          + "\nscript events:\n"
          + Distribution.read(dir.resolve("events"));
    }
  }

  private Process start(Client client) throws IOException {
    Process process = client.start();
    clients.add(process);
    return process;
  }

  /** A namespace whose eth0 (with this MAC) is a veth whose peer is a port of the bridge. */
  private String clientNamespace(String name, String mac) throws Exception {
    String namespace = namespaces.create(name);
    String port = "p-" + name;
    namespaces.ip(
        serverNamespace,
        "link",
        "add",
        port,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        namespace);
    namespaces.ip(serverNamespace, "link", "set", port, "master", "br0", "up");
    namespaces.ip(namespace, "link", "set", "eth0", "address", mac, "up");
    return namespace;
  }

  /**
   * ISC dhclient, one-shot ({@code -1}: exit 2 if no lease), its lease and pid files in the test's
   * directory and a script that records what it got; with {@code configure}, the script also puts
   * the address on the namespace's eth0 (nothing outside the namespace is touched).
   */
  private Client dhclient(String name, String mac, String extraConfig, boolean configure)
      throws Exception {
    String namespace = clientNamespace(name, mac);
    Path home = Files.createDirectories(dir.resolve(name));
    Path conf =
        Files.writeString(
            home.resolve("dhclient.conf"),
            "timeout 30;\ninitial-interval 1;\n"
                + "request subnet-mask, routers, domain-name-servers, domain-name;\n"
                + extraConfig);
    String script =
        "echo \"$reason ip=$new_ip_address mask=$new_subnet_mask router=$new_routers"
            + " dns=$new_domain_name_servers domain=$new_domain_name"
            + " server=$new_dhcp_server_identifier\" >> "
            + home.resolve("events")
            + "\n"
            + (configure
                ? "case $reason in BOUND|RENEW|REBIND|REBOOT) "
                    + ip
                    + " addr replace \"$new_ip_address/$new_subnet_mask\" dev \"$interface\";;"
                    + " esac\n"
                : "");
    Path pidFile = home.resolve("dhclient.pid");
    daemonPidFiles.add(pidFile);
    List<String> command =
        namespaces.exec(
            namespace,
            dhclient,
            "-1",
            "-v",
            "-cf",
            conf.toString(),
            "-lf",
            home.resolve("dhclient.leases").toString(),
            "-pf",
            pidFile.toString(),
            "-sf",
            script(home, script).toString(),
            "eth0");
    return new Client(name, mac, false, command, home);
  }

  /** Busybox udhcpc in the foreground, quitting once bound ({@code -q}), failing if not. */
  private Client udhcpc(String name, String mac) throws Exception {
    String namespace = clientNamespace(name, mac);
    Path home = Files.createDirectories(dir.resolve(name));
    String script =
        "echo \"$1 ip=$ip mask=$mask router=$router dns=$dns domain=$domain server=$serverid\" >> "
            + home.resolve("events")
            + "\n";
    List<String> command =
        namespaces.exec(
            namespace,
            busybox,
            "udhcpc",
            "-f",
            "-q",
            "-n",
            "-T",
            "1",
            "-t",
            "20",
            "-s",
            script(home, script).toString(),
            "-i",
            "eth0");
    return new Client(name, mac, true, command, home);
  }

  private static Path script(Path home, String body) throws IOException {
    Path script = home.resolve("script.sh");
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
