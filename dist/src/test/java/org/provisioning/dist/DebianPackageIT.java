package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dhcp.testing.RelayedDhcpClient;
import org.provisioning.dist.Distribution.Result;

/**
 * The Debian package that {@code package} builds, checked as root on this machine: lintian finds no
 * error in it; {@code dpkg -i} puts the files, the system user and the unit in place; the unit
 * passes {@code systemd-analyze verify}; the command its {@code ExecStart} names, run as its user
 * with only its capability (setpriv stands in for systemd, which does not run here), on the bundled
 * runtime with no JDK on the PATH, binds ports 67, 69, 53 and 37, sends READY=1 over
 * $NOTIFY_SOCKET, answers {@code provisionctl status} and a relayed DHCP exchange, reloads through
 * {@code ExecReload} (and refuses an invalid file) and stops cleanly on SIGTERM. An upgrade to the
 * same package rebuilt with a higher version keeps the edited config, the leases and a console
 * user; remove keeps the data, purge deletes it. The package is purged whatever happens.
 */
class DebianPackageIT {
  private static final String PACKAGE = "provisiond";
  private static final Path UNIT = Path.of("/lib/systemd/system/provisiond.service");
  private static final Path CONFIG = Path.of("/etc/provisiond/provisiond.yaml");
  private static final Path TEMPLATE = Path.of("/usr/share/provisiond/provisiond.yaml");
  private static final Path DATA = Path.of("/var/lib/provisiond");
  private static final Path LOGS = Path.of("/var/log/provisiond");
  private static final int CLIENTS = 20;

  @TempDir Path dir;
  private Path shared;
  private Process server;
  private EpollEventLoopGroup notifyGroup;
  private Channel notifyChannel;
  private final List<String> notifications = new CopyOnWriteArrayList<>();
  private Boolean userExisted;
  private Path noexecTmp;

