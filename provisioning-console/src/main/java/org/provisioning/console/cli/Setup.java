package org.provisioning.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.provisioning.common.config.BootServer;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigException;
import org.provisioning.common.config.ConfigRuleProvider;
import org.provisioning.common.config.FailoverRole;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.io.DurableFiles;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;
import org.provisioning.common.net.Ipv4Subnet;
import org.provisioning.console.auth.ConsoleUser;
import org.provisioning.console.auth.FirstAdmin;
import org.provisioning.console.auth.PasswordHasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code provisionctl setup}: writes the config of one server of a headend from what it needs to
 * know (its name and address, the first CMTS relay with its subnets and pools, its failover role),
 * asked in a terminal for whatever no flag gives, so that a script passes every flag and a person
 * none. The result is checked by the same rules as {@code provisiond --check-config} (the services'
 * rules come through {@link ConfigRuleProvider}) and written only when it passes; the file it
 * replaces is kept beside it. Everything else (DOCSIS files, classes, timers, the data folder) is
 * taken from the config it replaces.
 *
 * <p>A secondary gets its pairing secret here, printed for the primary; a primary given the
 * secondary's address and secret stores the secret and is paired from its first start.
 *
 * <p>A primary (or standalone server) may be given its first console admin: the password is read as
 * {@code provisionctl user add} reads it (never an argument: asked twice without echo, or the first
 * line of a file or of standard input) and refused with the same message when it is too weak. The
 * server is not running on this config yet, so the admin is handed to it as a {@link FirstAdmin}
 * request in its data folder (the password's hash, owner-only), which provisiond turns into the
 * user at its next start, {@code --restart} or not.
 */
@Command(
    name = "setup",
    sortOptions = false,
    description = {
      "Write this server's config: name, address, the first CMTS relay with its subnets and pools,"
          + " failover role.",
      "Asks in a terminal for what no flag gives; checks the result as provisiond --check-config"
          + " does and writes it only when it is valid."
    })
final class Setup implements Callable<Integer> {
  /** The file in the data folder that holds the pair's secret (as the failover module keeps it). */
  static final String SECRET_FILE = "failover.secret";

  @ParentCommand Provisionctl ctl;

  @Option(names = "--name", description = "This server's name, shown in the console and alerts.")
  String name;

  @Option(names = "--role", description = "standalone (default), primary or secondary.")
  String role;

  @Option(
      names = "--address",
      description =
          "This server's address towards the CMTSes: DHCP server identifier, and where TFTP, DNS,"
              + " time and failover listen.")
  String address;

  @Option(names = "--relay", description = "The first CMTS's relay address (its giaddr).")
  String relay;

  @Option(
      names = "--subnet",
      split = ",",
      description = "A subnet behind that CMTS, CIDR (repeat, or separate with commas).")
  List<String> subnets;

  @Option(
      names = "--pool",
      split = ",",
      description =
          "Addresses to hand out, FIRST-LAST, inside one of the subnets (repeat; default: the"
              + " subnet from .10 to 5 below its broadcast address).")
  List<String> pools;

  @Option(names = "--domain", description = "The DNS zone for the leases' names.")
  String domain;

  @Option(names = "--peer", description = "Primary: the secondary's address, to pair with it.")
  String peer;

  @Option(
      names = "--secret",
      description =
          "Primary: the secondary's pairing secret (provisionctl failover secret there). As an"
              + " argument any local user sees it in the process list, and it stays in the shell"
              + " history: prefer --secret-file or --secret-stdin, or leave it out to be asked"
              + " without echo.")
  String secret;

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description = "Primary: the secondary's pairing secret, the first line of FILE.")
  Path secretFile;

  @Option(
      names = "--secret-stdin",
      description = "Primary: the secondary's pairing secret, the first line of standard input.")
  boolean secretStdin;

  @Option(
      names = "--admin",
      description =
          "Primary or standalone: the first console admin's name; provisiond adds it (role admin)"
              + " when it starts on this config. Its password: --admin-password-file,"
              + " --admin-password-stdin, or asked twice on the terminal; never an argument.")
  String admin;

  @Option(
      names = "--admin-password-file",
      paramLabel = "FILE",
      description = "The admin's password: the first line of FILE.")
  Path adminPasswordFile;

  @Option(
      names = "--admin-password-stdin",
      description = "The admin's password: the first line of standard input.")
  boolean adminPasswordStdin;

  @Option(names = "--id", description = "1-255; default 1, or 2 on a secondary.")
  Integer id;

  @Option(names = "--dhcp-listen", description = "Address DHCP binds (default: --address).")
  String dhcpListen;

  @Option(names = "--data-dir", description = "The data folder (default: the current config's).")
  String dataDir;

  @Option(names = "--management-listen", description = "The API's address (default: as now).")
  String managementListen;

  @Option(names = "--management-port", description = "The API's port (default: as now).")
  Integer managementPort;

  @Option(names = "--dhcp-port", description = "Default 67.")
  Integer dhcpPort;

  @Option(names = "--tftp-port", description = "Default 69.")
  Integer tftpPort;

  @Option(names = "--dns-port", description = "Default 53.")
  Integer dnsPort;

  @Option(names = "--tod-port", description = "Default 37 (RFC 868 time).")
  Integer todPort;

  @Option(names = "--failover-port", description = "Default: as now (8647).")
  Integer failoverPort;

  @Option(
      names = "--output",
      description = "Where to write the config (default: the one provisionctl reads, --config).")
  Path output;

  @Option(names = "--print", description = "Print the config instead of writing it.")
  boolean print;

  @Option(
      names = "--restart",
      description = "Then restart the provisiond service (systemctl) to run on the new config.")
  boolean restart;

  @Option(
      names = {"--non-interactive", "-y"},
      description = "Never ask: a missing answer takes its default, or fails.")
  boolean nonInteractive;

  @Option(
      names = "--interactive",
      description = "Ask on standard input even when it is not a terminal.")
  boolean forceInteractive;

  private PrintWriter out;
  private BufferedReader in;
  private Console console;

  @Override
  public Integer call() throws Exception {
    out = ctl.out();
    console = System.console();
    if (!nonInteractive && (console != null || forceInteractive)) {
      in =
          console != null
              ? new BufferedReader(console.reader())
              : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      out.println("provisionctl setup: Enter takes the answer in brackets.");
    }
    Path target = output != null ? output : ctl.configPath();
    Path home = Provisionctl.home();
    ConfigCodec codec = ConfigRuleProvider.installedCodec(home);
    ProvisioningConfig base = base(target, codec);
    ObjectMapper json = codec.jsonMapper();
    ObjectNode doc = json.valueToTree(base);

    String serverName = ask("Server name", "--name", name, hostName(), Setup::nonBlank);
    FailoverRole failoverRole =
        ask(
            "Failover role: standalone, primary or secondary",
            "--role",
            role,
            "standalone",
            Setup::role);
    Ipv4Address own =
        ask(
            "This server's address towards the CMTSes",
            "--address",
            address,
            base.dhcp().serverIdentifier() == null
                    || base.dhcp().serverIdentifier().equals(Ipv4Address.parse("127.0.0.1"))
                ? null
                : base.dhcp().serverIdentifier().toString(),
            Ipv4Address::parse);
    Ipv4Address giaddr =
        ask("The first CMTS's relay address (giaddr)", "--relay", relay, null, Ipv4Address::parse);
    List<Ipv4Subnet> nets =
        ask(
            "Subnets behind it (CIDR, comma-separated)",
            "--subnet",
            subnets == null ? null : String.join(",", subnets),
            null,
            text -> list(text, Ipv4Subnet::parse));
    Map<Ipv4Subnet, List<Ipv4Range>> poolsBySubnet = pools(nets);
    String zone =
        ask(
            "DNS zone for the leases' names",
            "--domain",
            domain,
            defaultDomain(base),
            Setup::nonBlank);
    int serverId = id != null ? id : failoverRole == FailoverRole.SECONDARY ? 2 : 1;
    Ipv4Address partner = null;
    String pairingSecret = null;
    if (failoverRole == FailoverRole.PRIMARY) {
      partner =
          ask(
              "The secondary's address, to pair with it now (Enter: pair later)",
              "--peer",
              peer,
              "",
              text -> text.isEmpty() ? null : Ipv4Address.parse(text));
      if (partner != null) {
        pairingSecret = askPairingSecret();
      }
    } else if (peer != null) {
      partner = Ipv4Address.parse(peer);
    }
    String adminName = adminName(failoverRole);
    String adminPassword = adminName == null ? null : adminPassword(adminName);

    ObjectNode server = object(doc, "server");
    server.put("name", serverName).put("id", serverId);
    if (dataDir != null) {
      server.put("dataDir", dataDir);
    }
    ObjectNode management = object(doc, "management");
    if (managementListen != null) {
      management.put("listen", managementListen);
    }
    if (managementPort != null) {
      management.put("port", managementPort);
    }
    dhcp(object(doc, "dhcp"), own, partner, giaddr, nets, poolsBySubnet, zone);
    object(doc, "tftp").put("listen", own.toString()).put("port", or(tftpPort, 69));
    object(doc, "tod").put("listen", own.toString()).put("port", or(todPort, 37));
    dns(object(doc, "dns"), own, partner, nets, zone);
    object(doc, "dns").put("port", or(dnsPort, 53));
    ObjectNode failover = object(doc, "failover");
    failover.put("role", failoverRole.label()).put("listen", own.toString());
    if (failoverPort != null) {
      failover.put("port", failoverPort);
    }
    if (partner != null) {
      failover.put("peer", partner.toString());
    } else {
      failover.remove("peer");
    }

    withoutNulls(doc);
    String document = YAML.writeValueAsString(doc);
    ProvisioningConfig config;
    try {
      config = codec.parse(document);
    } catch (ConfigException e) {
      for (ConfigError error : e.errors()) {
        ctl.spec.commandLine().getErr().println(error);
      }
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID,
          "the answers make an invalid config ("
              + e.errors().size()
              + (e.errors().size() == 1 ? " error" : " errors")
              + "); nothing was written");
    }
    String yaml =
        "# Written by provisionctl setup on "
            + Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + ": "
            + failoverRole.label()
            + " server "
            + serverName
            + " at "
            + own
            + ".\n# Check an edit with: provisiond --check-config FILE\n"
            + document;
    if (print) {
      out.print(yaml);
      if (adminName != null) {
        ctl.spec
            .commandLine()
            .getErr()
            .println("(--print writes nothing: the console admin " + adminName + " is not added)");
      }
      return 0;
    }
    Path data = config.server().dataDirectory(home);
    write(target, yaml);
    out.printf(
        Locale.ROOT,
        "wrote %s: %s server '%s' at %s, DHCP behind relay %s for %s%n",
        target,
        failoverRole.label(),
        serverName,
        own,
        giaddr,
        poolsBySubnet);
    if (failoverRole == FailoverRole.SECONDARY) {
      String secondarySecret = secondarySecret(data);
      out.println();
      out.println("This is the secondary. Its pairing secret, for the primary:");
      out.println("  " + secondarySecret);
      out.println(
          "(provisionctl failover secret prints it again once the server runs.) On the primary:");
      // The commands take the secret on the terminal or standard input: as an argument it would
      // show in the primary's process list and shell history.
      out.println(
          "  provisionctl setup --role primary --peer " + own + " ...   (it asks for the secret)");
      out.println("or, on a primary that runs already:");
      out.println(
          "  provisionctl failover init --peer "
              + own
              + " --secret-stdin   (then paste the secret)");
    } else if (failoverRole == FailoverRole.PRIMARY) {
      out.println();
      if (pairingSecret != null) {
        storeOwnerOnly(data, SECRET_FILE, pairingSecret.strip() + "\n");
        out.println(
            "Paired with the secondary " + partner + ": the secret is stored in " + data + ".");
      } else {
        out.println(
            "Not paired yet. Run provisionctl setup on the secondary, then pair this server with:");
        out.println("  provisionctl failover init --peer SECONDARY-ADDRESS --secret-stdin");
      }
    }
    Path adminRequest = null;
    if (adminName != null) {
      adminRequest =
          storeOwnerOnly(
              data,
              FirstAdmin.FILE_NAME,
              FirstAdmin.request(adminName, new PasswordHasher().hash(adminPassword)));
      out.println();
      out.println(
          "The console admin '"
              + adminName
              + "' is added when provisiond starts on this config (its password's hash waits in "
              + adminRequest
              + " until then).");
    }
    out.println();
    if (restart) {
      int exit = restartService();
      if (adminRequest != null) {
        out.println(
            Files.exists(adminRequest)
                ? "provisiond has not added the console admin '"
                    + adminName
                    + "': journalctl -u provisiond says why (CONSOLE_FIRST_ADMIN_*)"
                : "provisiond has taken the console admin '"
                    + adminName
                    + "' (provisionctl user list shows the users)");
      }
      return exit;
    }
    out.println(
        "Start the server on it: systemctl restart provisiond (or bin/provisiond --config "
            + target
            + ")");
    return 0;
  }

  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build())
          .build();

  /** Drops every null field: a value left out takes its default, and reads more easily. */
  private static void withoutNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> nulls = new ArrayList<>();
      object
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isNull()) {
                  nulls.add(e.getKey());
                } else {
                  withoutNulls(e.getValue());
                }
              });
      object.remove(nulls);
    } else if (node instanceof ArrayNode array) {
      array.forEach(Setup::withoutNulls);
    }
  }

  /** systemctl restart provisiond, its output passed through; exit 1 when it fails. */
  private int restartService() throws IOException, InterruptedException {
    out.println("systemctl restart provisiond");
    out.flush();
    Process systemctl =
        new ProcessBuilder("systemctl", "restart", "provisiond").inheritIO().start();
    if (systemctl.waitFor() != 0) {
      throw new Provisionctl.CliFailure(
          Provisionctl.UNREACHABLE,
          "systemctl restart provisiond failed; see journalctl -u provisiond (the config is"
              + " written)");
    }
    out.println("provisiond runs on the new config");
    return 0;
  }

  /** The config being replaced, or the defaults when there is none or it cannot be read. */
  private ProvisioningConfig base(Path target, ConfigCodec codec) {
    if (Files.isRegularFile(target)) {
      try {
        return codec.parseAccepted(Files.readString(target, StandardCharsets.UTF_8));
      } catch (IOException | ConfigException e) {
        out.println("(the config at " + target + " cannot be read; starting from the defaults)");
      }
    }
    return new ProvisioningConfig(null, null, null, null, null, null, null, null);
  }

  private void dhcp(
      ObjectNode dhcp,
      Ipv4Address own,
      Ipv4Address partner,
      Ipv4Address giaddr,
      List<Ipv4Subnet> nets,
      Map<Ipv4Subnet, List<Ipv4Range>> poolsBySubnet,
      String zone) {
    dhcp.put("enabled", true)
        .put("listen", dhcpListen != null ? dhcpListen : own.toString())
        .put("port", or(dhcpPort, 67))
        .put("serverIdentifier", own.toString());
    ObjectNode options = object(dhcp, "options");
    servers(options.putArray("dnsServers"), own, partner);
    options.put("domainName", zone);
    // The classes' boot servers point at this server (TFTP and time run here), then at its
    // partner: the primary's config is the pair's, and a modem the secondary serves after a
    // takeover must still find a TFTP and a time server that answer.
    for (JsonNode clientClass : dhcp.path("classes")) {
      if (clientClass.path("options") instanceof ObjectNode classOptions) {
        if (classOptions.hasNonNull("nextServer")) {
          classOptions.put("nextServer", BootServer.SELF_TEXT); // whichever server answers
        }
        for (String list : List.of("tftpServers", "timeServers")) {
          if (classOptions.hasNonNull(list)) {
            servers(classOptions.putArray(list), own, partner);
          }
        }
      }
    }
    ArrayNode subnetNodes = dhcp.putArray("subnets");
    for (Ipv4Subnet net : nets) {
      ObjectNode subnet = subnetNodes.addObject();
      subnet.put("subnet", net.toString());
      subnet.putArray("relays").add(giaddr.toString());
      Ipv4Address router = net.contains(giaddr) ? giaddr : net.network().plus(1);
      subnet.putObject("options").putArray("routers").add(router.toString());
      ArrayNode poolNodes = subnet.putArray("pools");
      for (Ipv4Range range : poolsBySubnet.get(net)) {
        poolNodes.addObject().put("range", range.toString());
      }
    }
  }

  /** This server's address, then its partner's if it has one. */
  private static void servers(ArrayNode list, Ipv4Address own, Ipv4Address partner) {
    list.add(own.toString());
    if (partner != null) {
      list.add(partner.toString());
    }
  }

  /**
   * A forward zone for the leases' names, and a reverse zone for each subnet on an octet; both
   * servers of a pair serve them, so each is a name server (ns1 this one, ns2 its partner).
   */
  private static void dns(
      ObjectNode dns, Ipv4Address own, Ipv4Address partner, List<Ipv4Subnet> nets, String zone) {
    dns.put("listen", own.toString());
    List<String> nameServers = new ArrayList<>(List.of("ns1." + zone));
    if (partner != null) {
      nameServers.add("ns2." + zone);
    }
    ArrayNode zones = dns.putArray("zones");
    ObjectNode forward = zones.addObject();
    forward.put("name", zone);
    nameServers.forEach(forward.putArray("nameServers")::add);
    ArrayNode records = forward.putArray("records").add("ns1 A " + own);
    if (partner != null) {
      records.add("ns2 A " + partner);
    }
    List<String> reverse = new ArrayList<>();
    for (Ipv4Subnet net : nets) {
      String name = reverseZone(net);
      if (name != null && !reverse.contains(name)) {
        reverse.add(name);
        ObjectNode zoneNode = zones.addObject();
        zoneNode.put("name", name);
        nameServers.forEach(zoneNode.putArray("nameServers")::add);
      }
    }
    ObjectNode ddns = object(dns, "ddns");
    ddns.put("forwardZone", zone);
  }

  /**
   * The first console admin's name: {@code --admin}, or asked on a primary or standalone server
   * (Enter: none); null for none. A secondary takes its users from the primary.
   */
  private String adminName(FailoverRole failoverRole) {
    if (admin == null && (adminPasswordFile != null || adminPasswordStdin)) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID, "an admin password needs --admin NAME, the admin's name");
    }
    if (failoverRole == FailoverRole.SECONDARY) {
      if (admin != null) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID,
            "--admin: a secondary gets its console users from the primary; give --admin to the"
                + " primary's setup");
      }
      return null;
    }
    return ask(
        "The first console admin's name (Enter: none now; provisionctl user add makes one later)",
        "--admin",
        admin,
        "",
        text -> text.isEmpty() ? null : ConsoleUser.checkName(text));
  }

  /**
   * The admin's password, read as {@code provisionctl user add} reads one and refused with its
   * message when {@link PasswordHasher#checkAcceptable} refuses it: from the file or standard input
   * the flags name (a refusal ends the command), else asked twice on the terminal without echo
   * (asked again after a refusal).
   */
  private String adminPassword(String name) {
    if (adminPasswordFile != null && adminPasswordStdin) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID, "give --admin-password-file or --admin-password-stdin, not both");
    }
    if (adminPasswordFile != null || adminPasswordStdin) {
      if (adminPasswordStdin && in != null && console == null) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID,
            "--interactive reads the answers from standard input: give the password with"
                + " --admin-password-file");
      }
      String password =
          adminPasswordFile != null
              ? firstLineOf(adminPasswordFile, "--admin-password-file", "password")
              : lineFromStdin("password");
      try {
        PasswordHasher.checkAcceptable(name, password);
      } catch (IllegalArgumentException e) {
        throw new Provisionctl.CliFailure(Provisionctl.INVALID, e.getMessage());
      }
      return password;
    }
    if (in == null) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID,
          "give the password of --admin "
              + name
              + " with --admin-password-file FILE or --admin-password-stdin (never as an"
              + " argument)");
    }
    while (true) {
      char[] first = readSecret("Password for " + name + ": ");
      char[] second = readSecret("The same again: ");
      try {
        if (!Arrays.equals(first, second)) {
          out.println("  the two passwords differ");
          continue;
        }
        String password = new String(first);
        try {
          PasswordHasher.checkAcceptable(name, password);
          return password;
        } catch (IllegalArgumentException e) {
          out.println("  " + e.getMessage());
        }
      } finally {
        Arrays.fill(first, '\0');
        Arrays.fill(second, '\0');
      }
    }
  }

  /** One password line: without echo on a terminal; from the answers' input otherwise. */
  private char[] readSecret(String prompt) {
    char[] line;
    if (console != null) {
      line = console.readPassword("%s", prompt);
    } else {
      out.print(prompt);
      out.flush();
      try {
        String text = in.readLine();
        line = text == null ? null : text.toCharArray();
      } catch (IOException e) {
        throw new Provisionctl.CliFailure(Provisionctl.INVALID, "cannot read the password: " + e);
      }
    }
    if (line == null) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID, "no password given; nothing was written");
    }
    return line;
  }

  private static String firstLineOf(Path file, String flag, String what) {
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String line = reader.readLine();
      if (line == null || line.isEmpty()) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID, "no " + what + " on the first line of " + file);
      }
      return line;
    } catch (IOException e) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID, "cannot read " + flag + " " + file + ": " + e);
    }
  }

  private String lineFromStdin(String what) {
    try {
      String line =
          new BufferedReader(new InputStreamReader(ctl.stdin, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID, "no " + what + " on standard input");
      }
      return line;
    } catch (IOException e) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID, "cannot read standard input: " + e.getMessage());
    }
  }

  /**
   * The secondary's pairing secret: {@code --secret}, {@code --secret-file}, {@code
   * --secret-stdin}, or asked on the terminal without echo (asked again while it is refused). A
   * refused secret is never repeated in the message.
   */
  private String askPairingSecret() {
    int given = (secret != null ? 1 : 0) + (secretFile != null ? 1 : 0) + (secretStdin ? 1 : 0);
    if (given > 1) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID, "give one of --secret, --secret-file and --secret-stdin");
    }
    if (secretStdin && (adminPasswordStdin || (in != null && console == null))) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID,
          "standard input carries something else here: give the secret with --secret-file");
    }
    String text =
        secret != null
            ? secret
            : secretFile != null
                ? firstLineOf(secretFile, "--secret-file", "secret")
                : secretStdin ? lineFromStdin("secret") : null;
    if (text != null) {
      try {
        return pairingSecret(text.strip());
      } catch (IllegalArgumentException e) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID, "the pairing secret: " + e.getMessage());
      }
    }
    if (in == null) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID,
          "give the secondary's pairing secret with --secret-file FILE or --secret-stdin");
    }
    while (true) {
      char[] line =
          readSecret(
              "The secondary's pairing secret (provisionctl failover secret, on the secondary): ");
      try {
        return pairingSecret(new String(line).strip());
      } catch (IllegalArgumentException e) {
        out.println("  " + e.getMessage());
      } finally {
        Arrays.fill(line, '\0');
      }
    }
  }

  /** {@code 1.10.in-addr.arpa} for 10.1.0.0/16; null for a prefix that is not 8, 16 or 24. */
  static String reverseZone(Ipv4Subnet net) {
    if (net.prefixLength() == 0 || net.prefixLength() % 8 != 0 || net.prefixLength() > 24) {
      return null;
    }
    String[] octets = net.network().toString().split("\\.");
    StringBuilder name = new StringBuilder();
    for (int i = net.prefixLength() / 8 - 1; i >= 0; i--) {
      name.append(octets[i]).append('.');
    }
    return name.append("in-addr.arpa").toString();
  }

  /** The pools given, each in the subnet that holds it; a subnet without one gets one. */
  private Map<Ipv4Subnet, List<Ipv4Range>> pools(List<Ipv4Subnet> nets) {
    Map<Ipv4Subnet, List<Ipv4Range>> bySubnet = new LinkedHashMap<>();
    nets.forEach(net -> bySubnet.put(net, new ArrayList<>()));
    for (String text : pools == null ? List.<String>of() : pools) {
      Ipv4Range range = parse("--pool", text, Ipv4Range::parse);
      Ipv4Subnet holder =
          nets.stream()
              .filter(net -> net.contains(range))
              .findFirst()
              .orElseThrow(
                  () ->
                      new Provisionctl.CliFailure(
                          Provisionctl.INVALID,
                          "--pool " + text + " lies in none of the subnets " + nets));
      bySubnet.get(holder).add(range);
    }
    for (Ipv4Subnet net : nets) {
      if (bySubnet.get(net).isEmpty()) {
        bySubnet
            .get(net)
            .add(
                ask(
                    "Pool of " + net + " (FIRST-LAST)",
                    "--pool",
                    null,
                    defaultPool(net),
                    Ipv4Range::parse));
      }
    }
    return bySubnet;
  }

  private static String defaultPool(Ipv4Subnet net) {
    if (net.prefixLength() > 26) {
      return null;
    }
    return new Ipv4Range(net.network().plus(10), net.broadcast().plus(-5)).toString();
  }

  private static String defaultDomain(ProvisioningConfig base) {
    return base.dns().zones().stream()
        .map(z -> z.name())
        .filter(n -> !n.endsWith("in-addr.arpa") && !n.endsWith("in-addr.arpa."))
        .findFirst()
        .orElse("cable.example.net");
  }

  /**
   * One answer: the flag's value if given, else asked (re-asked while it does not parse), else the
   * default; with neither a terminal nor a default, the missing flag fails the command.
   */
  private <T> T ask(
      String question, String flag, String given, String defaultValue, Function<String, T> parser) {
    if (given != null) {
      return parse(flag, given.strip(), parser);
    }
    if (in == null) {
      if (defaultValue == null) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID, "give " + flag + " (" + question.toLowerCase(Locale.ROOT) + ")");
      }
      return parse(flag, defaultValue, parser);
    }
    while (true) {
      out.print(
          question
              + (defaultValue == null || defaultValue.isEmpty() ? "" : " [" + defaultValue + "]")
              + ": ");
      out.flush();
      String line;
      try {
        line = in.readLine();
      } catch (IOException e) {
        throw new Provisionctl.CliFailure(Provisionctl.INVALID, "cannot read the answer: " + e);
      }
      if (line == null) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID, "no answer to '" + question + "'; nothing was written");
      }
      String answer = line.strip().isEmpty() && defaultValue != null ? defaultValue : line.strip();
      if (answer.isEmpty() && defaultValue == null) {
        out.println("  an answer is needed");
        continue;
      }
      try {
        return parser.apply(answer);
      } catch (IllegalArgumentException e) {
        out.println("  " + answer + ": " + e.getMessage());
      }
    }
  }

  private static <T> T parse(String flag, String text, Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new Provisionctl.CliFailure(
          Provisionctl.INVALID, flag + " " + text + ": " + e.getMessage());
    }
  }

  private static <T> List<T> list(String text, Function<String, T> parser) {
    List<T> values = new ArrayList<>();
    for (String part : text.split("[,\\s]+")) {
      if (!part.isEmpty()) {
        values.add(parser.apply(part));
      }
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException("give at least one");
    }
    return values;
  }

  private static String nonBlank(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return text;
  }

  private static FailoverRole role(String text) {
    for (FailoverRole r : FailoverRole.values()) {
      if (r.label().equalsIgnoreCase(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException("is not standalone, primary or secondary");
  }

  private static String pairingSecret(String text) {
    if (text.length() < 16) {
      throw new IllegalArgumentException("a pairing secret has at least 16 characters");
    }
    return text;
  }

  private static int or(Integer value, int fallback) {
    return value != null ? value : fallback;
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    return parent.get(field) instanceof ObjectNode node ? node : parent.putObject(field);
  }

  private static String hostName() {
    try {
      String host = InetAddress.getLocalHost().getHostName();
      int dot = host.indexOf('.');
      return dot > 0 ? host.substring(0, dot) : host;
    } catch (IOException e) {
      return "provisiond";
    }
  }

  /**
   * Replaces the config atomically, with the owner and mode of the file it replaces
   * (root:provisiond 0640 in the Debian package), which is kept beside it as {@code .before-setup}.
   */
  private void write(Path target, String yaml) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temporary = ownerOnly(dir.resolve(target.getFileName() + ".setup-tmp"));
    Files.writeString(temporary, yaml, StandardCharsets.UTF_8);
    if (Files.exists(target)) {
      copyOwnership(target, temporary);
      Path kept = dir.resolve(target.getFileName() + ".before-setup");
      Files.copy(
          target, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      out.println("(the config it replaces is kept as " + kept + ")");
    }
    // Synced: a rename alone could leave an empty config after a power loss, and provisiond then
    // refused to start.
    DurableFiles.moveInto(temporary, target);
  }

  /** The secondary's secret: the one in its data folder, or a new one (256 random bits). */
  private String secondarySecret(Path data) throws IOException {
    Path file = data.resolve(SECRET_FILE);
    if (Files.isRegularFile(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!existing.isEmpty()) {
        return existing;
      }
    }
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String created = HexFormat.of().formatHex(bytes);
    storeOwnerOnly(data, SECRET_FILE, created + "\n");
    return created;
  }

  /**
   * Writes a file of the data folder owner-only, owned like the folder (the service user's, as
   * root), atomically.
   */
  private static Path storeOwnerOnly(Path data, String fileName, String content)
      throws IOException {
    Files.createDirectories(data);
    Path temporary = ownerOnly(data.resolve(fileName + ".tmp"));
    Files.writeString(temporary, content, StandardCharsets.UTF_8);
    copyOwnership(data, temporary);
    Path file = data.resolve(fileName);
    DurableFiles.moveInto(temporary, file); // empty after a power loss, a new secret was made
    return file;
  }

  /**
   * A new empty file that only its owner may read, for a copy of the config (it holds secrets): an
   * interrupted command must not leave a readable copy behind. Ownership and mode follow later.
   */
  static Path ownerOnly(Path file) throws IOException {
    Files.deleteIfExists(file);
    return Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  /** Gives {@code to} the owner and group of {@code from}; as a user other than root, keeps its. */
  static void copyOwnership(Path from, Path to) throws IOException {
    PosixFileAttributes source =
        Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    PosixFileAttributeView view =
        Files.getFileAttributeView(to, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (Files.isRegularFile(from)) {
      view.setPermissions(source.permissions());
    }
    try {
      if (!view.readAttributes().owner().equals(source.owner())) {
        view.setOwner(source.owner());
      }
      if (!view.readAttributes().group().equals(source.group())) {
        view.setGroup(source.group());
      }
    } catch (IOException e) {
      // Not root: the file stays ours, which is the owner a non-root installation has anyway.
    }
  }
}