  @AfterEach
  void cleanUp() throws Exception {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(10, SECONDS);
    }
    if (notifyChannel != null) {
      notifyChannel.close().syncUninterruptibly();
    }
    if (notifyGroup != null) {
      notifyGroup.shutdownGracefully(0, 1, SECONDS).syncUninterruptibly();
    }
    if (noexecTmp != null) {
      HostTools.run(Duration.ofSeconds(10), List.of("umount", noexecTmp.toString()));
    }
    if (shared != null) {
      HostTools.run(Duration.ofSeconds(10), List.of("rm", "-rf", shared.toString()));
    }
    if (userExisted != null) {
      if (HostTools.run(Duration.ofSeconds(10), List.of("dpkg-query", "-W", PACKAGE)).exit() == 0) {
        HostTools.run(Duration.ofMinutes(2), List.of("dpkg", "--purge", PACKAGE));
      }
      if (!userExisted) {
        HostTools.run(Duration.ofSeconds(10), List.of("userdel", PACKAGE));
        HostTools.run(Duration.ofSeconds(10), List.of("groupdel", PACKAGE));
        // What the JVMs run as that user left (systemd's PrivateTmp would have taken it away).
        HostTools.run(Duration.ofSeconds(10), List.of("rm", "-rf", "/tmp/hsperfdata_" + PACKAGE));
      }
    }
  }

  static Path deb() throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(Path.of("target"), PACKAGE + "_*_amd64.deb")) {
      files.forEach(found::add);
    }
    assertEquals(1, found.size(), "one .deb in dist/target (is -Ddeb.skip set?): " + found);
    return found.get(0).toAbsolutePath();
  }

  @Test
  void lintianFindsNoErrors() throws Exception {
    String lintian = HostTools.require("lintian", "lintian");
    Result result =
        HostTools.run(
            Duration.ofMinutes(5),
            List.of(lintian, "--fail-on", "error", "--tag-display-limit", "0", deb().toString()));
    assertEquals(0, result.exit(), "lintian:\n" + result.out() + result.err());
    assertFalse(
        result.out().lines().anyMatch(line -> line.startsWith("E: ")),
        () -> "lintian errors:\n" + result.out());
  }

  @Test
  void installsServesUpgradesKeepingLeasesAndConfigThenRemovesAndPurges() throws Exception {
    HostTools.requireRoot();
    for (String[] tool :
        new String[][] {
          {"dpkg", "dpkg"},
          {"dpkg-deb", "dpkg"},
          {"systemd-analyze", "systemd"},
          {"setpriv", "util-linux"},
          {"adduser", "adduser"}
        }) {
      HostTools.require(tool[0], tool[1]);
    }
    assertTrue(
        HostTools.run(Duration.ofSeconds(10), List.of("dpkg-query", "-W", PACKAGE)).exit() != 0,
        "a provisiond package is installed on this machine already; this test installs and purges"
            + " its own, so it leaves that one alone: dpkg --purge provisiond first");
    userExisted =
        HostTools.run(Duration.ofSeconds(10), List.of("getent", "passwd", PACKAGE)).exit() == 0;
    shared = Files.createTempDirectory(Path.of("/tmp"), "provisiond-deb-it");
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path tools = noJdkPath();

    HostTools.check("dpkg", "-i", deb().toString());
    assertInstalled();
    Map<String, List<String>> unit = verifiedUnit();
    assertRuntimeHoldsEveryModuleTheJarsNeed();

    String edited = editedConfig();
    Files.writeString(CONFIG, edited);
    assertEquals(
        "ok\n", HostTools.check("/usr/bin/provisiond", "--check-config", CONFIG.toString()));
    listenForNotifications();

    // The unit's command as its user, on the bundled runtime alone.
    server = startAsService(unit, tools);
    assertEquals(
        "/usr/lib/provisiond/runtime/bin/java",
        Files.readSymbolicLink(Path.of("/proc", Long.toString(server.pid()), "exe")).toString());
    Result status = provisionctl(tools, "status");
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("dhcp         running"), status.out());
    // HTTPS on the bundled runtime: its EC certificate and key exchange need jdk.crypto.ec.
    assertTrue(status.out().contains("tls          sha256 "), status.out());
    Map<Integer, Ipv4Address> acked;
    try (RelayedDhcpClient relay =
        new RelayedDhcpClient(
            Ipv4Address.parse("127.0.0.2"), new InetSocketAddress("127.0.0.1", 67))) {
      acked = relay.bindAll(CLIENTS, CLIENTS, System.currentTimeMillis() + 30_000);
    }
    assertEquals(CLIENTS, acked.size(), "every client got an ACK from the packaged server");
    assertLeasesBound(tools, acked);
    String log = Files.readString(LOGS.resolve("provisiond.log"));
    assertTrue(log.contains("PROVISIOND_STARTED"), "the log file has the start:\n" + log);

    reloadsThroughExecReload(unit, edited);
    Result userAdded =
        HostTools.run(
            Duration.ofSeconds(60),
            List.of(
                "/usr/bin/env",
                "-i",
                "PATH=" + tools,
                "/bin/sh",
                "-c",
                "printf 'upgrade-keeps-me-42\\n' | /usr/bin/provisionctl user add noc-admin"
                    + " --role admin --password-stdin"));
    assertEquals(0, userAdded.exit(), userAdded.out() + userAdded.err());
    stopWithSigterm();

    // Upgrade to the same package rebuilt with a higher version.
    String version = HostTools.check("dpkg-query", "-W", "-f=${Version}", PACKAGE);
    String token = Files.readString(DATA.resolve("api-token"));
    HostTools.check("dpkg", "-i", rebuiltWithVersion(version + "+1").toString());
    assertEquals(version + "+1", HostTools.check("dpkg-query", "-W", "-f=${Version}", PACKAGE));
    assertTrue(Files.readString(TEMPLATE).endsWith("# a newer default\n"));
    assertEquals(edited, Files.readString(CONFIG), "the config survives an upgrade of its default");
    assertEquals(token, Files.readString(DATA.resolve("api-token")));
    // As on a hardened host, whose /tmp is noexec: the JVM's temporary folder on a noexec tmpfs.
    // Netty unpacked its native transport there, could not load it, and no READY=1 came.
    noexecTmp = Files.createDirectory(shared.resolve("noexec-tmp"));
    HostTools.check(
        "mount", "-t", "tmpfs", "-o", "noexec,mode=1777,size=16m", "tmpfs", noexecTmp.toString());
    server =
        startAsService(unit, tools, "JAVA_OPTS=-XX:+UseZGC -Xmx1g -Djava.io.tmpdir=" + noexecTmp);
    assertLeasesBound(tools, acked);
    Result users = provisionctl(tools, "user", "list");
    assertEquals(0, users.exit(), users.err());
    assertTrue(users.out().contains("noc-admin"), "the console user survives:\n" + users.out());
    stopWithSigterm();

    HostTools.check("dpkg", "--remove", PACKAGE);
    assertFalse(Files.exists(Path.of("/usr/lib/provisiond")), "remove deletes the programs");
    assertFalse(Files.exists(Path.of("/usr/bin/provisiond"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isDirectory(DATA.resolve("journal")), "remove keeps the data");
    assertEquals(edited, Files.readString(CONFIG), "remove keeps the config");

    HostTools.check("dpkg", "--purge", PACKAGE);
    for (Path gone : List.of(DATA, LOGS, Path.of("/etc/provisiond"))) {
      assertFalse(Files.exists(gone), "purge deletes " + gone);
    }
    assertTrue(
        HostTools.run(Duration.ofSeconds(10), List.of("dpkg-query", "-W", PACKAGE)).exit() != 0);
  }

  /** A PATH with what bin/ scripts use (dirname, readlink) and no java in it. */
  private Path noJdkPath() throws IOException {
    Path tools = Files.createDirectory(shared.resolve("bin"));
    for (String tool : List.of("dirname", "readlink")) {
      Files.createSymbolicLink(tools.resolve(tool), Path.of("/usr/bin", tool));
    }
    return tools;
  }

  private void assertInstalled() throws Exception {
    for (String command : List.of("provisiond", "provisionctl")) {
      Path link = Path.of("/usr/bin", command);
      assertTrue(Files.isSymbolicLink(link), link + " is a link into /usr/lib/provisiond");
      assertTrue(Files.isExecutable(link.toRealPath()), link + " leads to an executable");
    }
    assertTrue(Files.isExecutable(Path.of("/usr/lib/provisiond/runtime/bin/java")));
    assertEquals(
        Path.of("/etc/provisiond"), Files.readSymbolicLink(Path.of("/usr/lib/provisiond/conf")));
    String conffiles = Files.readString(Path.of("/var/lib/dpkg/info/provisiond.conffiles"));
    // Not a conffile: dpkg replaced an unedited one with a changed default at an upgrade, and the
    // server took that file over the changes made through the console since.
    assertFalse(conffiles.contains(CONFIG.toString()), conffiles);
    assertTrue(conffiles.contains("/etc/provisiond/logback.xml"), conffiles);
    assertEquals(Files.readString(TEMPLATE), Files.readString(CONFIG), "made from the default");
    assertEquals(
        "provisiond", Files.readAttributes(CONFIG, PosixFileAttributes.class).group().getName());
    for (String doc : List.of("copyright", "changelog.gz", "README.Debian")) {
      assertTrue(Files.isRegularFile(Path.of("/usr/share/doc/provisiond", doc)), doc);
    }
    assertTrue(Files.isRegularFile(UNIT));

    String[] user = HostTools.check("getent", "passwd", PACKAGE).strip().split(":");
    assertTrue(Integer.parseInt(user[2]) < 1000, "a system user: " + String.join(":", user));
    assertEquals(DATA.toString(), user[5]);
    assertEquals("/usr/sbin/nologin", user[6]);
    for (Path folder : List.of(DATA, LOGS)) {
      assertEquals(PACKAGE, Files.getOwner(folder).getName(), folder + " belongs to the user");
      assertEquals(
          "rwxr-x---",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)),
          folder.toString());
    }
    assertEquals(
        "rw-r-----",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(CONFIG)),
        "the config may hold secrets");
  }

  /** The unit passes systemd-analyze verify, warnings included, and says what it must. */
  private Map<String, List<String>> verifiedUnit() throws Exception {
    Result verify =
        HostTools.run(
            Duration.ofSeconds(60), List.of("systemd-analyze", "verify", UNIT.toString()));
    assertEquals(0, verify.exit(), verify.out() + verify.err());
    assertTrue(
        (verify.out() + verify.err()).lines().noneMatch(l -> l.contains("provisiond.service")),
        () -> "systemd-analyze verify complains:\n" + verify.out() + verify.err());
    Map<String, List<String>> unit = new LinkedHashMap<>();
    for (String line : Files.readAllLines(UNIT)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        unit.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>())
            .add(line.substring(eq + 1));
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("Type", "notify");
    expected.put("User", PACKAGE);
    expected.put("AmbientCapabilities", "CAP_NET_BIND_SERVICE");
    expected.put("CapabilityBoundingSet", "CAP_NET_BIND_SERVICE");
    expected.put("NoNewPrivileges", "yes");
    expected.put("ProtectSystem", "strict");
    expected.put("PrivateTmp", "yes");
    expected.put("ReadWritePaths", DATA + " " + LOGS);
    expected.put("Restart", "on-failure");
    expected.put("StartLimitBurst", "5");
    expected.put("SuccessExitStatus", "143");
    expected.forEach((key, value) -> assertEquals(List.of(value), unit.get(key), key));
    assertTrue(unit.get("ExecReload").get(0).endsWith("config reload"), unit.toString());
    return unit;
  }

  /** jdeps over the installed jars names no module the bundled runtime lacks. */
  private void assertRuntimeHoldsEveryModuleTheJarsNeed() throws Exception {
    String release = Files.readString(Path.of("/usr/lib/provisiond/runtime/release"));
    Set<String> modules =
        Set.of(
            release
                .lines()
                .filter(l -> l.startsWith("MODULES="))
                .findFirst()
                .orElseThrow()
                .replaceAll("MODULES=|\"", "")
                .split(" "));
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "jdeps").toString(),
                "--list-deps",
                "--ignore-missing-deps",
                "--multi-release",
                "17"));
    try (DirectoryStream<Path> jars =
        Files.newDirectoryStream(Path.of("/usr/lib/provisiond/lib"), "*.jar")) {
      jars.forEach(jar -> command.add(jar.toString()));
    }
    Result jdeps = HostTools.run(Duration.ofMinutes(2), command);
    assertEquals(0, jdeps.exit(), jdeps.err());
    Set<String> needed =
        jdeps
            .out()
            .lines()
            .map(String::strip)
            .filter(l -> l.matches("[a-z][\\w.]*"))
            .collect(Collectors.toCollection(TreeSet::new));
    // Only optional code names java.desktop (see deb.runtime.modules in dist/pom.xml).
    needed.remove("java.desktop");
    needed.removeAll(modules);
    assertEquals(
        Set.of(),
        needed,
        "modules the jars need but the runtime lacks: add to deb.runtime.modules");
  }

  /** The operator's edit: every service on its standard port, DHCP relayed by 127.0.0.2. */
  private static String editedConfig() throws IOException {
    return """
        # edited by DebianPackageIT
        server: {name: packaged, id: 1, dataDir: /var/lib/provisiond}
        management: {listen: 127.0.0.1, port: %d, tls: {enabled: true}}
        tftp: {enabled: true, listen: 127.0.0.1, port: 69, root: /var/lib/provisiond/tftp}
        tod: {enabled: true, listen: 127.0.0.1, port: 37}
        dns:
          enabled: true
          listen: 127.0.0.1
          port: 53
          zones: [{name: cable.example.net, nameServers: [ns1.cable.example.net]}]
          ddns: {enabled: false}
        dhcp:
          enabled: true
          listen: 127.0.0.1
          port: 67
          serverIdentifier: 127.0.0.1
          leaseTime: 3600
          subnets:
            - subnet: 127.16.0.0/16
              relays: [127.0.0.2]
              pools: [{range: 127.16.0.10-127.16.3.250}]
        """
        .formatted(FreePorts.tcp());
  }

  /** An AF_UNIX datagram socket in the service user's reach, standing in for systemd's. */
  private void listenForNotifications() throws Exception {
    Path socket = shared.resolve("notify");
    notifyGroup = new EpollEventLoopGroup(1);
    notifyChannel =
        new Bootstrap()
            .group(notifyGroup)
            .channel(EpollDomainDatagramChannel.class)
            .handler(
                new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                    notifications.add(p.content().toString(StandardCharsets.UTF_8));
                  }
                })
            .bind(new DomainSocketAddress(socket.toString()))
            .sync()
            .channel();
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  /**
   * The unit's ExecStart as systemd would run it: as User= with only AmbientCapabilities (setpriv),
   * its Environment=, $NOTIFY_SOCKET, and a PATH without a JDK; returns once READY=1 came.
   */
  private Process startAsService(Map<String, List<String>> unit, Path tools, String... environment)
      throws Exception {
    notifications.clear();
    List<String> command = asServiceUser(unit, tools);
    command.addAll(List.of(environment));
    command.addAll(Arrays.asList(unit.get("ExecStart").get(0).split(" ")));
    Path out = dir.resolve("service.out");
    Process process = HostTools.start(command, out, out);
    try {
      await()
          .atMost(60, SECONDS)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !process.isAlive() || notified("READY=1"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      process.destroyForcibly().waitFor(10, SECONDS); // not left running as the service's user
      throw new AssertionError("no READY=1 within 60 s:\n" + Distribution.read(out), e);
    }
    assertTrue(process.isAlive(), () -> "the service died at start:\n" + Distribution.read(out));
    return process;
  }

  private List<String> asServiceUser(Map<String, List<String>> unit, Path tools) {
    String user = unit.get("User").get(0);
    String caps =
        Arrays.stream(unit.get("AmbientCapabilities").get(0).split(" "))
            .map(c -> ",+" + c.toLowerCase().replace("cap_", ""))
            .collect(Collectors.joining());
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + user,
                "--regid=" + unit.get("Group").get(0),
                "--init-groups",
                "--inh-caps=-all" + caps,
                "--ambient-caps=-all" + caps,
                "--bounding-set=-all" + caps,
                "--no-new-privs",
                "/usr/bin/env",
                "-i",
                "PATH=" + tools,
                "NOTIFY_SOCKET=" + shared.resolve("notify")));
    command.addAll(unit.getOrDefault("Environment", List.of()));
    return command;
  }

  private boolean notified(String message) {
    return notifications.stream().anyMatch(n -> n.lines().anyMatch(message::equals));
  }

  private Result provisionctl(Path tools, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/env", "-i", "PATH=" + tools));
    command.add("/usr/bin/provisionctl");
    command.addAll(Arrays.asList(args));
    return HostTools.run(Duration.ofSeconds(60), command);
  }

  private void assertLeasesBound(Path tools, Map<Integer, Ipv4Address> acked) throws Exception {
    Result leases = provisionctl(tools, "leases", "--state", "bound");
    assertEquals(0, leases.exit(), leases.err());
    for (Map.Entry<Integer, Ipv4Address> ack : acked.entrySet()) {
      String mac = HexFormat.ofDelimiter(":").formatHex(RelayedDhcpClient.mac(ack.getKey()));
      assertTrue(
          leases.out().lines().anyMatch(l -> l.startsWith(ack.getValue() + " ") && l.contains(mac)),
          () -> "lease " + ack.getValue() + " of " + mac + " is bound:\n" + leases.out());
    }
  }

  /**
   * ExecReload as the service user: an edit is applied (RELOADING=1 then READY=1); an invalid file
   * fails the reload with its error and the running config stays.
   */
  private void reloadsThroughExecReload(Map<String, List<String>> unit, String edited)
      throws Exception {
    List<String> reload = asServiceUser(unit, shared.resolve("bin"));
    reload.addAll(Arrays.asList(unit.get("ExecReload").get(0).split(" ")));
    notifications.clear();
    Files.writeString(CONFIG, edited.replace("leaseTime: 3600", "leaseTime: 7200"));
    Result ok = HostTools.run(Duration.ofSeconds(60), reload);
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    assertTrue(ok.out().contains("from file"), ok.out());
    await().atMost(10, SECONDS).until(() -> notified("RELOADING=1") && notified("READY=1"));

    Files.writeString(CONFIG, edited.replace("leaseTime: 3600", "leaseTime: -1"));
    Result refused = HostTools.run(Duration.ofSeconds(60), reload);
    assertEquals(2, refused.exit(), refused.out() + refused.err());
    assertTrue(refused.err().contains("dhcp.leaseTime"), refused.err());
    Files.writeString(CONFIG, edited);
  }

  private void stopWithSigterm() throws Exception {
    notifications.clear();
    HostTools.check("kill", "-TERM", Long.toString(server.pid()));
    assertTrue(server.waitFor(60, SECONDS), "stopped within TimeoutStopSec");
    assertEquals(143, server.exitValue(), "the exit status the unit counts as success");
    assertTrue(notified("STOPPING=1"), notifications.toString());
    assertTrue(Files.readString(LOGS.resolve("provisiond.log")).contains("PROVISIOND_STOPPED"));
  }

  /** The same package with a higher version in its control file: what a new release installs. */
  /** The package rebuilt with a higher version and a changed default config. */
  private Path rebuiltWithVersion(String version) throws Exception {
    Path tree = dir.resolve("rebuilt");
    HostTools.check("dpkg-deb", "--raw-extract", deb().toString(), tree.toString());
    Path template = tree.resolve(TEMPLATE.toString().substring(1));
    Files.writeString(template, Files.readString(template) + "# a newer default\n");
    Path control = tree.resolve("DEBIAN/control");
    Files.writeString(
        control,
        Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
    Path rebuilt = dir.resolve("provisiond_" + version + "_amd64.deb");
    HostTools.check("dpkg-deb", "-Zgzip", "-z1", "--build", tree.toString(), rebuilt.toString());
    return rebuilt;
  }
}
