package org.provisioning.common.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;
import org.provisioning.common.net.Ipv4Subnet;
import org.provisioning.common.stats.StatisticDefinition;

/**
 * The rules a config must follow beyond its shape, as code. Each rule that fails adds an error that
 * names the path, says what is wrong and how to fix it; every rule runs, so the operator sees every
 * problem at once.
 */
final class ConfigValidator {
  private static final Pattern MAC = Pattern.compile("(?i)[0-9a-f]{2}([:-][0-9a-f]{2}){5}");
  private static final Pattern MAC_PREFIX =
      Pattern.compile("(?i)[0-9a-f]{2}([:-][0-9a-f]{2}){0,5}");
  private static final Pattern HEX = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2})*");

  /** A remote-id the server reads as hex pairs (else as text): either separator. */
  private static final Pattern REMOTE_ID_HEX = Pattern.compile("(?i)[0-9a-f]{2}([:-][0-9a-f]{2})*");

  /**
   * Options the server writes from its own state, which a raw value would replace: a raw lease time
   * told clients one time while the server kept its own, and freed their addresses under them.
   */
  private static final Map<Integer, String> SERVER_OWNED_OPTIONS =
      Map.ofEntries(
          Map.entry(50, "the requested address is the client's"),
          Map.entry(51, "set leaseTime"),
          Map.entry(52, "option overload is the encoder's"),
          Map.entry(53, "the message type"),
          Map.entry(54, "set serverIdentifier"),
          Map.entry(55, "the parameter request list is the client's"),
          Map.entry(57, "the maximum message size is the client's"),
          Map.entry(58, "T1 follows leaseTime"),
          Map.entry(59, "T2 follows leaseTime"),
          Map.entry(61, "the client identifier is the client's"),
          Map.entry(82, "relay agent information is the relay's"),
          Map.entry(118, "subnet selection is the client's"));

  private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.\\-]{0,62})");
  private static final Pattern MAC_DIGITS = Pattern.compile("[0-9a-f]{12}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  /** Option 51 (RFC 2132) carries a lease time in 32 bits. */
  static final long MAX_LEASE_SECONDS = 0xFFFF_FFFFL;

  private final List<ConfigError> bindingErrors;
  private final List<ConfigError> errors = new ArrayList<>();

  /**
   * @param bindingErrors errors already reported while reading; their paths are not re-judged
   */
  ConfigValidator(List<ConfigError> bindingErrors) {
    this.bindingErrors = bindingErrors;
  }

  List<ConfigError> validate(ProvisioningConfig config) {
    server(config.server());
    management(config.management());
    dhcp(config.dhcp());
    tftp(config.tftp());
    dns(config.dns());
    tod(config.tod());
    failover(config.failover(), config.server());
    if (config.alerts().historyLimit() < 10 || config.alerts().historyLimit() > 1_000_000) {
      error("alerts.historyLimit", config.alerts().historyLimit() + " is outside 10-1000000");
    }
    SnmpConfigValidator.validate(config.alerts().snmp(), this::error);
    emailAlerts(config.alerts().email());
    syslogAlerts(config.alerts().syslog());
    listenersApart(config);
    return errors;
  }

  private void server(ServerConfig server) {
    if (!SERVER_NAME.matcher(server.name()).matches()) {
      error(
          "server.name",
          "'" + server.name() + "' is not a host-like name (letters, digits, '.', '-', up to 63)");
    }
    if (server.id() < 1 || server.id() > 255) {
      error("server.id", server.id() + " is outside 1-255");
    }
    if (server.dataDir().isBlank()) {
      error("server.dataDir", "is empty; name a directory for the journal, e.g. data");
    }
  }

  private void management(ManagementConfig management) {
    port("management.port", management.port());
    if (management.maxBodyBytes() < 1024 || management.maxBodyBytes() > 64 << 20) {
      error("management.maxBodyBytes", management.maxBodyBytes() + " is outside 1024-67108864");
    }
    ManagementSecurityValidator.validate(management, this::error);
  }

  private void dhcp(DhcpConfig dhcp) {
    port("dhcp.port", dhcp.port());
    leaseTime("dhcp.leaseTime", dhcp.leaseTime());
    if (dhcp.offerHoldSeconds() < 1 || dhcp.offerHoldSeconds() > 3600) {
      error("dhcp.offerHoldSeconds", dhcp.offerHoldSeconds() + " is outside 1-3600");
    }
    if (dhcp.declineQuarantineSeconds() < 0) {
      error("dhcp.declineQuarantineSeconds", "cannot be negative");
    } else if (dhcp.declineQuarantineSeconds() > MAX_LEASE_SECONDS) {
      error(
          "dhcp.declineQuarantineSeconds",
          dhcp.declineQuarantineSeconds()
              + " s is over the maximum of "
              + MAX_LEASE_SECONDS
              + " s");
    }
    if (dhcp.effectiveServerIdentifier().equals(Ipv4Address.ANY)) {
      error(
          "dhcp.serverIdentifier",
          "is required when dhcp.listen is 0.0.0.0; give this server's address on the client link");
    }
    if (dhcp.policies().maxCpePerModem() < 0) {
      error("dhcp.policies.maxCpePerModem", "cannot be negative; 0 means no limit");
    }
    options("dhcp.options", dhcp.options(), null);
    Set<String> classNames = new HashSet<>();
    for (int c = 0; c < dhcp.classes().size(); c++) {
      clientClass("dhcp.classes[" + c + "]", dhcp.classes().get(c), classNames);
    }
    List<Located<Ipv4Subnet>> subnets = new ArrayList<>();
    List<Located<Ipv4Range>> pools = new ArrayList<>();
    // By the statistics' spelling of the name: "North" and "north" would share one set of them.
    Map<String, String> poolNames = new HashMap<>();
    for (int s = 0; s < dhcp.subnets().size(); s++) {
      String at = "dhcp.subnets[" + s + "]";
      SubnetConfig subnet = dhcp.subnets().get(s);
      if (subnet == null) {
        error(at, "is empty; give at least 'subnet' and 'pools'");
        continue;
      }
      if (subnet.subnet() == null) {
        error(at + ".subnet", "is missing; give the network like 127.16.0.0/16");
      } else {
        for (Located<Ipv4Subnet> other : subnets) {
          if (other.value.overlaps(subnet.subnet())) {
            error(
                at + ".subnet",
                subnet.subnet()
                    + " overlaps "
                    + other.value
                    + " at "
                    + other.path
                    + "; subnets must be disjoint");
          }
        }
        subnets.add(new Located<>(at + ".subnet", subnet.subnet()));
      }
      if (subnet.leaseTime() != null) {
        leaseTime(at + ".leaseTime", subnet.leaseTime());
      }
      options(at + ".options", subnet.options(), subnet.subnet());
      for (int p = 0; p < subnet.pools().size(); p++) {
        String poolAt = at + ".pools[" + p + "]";
        PoolConfig pool = subnet.pools().get(p);
        pool(poolAt, pool, subnet.subnet(), pools);
        if (pool != null && pool.range() != null) {
          infrastructureOutside(poolAt + ".range", pool.range(), dhcp, subnet);
        }
        if (pool != null) {
          String other =
              poolNames.putIfAbsent(StatisticDefinition.labelValue(pool.label()), pool.label());
          if (other != null) {
            error(
                poolAt + ".name",
                other.equals(pool.label())
                    ? "'" + pool.label() + "' names two pools; give each its own"
                    : "'"
                        + pool.label()
                        + "' and '"
                        + other
                        + "' differ only in case or punctuation, which the pools' statistics"
                        + " (dhcp.pool.<name>.*) do not keep apart; give each its own name");
          }
          for (int c = 0; c < pool.classes().size(); c++) {
            if (!classNames.contains(pool.classes().get(c))) {
              error(
                  poolAt + ".classes[" + c + "]", unknownClass(pool.classes().get(c), classNames));
            }
          }
        }
      }
    }
    reservations(dhcp, subnets, classNames);
  }

  private void clientClass(String at, ClientClassConfig cls, Set<String> names) {
    if (cls == null) {
      error(at, "is empty; give at least 'name'");
      return;
    }
    if (cls.name() == null || cls.name().isBlank()) {
      error(at + ".name", "is missing; name the class, e.g. cable-modem");
    } else if (!names.add(cls.name())) {
      error(at + ".name", "'" + cls.name() + "' names two classes; give each its own");
    } else if (cls.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
      error(at + ".name", "is longer than 255 octets (UTF-8), more than a lease keeps");
    }
    if (cls.leaseTime() != null) {
      leaseTime(at + ".leaseTime", cls.leaseTime());
    }
    ClientClassConfig.ClientClassMatch match = cls.match();
    for (int i = 0; i < match.macPrefixes().size(); i++) {
      String prefix = match.macPrefixes().get(i);
      if (prefix == null || !MAC_PREFIX.matcher(prefix).matches()) {
        error(
            at + ".match.macPrefixes[" + i + "]",
            "'" + prefix + "' is not a MAC prefix like 00:11:22");
      }
    }
    if (match.vendorClassPrefix() != null && match.vendorClassPrefix().isEmpty()) {
      error(at + ".match.vendorClassPrefix", "is empty; leave it out to match any client");
    }
    options(at + ".options", cls.options(), null);
  }

  private void reservations(
      DhcpConfig dhcp, List<Located<Ipv4Subnet>> subnets, Set<String> classNames) {
    Map<String, String> seen = new HashMap<>();
    for (int r = 0; r < dhcp.reservations().size(); r++) {
      String at = "dhcp.reservations[" + r + "]";
      ReservationConfig reservation = dhcp.reservations().get(r);
      if (reservation == null) {
        error(at, "is empty; give 'mac', 'clientId' or 'remoteId'");
        continue;
      }
      if (reservation.mac() == null
          && reservation.clientId() == null
          && reservation.remoteId() == null) {
        error(at, "names no client; give 'mac', 'clientId' or 'remoteId'");
      }
      if (reservation.mac() != null && !MAC.matcher(reservation.mac()).matches()) {
        error(at + ".mac", "'" + reservation.mac() + "' is not a MAC like 00:11:22:33:44:55");
      }
      if (reservation.clientId() != null && !HEX.matcher(reservation.clientId()).matches()) {
        error(
            at + ".clientId",
            "'" + reservation.clientId() + "' is not hex octets like 01:00:11:22");
      }
      unique(seen, at + ".mac", "mac " + lower(reservation.mac()), reservation.mac());
      unique(
          seen,
          at + ".clientId",
          "clientId " + lower(reservation.clientId()),
          reservation.clientId());
      unique(
          seen,
          at + ".remoteId",
          "remoteId " + remoteIdKey(reservation.remoteId()),
          reservation.remoteId());
      if (reservation.address() != null) {
        unique(seen, at + ".address", "address " + reservation.address(), reservation.address());
        if (subnets.stream().noneMatch(s -> s.value.contains(reservation.address()))) {
          error(at + ".address", reservation.address() + " lies in no configured subnet");
        }
        reservedAddressUsable(at + ".address", reservation.address(), dhcp);
      }
      if (reservation.clientClass() != null && !classNames.contains(reservation.clientClass())) {
        error(at + ".clientClass", unknownClass(reservation.clientClass(), classNames));
      }
      options(at + ".options", reservation.options(), null);
    }
  }

  /**
   * A remote-id as the server compares it: hex pairs (either separator, any case) as their octets,
   * anything else as its text. Two spellings of one remote-id passed, and one reservation silently
   * never applied.
   */
  private static String remoteIdKey(String remoteId) {
    if (remoteId == null) {
      return null;
    }
    return REMOTE_ID_HEX.matcher(remoteId).matches()
        ? "0x" + remoteId.toLowerCase(Locale.ROOT).replace(":", "").replace("-", "")
        : "'" + remoteId + "'";
  }

  /**
   * A reserved address is given as the config says, outside any pool: it must not be one a pool may
   * not hold either (the network and broadcast addresses, the routers, relays and server
   * identifier), or its client takes the router's traffic.
   */
  private void reservedAddressUsable(String at, Ipv4Address address, DhcpConfig dhcp) {
    for (SubnetConfig subnet : dhcp.subnets()) {
      if (subnet == null || subnet.subnet() == null || !subnet.subnet().contains(address)) {
        continue;
      }
      Ipv4Subnet net = subnet.subnet();
      if (net.prefixLength() < 31
          && (address.equals(net.network()) || address.equals(net.broadcast()))) {
        error(at, address + " is the network or broadcast address of " + net);
      }
      String what = infrastructure(dhcp, subnet).get(address);
      if (what != null) {
        error(at, address + " is " + what + "; a client reserved it would be given it");
      }
    }
  }

  private void unique(Map<String, String> seen, String path, String key, Object value) {
    if (value == null) {
      return;
    }
    String first = seen.putIfAbsent(key, path);
    if (first != null) {
      error(path, "the same " + key + " is reserved at " + first);
    }
  }

  private static String lower(String text) {
    return text == null ? null : text.toLowerCase(java.util.Locale.ROOT).replace('-', ':');
  }

  private static String unknownClass(String name, Set<String> known) {
    return "class '"
        + name
        + "' is not defined in dhcp.classes"
        + (known.isEmpty() ? "" : "; defined: " + new java.util.TreeSet<>(known));
  }

  private void options(String at, DhcpOptionsConfig options, Ipv4Subnet subnet) {
    if (options.routers() != null && subnet != null) {
      addressesInside(at + ".routers", options.routers(), subnet);
    }
    if (options.bootFile() != null && options.bootFile().length() > 128) {
      error(at + ".bootFile", "is longer than the 128 octets of the file field");
    }
    if (options.timeOffset() != null && Math.abs(options.timeOffset()) > 86400) {
      error(at + ".timeOffset", options.timeOffset() + " s is more than a day from UTC");
    }
    new java.util.TreeMap<>(options.raw())
        .forEach(
            (code, value) -> {
              if (code == Integer.MIN_VALUE) {
                return; // a key that is no number, reported while reading
              }
              if (code < 1 || code > 254) {
                error(at + ".raw." + code, "option code " + code + " is outside 1-254");
              } else if (SERVER_OWNED_OPTIONS.containsKey(code)) {
                error(
                    at + ".raw." + code,
                    "option "
                        + code
                        + " is the server's own ("
                        + SERVER_OWNED_OPTIONS.get(code)
                        + "); it cannot be set raw");
              } else if (value == null || !HEX.matcher(value).matches()) {
                error(at + ".raw." + code, "'" + value + "' is not hex octets like 01:02:0a");
              }
            });
  }

  /**
   * A pool must not hand out the addresses its clients reach the network by: the subnet's routers,
   * its relays (the CMTS's giaddr) and the server's own identifier. A pool written as .1-.254 gave
   * a client the router's address, and the router's traffic went to it.
   */
  private void infrastructureOutside(
      String at, Ipv4Range range, DhcpConfig dhcp, SubnetConfig subnet) {
    infrastructure(dhcp, subnet)
        .forEach(
            (address, what) -> {
              if (range.contains(address)) {
                error(
                    at,
                    range
                        + " contains "
                        + address
                        + ", "
                        + what
                        + "; leave it out of the pool, or a client is given it");
              }
            });
  }

  /** What clients of {@code subnet} reach the network by, each address with what it is. */
  private static Map<Ipv4Address, String> infrastructure(DhcpConfig dhcp, SubnetConfig subnet) {
    Map<Ipv4Address, String> infrastructure = new LinkedHashMap<>();
    List<Ipv4Address> routers =
        subnet.options().routers() != null ? subnet.options().routers() : dhcp.options().routers();
    if (routers != null) {
      routers.forEach(router -> infrastructure.putIfAbsent(router, "the router"));
    }
    subnet.relays().forEach(relay -> infrastructure.putIfAbsent(relay, "the relay (giaddr)"));
    if (dhcp.serverIdentifier() != null) {
      infrastructure.putIfAbsent(dhcp.serverIdentifier(), "the server identifier");
    }
    return infrastructure;
  }

  private void pool(String at, PoolConfig pool, Ipv4Subnet subnet, List<Located<Ipv4Range>> seen) {
    if (pool == null) {
      error(at, "is empty; give at least 'range'");
      return;
    }
    Ipv4Range range = pool.range();
    if (range == null) {
      error(at + ".range", "is missing; give the addresses like 127.16.0.10-127.16.0.250");
    } else if (!range.isOrdered()) {
      error(at + ".range", range + " ends before it starts; swap its two addresses");
    } else {
      if (subnet != null && !subnet.contains(range)) {
        error(
            at + ".range",
            range + " lies outside subnet " + subnet + "; move the pool or widen the subnet");
      } else if (subnet != null
          && subnet.prefixLength() < 31
          && (range.contains(subnet.network()) || range.contains(subnet.broadcast()))) {
        error(
            at + ".range",
            range
                + " contains the network or broadcast address of "
                + subnet
                + "; start at "
                + subnet.network().plus(1)
                + " and end by "
                + subnet.broadcast().plus(-1));
      }
      for (Located<Ipv4Range> other : seen) {
        if (other.value.overlaps(range)) {
          error(at + ".range", range + " overlaps " + other.value + " at " + other.path);
        }
      }
      seen.add(new Located<>(at + ".range", range));
    }
    int warning = pool.warningPercent();
    int critical = pool.criticalPercent();
    if (warning < 1 || warning > 100) {
      error(at + ".warningPercent", warning + " is outside 1-100");
    }
    if (critical < 1 || critical > 100) {
      error(at + ".criticalPercent", critical + " is outside 1-100");
    }
    if (warning >= critical) {
      error(
          at + ".warningPercent",
          warning
              + " is not below criticalPercent "
              + critical
              + "; the warning must come before the critical alert");
    }
  }

  private void tftp(TftpConfig tftp) {
    port("tftp.port", tftp.port());
    if (tftp.enabled() && tftp.listen().equals(Ipv4Address.ANY)) {
      // Each transfer answers from a socket of its own, bound to this address: on 0.0.0.0 the
      // kernel picks its source, on a host with several addresses not always the one the modem
      // asked, and TFTP clients drop DATA from any other address.
      error(
          "tftp.listen",
          "is 0.0.0.0; give the address modems reach (the one DHCP names in siaddr, option 66"
              + " or 125), so that transfers answer from it");
    }
    if (tftp.root().isBlank()) {
      error("tftp.root", "is empty; name the directory files are served from, e.g. tftp");
    }
    if (tftp.writeRoot() != null && tftp.writeRoot().isBlank()) {
      error(
          "tftp.writeRoot",
          "is empty; name a directory for uploads, or leave the key out to refuse writes");
    }
    if (tftp.writeRoot() != null && tftp.writeRoot().equals(tftp.root())) {
      error(
          "tftp.writeRoot",
          "is the served root; give uploads their own directory so no client can replace a"
              + " served file");
    }
    within("tftp.maxTransfers", tftp.maxTransfers(), 1, 100_000);
    within("tftp.maxTransfersPerClient", tftp.maxTransfersPerClient(), 1, tftp.maxTransfers());
    // RFC 2348 allows blksize 8-65464; granting less than RFC 1350's 512 would only slow clients.
    within("tftp.maxBlockSize", tftp.maxBlockSize(), 512, 65464);
    // RFC 7440 allows windows up to 65535 blocks; beyond 64 in flight a lossy path only floods.
    within("tftp.maxWindowSize", tftp.maxWindowSize(), 1, 64);
    within("tftp.timeoutMillis", tftp.timeoutMillis(), 10, 255_000);
    within("tftp.retries", tftp.retries(), 0, 20);
    if (tftp.maxWriteBytes() < 0) {
      error("tftp.maxWriteBytes", tftp.maxWriteBytes() + " is negative");
    }
    docsis(tftp.docsis());
  }

  private void docsis(DocsisConfig docsis) {
    String at = "tftp.docsis";
    if (docsis.cmtsMic()
        && !docsis.files().isEmpty()
        && (docsis.sharedSecret() == null || docsis.sharedSecret().isEmpty())) {
      error(
          at + ".sharedSecret",
          "is missing while cmtsMic is on; give the CMTS shared secret (the CMTS refuses a"
              + " modem whose CMTS MIC it cannot verify), or set cmtsMic: false");
    }
    if (docsis.sharedSecret() != null && docsis.sharedSecret().length() > 64) {
      error(at + ".sharedSecret", "is longer than 64 characters; CMTSes take at most 64");
    }
    within(at + ".antiTheftSeconds", docsis.antiTheftSeconds(), 0, 86_400);
    within(at + ".cacheEntries", docsis.cacheEntries(), 0, 10_000_000);
    Map<String, String> patterns = new HashMap<>();
    for (int i = 0; i < docsis.files().size(); i++) {
      String path = at + ".files[" + i + "]";
      DocsisFileConfig file = docsis.files().get(i);
      if (file == null) {
        error(path, "is empty; give at least 'pattern' and 'template'");
        continue;
      }
      if (file.pattern() == null || file.pattern().isBlank()) {
        error(path + ".pattern", "is missing; give the requested name, e.g. cm-{mac}.cfg");
      } else {
        filePattern(path + ".pattern", file.pattern());
        String other = patterns.putIfAbsent(file.pattern(), path);
        if (other != null) {
          error(path + ".pattern", "'" + file.pattern() + "' is already used by " + other);
        }
      }
      boolean hasFile = file.template() != null && !file.template().isBlank();
      boolean hasText = file.templateText() != null && !file.templateText().isBlank();
      if (hasFile == hasText) {
        error(
            path + ".template",
            hasFile
                ? "and templateText are both given; keep one"
                : "is missing; name the template file (e.g. conf/docsis/cm.txt) or give the"
                    + " template itself as templateText");
      }
      variableNames(path + ".variables", file.variables());
      file.classes().forEach((cls, vars) -> variableNames(path + ".classes." + cls, vars));
    }
    Map<String, String> macs = new HashMap<>();
    for (int i = 0; i < docsis.modems().size(); i++) {
      String path = at + ".modems[" + i + "]";
      DocsisModemConfig modem = docsis.modems().get(i);
      if (modem == null || modem.mac() == null) {
        error(path + ".mac", "is missing; give the modem's MAC like 00:11:22:33:44:55");
        continue;
      }
      String mac = modem.mac().toLowerCase(java.util.Locale.ROOT).replaceAll("[:.\\-]", "");
      if (!MAC_DIGITS.matcher(mac).matches()) {
        error(path + ".mac", "'" + modem.mac() + "' is not a MAC like 00:11:22:33:44:55");
      } else {
        String other = macs.putIfAbsent(mac, path);
        if (other != null) {
          error(path + ".mac", modem.mac() + " is already listed at " + other);
        }
      }
      variableNames(path + ".variables", modem.variables());
    }
  }

  private void filePattern(String path, String pattern) {
    if (pattern.indexOf('\0') >= 0 || pattern.startsWith("/") || pattern.contains("..")) {
      error(path, "'" + pattern + "' must be a plain relative name without '..'");
    }
    java.util.regex.Matcher placeholder = PLACEHOLDER.matcher(pattern);
    Map<String, Boolean> seen = new HashMap<>();
    while (placeholder.find()) {
      String name = placeholder.group(1);
      if (!name.equals("mac") && !name.equals("class")) {
        error(path, "{" + name + "} is not a placeholder; use {mac} or {class}");
      } else if (seen.put(name, true) != null) {
        error(path, "{" + name + "} appears twice; give it once");
      }
    }
  }

  private void variableNames(String path, Map<String, String> variables) {
    variables.forEach(
        (name, value) -> {
          if (!VARIABLE.matcher(name).matches()) {
            error(path + "." + name, "is not a variable name (a letter, then letters, digits, _)");
          }
          if (value == null) {
            error(path + "." + name, "has no value; give one or remove the key");
          }
        });
  }

  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?i)([a-z0-9_]([a-z0-9_\\-]{0,61}[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_\\-]{0,61}[a-z0-9_])?\\.?");
  private static final Pattern NAME_PATTERN = Pattern.compile("(?i)[a-z0-9{][a-z0-9{}\\-.]*");

  private void dns(DnsConfig dns) {
    port("dns.port", dns.port());
    within("dns.udpPayloadLimit", dns.udpPayloadLimit(), 512, 4096);
    within("dns.maxTcpConnections", dns.maxTcpConnections(), 1, 65535);
    within("dns.tcpIdleSeconds", dns.tcpIdleSeconds(), 1, 3600);
    Set<String> keyNames = new HashSet<>();
    for (int k = 0; k < dns.keys().size(); k++) {
      String at = "dns.keys[" + k + "]";
      TsigKeyConfig key = dns.keys().get(k);
      if (key == null) {
        error(at, "is empty; give 'name', 'algorithm' and 'secret'");
        continue;
      }
      if (key.name() == null || !domain(key.name())) {
        error(at + ".name", "'" + key.name() + "' is not a key name like ddns-key");
      } else if (!keyNames.add(canonical(key.name()))) {
        error(at + ".name", "'" + key.name() + "' names two keys; give each its own");
      }
      if (!TsigKeyConfig.ALGORITHMS.contains(key.algorithm())) {
        error(
            at + ".algorithm",
            "'"
                + key.algorithm()
                + "' is not one of "
                + new java.util.TreeSet<>(TsigKeyConfig.ALGORITHMS));
      }
      byte[] secret = null;
      try {
        secret =
            key.secret() == null ? null : java.util.Base64.getDecoder().decode(key.secret().trim());
      } catch (IllegalArgumentException e) {
        secret = null;
      }
      if (secret == null || secret.length < 16) {
        error(
            at + ".secret",
            "is not a base64 secret of at least 16 octets; make one with"
                + " 'tsig-keygen -a hmac-sha256 NAME' or 'openssl rand -base64 32'");
      }
    }
    Set<String> zoneNames = new HashSet<>();
    for (int z = 0; z < dns.zones().size(); z++) {
      String at = "dns.zones[" + z + "]";
      DnsZoneConfig zone = dns.zones().get(z);
      if (zone == null) {
        error(at, "is empty; give at least 'name' and 'nameServers'");
        continue;
      }
      if (zone.name() == null || !domain(zone.name())) {
        error(at + ".name", "'" + zone.name() + "' is not a domain name like cable.example.net");
      } else if (!zoneNames.add(canonical(zone.name()))) {
        error(at + ".name", "'" + zone.name() + "' names two zones; give each once");
      }
      if (zone.servedHere() && zone.nameServers().isEmpty()) {
        error(
            at + ".nameServers",
            "is empty; a served zone needs at least one NS name, e.g. ns1." + zone.name());
      }
      for (int n = 0; n < zone.nameServers().size(); n++) {
        String ns = zone.nameServers().get(n);
        if (ns == null || !domain(ns)) {
          error(at + ".nameServers[" + n + "]", "'" + ns + "' is not a host name");
        }
      }
      DnsZoneConfig.DnsSoaConfig soa = zone.soa();
      within(at + ".soa.serial", soa.serial(), 0, 0xFFFFFFFFL);
      within(at + ".soa.refresh", soa.refresh(), 0, Integer.MAX_VALUE);
      within(at + ".soa.retry", soa.retry(), 0, Integer.MAX_VALUE);
      within(at + ".soa.expire", soa.expire(), 0, Integer.MAX_VALUE);
      within(at + ".soa.minimum", soa.minimum(), 0, Integer.MAX_VALUE);
      within(at + ".soa.ttl", soa.ttl(), 0, Integer.MAX_VALUE);
      if (soa.primary() != null && !domain(soa.primary())) {
        error(at + ".soa.primary", "'" + soa.primary() + "' is not a host name");
      }
      if (soa.contact() != null && !domain(soa.contact())) {
        error(
            at + ".soa.contact",
            "'" + soa.contact() + "' is not a domain name like hostmaster.example.net");
      }
      keyRefs(at + ".updateKeys", zone.updateKeys(), keyNames);
      keyRefs(at + ".transferKeys", zone.transferKeys(), keyNames);
      for (int n = 0; n < zone.alsoNotify().size(); n++) {
        String target = at + ".alsoNotify[" + n + "]";
        DnsZoneConfig.DnsNotifyConfig notify = zone.alsoNotify().get(n);
        if (notify == null || notify.address() == null) {
          error(target + ".address", "is missing; give the address of a secondary server");
        } else if (!zone.servedHere()) {
          error(target, "is for served zones; this one's primary notifies its own secondaries");
        }
        if (notify != null) {
          port(target + ".port", notify.port());
        }
      }
      if (zone.primary() != null) {
        if (zone.primary().address() == null) {
          error(
              at + ".primary.address", "is missing; give the address of the operator's DNS server");
        }
        port(at + ".primary.port", zone.primary().port());
        if (zone.primary().key() != null) {
          keyRefs(at + ".primary.key", List.of(zone.primary().key()), keyNames);
        }
      }
    }
    DdnsConfig ddns = dns.ddns();
    if (ddns.enabled()) {
      if (ddns.forwardZone() == null) {
        error("dns.ddns.forwardZone", "is missing while ddns is enabled; name one of dns.zones");
      } else if (!zoneNames.contains(canonical(ddns.forwardZone()))) {
        error(
            "dns.ddns.forwardZone",
            "'"
                + ddns.forwardZone()
                + "' is not one of dns.zones "
                + new java.util.TreeSet<>(zoneNames));
      }
    }
    within("dns.ddns.ttl", ddns.ttl(), 0, Integer.MAX_VALUE);
    ddns.classPatterns()
        .forEach(
            (cls, pattern) -> {
              String at = "dns.ddns.classPatterns." + cls;
              if (pattern == null || !NAME_PATTERN.matcher(pattern).matches()) {
                error(at, "'" + pattern + "' is not a name pattern like cm-{mac}");
                return;
              }
              java.util.regex.Matcher placeholder = PLACEHOLDER.matcher(pattern);
              boolean any = false;
              while (placeholder.find()) {
                any = true;
                String name = placeholder.group(1);
                if (!name.equals("mac") && !name.equals("ip")) {
                  error(at, "{" + name + "} is not a placeholder; use {mac} or {ip}");
                }
              }
              if (!any) {
                error(
                    at,
                    "'" + pattern + "' has no {mac} or {ip}, so every client would get one name");
              }
            });
  }

  private void keyRefs(String at, List<String> names, Set<String> keyNames) {
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name == null || !keyNames.contains(canonical(name))) {
        error(
            names.size() == 1 && at.endsWith(".key") ? at : at + "[" + i + "]",
            "key '"
                + name
                + "' is not defined in dns.keys"
                + (keyNames.isEmpty() ? "" : "; defined: " + new java.util.TreeSet<>(keyNames)));
      }
    }
  }

  private static boolean domain(String name) {
    return name.length() <= 254 && DOMAIN.matcher(name).matches();
  }

  private static String canonical(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  private void tod(TodConfig tod) {
    port("tod.port", tod.port());
    if (tod.requireSync() && tod.syncCommand().isEmpty()) {
      error(
          "tod.syncCommand",
          "is empty while requireSync is on; give a command that tells whether the clock is"
              + " synchronised, e.g. [timedatectl, show, --property=NTPSynchronized, --value]");
    }
    within("tod.syncCheckSeconds", tod.syncCheckSeconds(), 1, 3600);
  }

  /**
   * At least a minute, at most what option 51 can carry (RFC 2132: 32 bits): a longer one passed
   * and every OFFER and ACK then failed to encode.
   */
  private void leaseTime(String path, long seconds) {
    if (seconds < 60) {
      error(path, seconds + " s is under the minimum of 60 s");
    } else if (seconds > MAX_LEASE_SECONDS) {
      error(path, seconds + " s is over the maximum of " + MAX_LEASE_SECONDS + " s (option 51)");
    }
  }

  private void within(String path, long value, long min, long max) {
    if (value < min || value > max) {
      error(path, value + " is outside " + min + "-" + max);
    }
  }

  private void failover(FailoverConfig failover, ServerConfig server) {
    port("failover.port", failover.port());
    if (failover.port() > 65_533) {
      error(
          "failover.port",
          failover.port() + " leaves no room for the lease stream and heartbeat (port + 1, + 2)");
    }
    if (failover.heartbeatMillis() < 10 || failover.heartbeatMillis() > 10_000) {
      error("failover.heartbeatMillis", failover.heartbeatMillis() + " is outside 10-10000");
    }
    if (failover.deadAfterMillis() < 3 * failover.heartbeatMillis()) {
      error(
          "failover.deadAfterMillis",
          failover.deadAfterMillis()
              + " ms is under three heartbeat intervals (3 x "
              + failover.heartbeatMillis()
              + " ms), which invites false takeovers; raise it to "
              + 3 * failover.heartbeatMillis()
              + " or more");
    }
    if (failover.peer() != null && failover.peer().equals(failover.listen())) {
      error("failover.peer", failover.peer() + " is this server's own failover address");
    }
  }

  private static final Pattern MAIL_ADDRESS =
      Pattern.compile("[^@\\s<>()\\[\\],;:\"]+@[A-Za-z0-9]([A-Za-z0-9.\\-]*[A-Za-z0-9])?");
  private static final Pattern EVENT_NAME = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");
  private static final List<String> SEVERITIES = List.of("info", "warning", "critical");

  private void emailAlerts(EmailAlertsConfig email) {
    if (email == null) {
      return;
    }
    String at = "alerts.email";
    if (email.host() == null || email.host().isBlank()) {
      error(at + ".host", "is missing; name the SMTP server (the operator's mail relay)");
    }
    port(at + ".port", email.port());
    if ((email.username() == null) != (email.password() == null)) {
      error(
          email.username() == null ? at + ".username" : at + ".password",
          "is missing; SMTP authentication needs both username and password, or neither");
    }
    if (email.password() != null && email.security() == EmailAlertsConfig.SmtpSecurity.NONE) {
      error(
          at + ".security",
          "is none while a password is set: it would cross the network in clear; use starttls"
              + " or smtps");
    }
    if (email.from() == null || !MAIL_ADDRESS.matcher(email.from()).matches()) {
      error(
          at + ".from", "'" + email.from() + "' is not a mail address like provisiond@example.net");
    }
    if (email.to().isEmpty()) {
      error(at + ".to", "is empty; give at least one recipient");
    }
    for (int i = 0; i < email.to().size(); i++) {
      String to = email.to().get(i);
      if (to == null || !MAIL_ADDRESS.matcher(to).matches()) {
        error(at + ".to[" + i + "]", "'" + to + "' is not a mail address like noc@example.net");
      }
    }
    severity(at + ".minSeverity", email.minSeverity());
    eventNames(at + ".events", email.events());
    within(at + ".maxPerMinute", email.maxPerMinute(), 1, 10_000);
    within(at + ".timeoutMillis", email.timeoutMillis(), 100, 300_000);
  }

  private void syslogAlerts(SyslogAlertsConfig syslog) {
    if (syslog == null) {
      return;
    }
    String at = "alerts.syslog";
    if (syslog.host() == null || syslog.host().isBlank()) {
      error(at + ".host", "is missing; name the syslog collector");
    }
    port(at + ".port", syslog.port());
    if (syslog.facilityCode() < 0) {
      error(
          at + ".facility",
          "'" + syslog.facility() + "' is not one of " + SyslogAlertsConfig.FACILITIES);
    }
    severity(at + ".minSeverity", syslog.minSeverity());
    eventNames(at + ".events", syslog.events());
  }

  private void severity(String path, String severity) {
    if (!SEVERITIES.contains(severity)) {
      error(path, "'" + severity + "' is not one of " + SEVERITIES);
    }
  }

  private void eventNames(String path, List<String> events) {
    for (int i = 0; i < events.size(); i++) {
      String event = events.get(i);
      if (event == null || !EVENT_NAME.matcher(event).matches()) {
        error(
            path + "[" + i + "]",
            "'" + event + "' is not an event name like DHCP_POOL_HIGH_WATER_CRITICAL");
      }
    }
  }

  /** Two services must not claim the same UDP or TCP socket. */
  private void listenersApart(ProvisioningConfig config) {
    Map<String, String> owners = new HashMap<>();
    claim(
        owners,
        "udp",
        config.dhcp().enabled(),
        config.dhcp().listen(),
        config.dhcp().port(),
        "dhcp");
    claim(
        owners,
        "udp",
        config.tftp().enabled(),
        config.tftp().listen(),
        config.tftp().port(),
        "tftp");
    claim(owners, "udp", config.dns().enabled(), config.dns().listen(), config.dns().port(), "dns");
    claim(owners, "tcp", config.dns().enabled(), config.dns().listen(), config.dns().port(), "dns");
    claim(owners, "udp", config.tod().enabled(), config.tod().listen(), config.tod().port(), "tod");
    claim(owners, "tcp", config.tod().enabled(), config.tod().listen(), config.tod().port(), "tod");
    claim(
        owners,
        "tcp",
        true,
        config.management().listen(),
        config.management().port(),
        "management");
    SnmpAgentConfig agent = config.alerts().snmp().agent();
    claim(owners, "udp", agent.enabled(), agent.listen(), agent.port(), "alerts.snmp.agent");
    boolean paired = config.failover().role() != FailoverRole.STANDALONE;
    claim(owners, "tcp", paired, config.failover().listen(), config.failover().port(), "failover");
    // The lease stream and the heartbeat take the two UDP ports above the sync's TCP port.
    claim(
        owners,
        "udp",
        paired,
        config.failover().listen(),
        config.failover().port() + 1,
        "failover");
    claim(
        owners,
        "udp",
        paired,
        config.failover().listen(),
        config.failover().port() + 2,
        "failover");
  }

  private void claim(
      Map<String, String> owners,
      String protocol,
      boolean enabled,
      Ipv4Address address,
      int port,
      String section) {
    if (!enabled) {
      return;
    }
    // 0.0.0.0 clashes with every address on the same port, so key wildcard claims by port alone.
    String key = protocol + "/" + port;
    String exact = key + "/" + address;
    for (String claimed : List.of(key + "/" + Ipv4Address.ANY, exact)) {
      String owner = owners.get(claimed);
      if (owner != null && !owner.equals(section)) {
        error(
            section + ".port",
            protocol.toUpperCase(Locale.ROOT)
                + " "
                + address
                + ":"
                + port
                + " is already used by "
                + owner
                + "; give one of them another port or address");
        return;
      }
    }
    if (address.equals(Ipv4Address.ANY)) {
      owners.entrySet().stream()
          .filter(e -> e.getKey().startsWith(key + "/") && !e.getValue().equals(section))
          .findFirst()
          .ifPresent(
              e ->
                  error(
                      section + ".port",
                      protocol.toUpperCase(Locale.ROOT)
                          + " 0.0.0.0:"
                          + port
                          + " clashes with "
                          + e.getValue()
                          + " on the same port; give one of them another port"));
    }
    owners.putIfAbsent(exact, section);
  }

  private void addressesInside(String at, List<Ipv4Address> addresses, Ipv4Subnet subnet) {
    for (int i = 0; i < addresses.size(); i++) {
      Ipv4Address address = addresses.get(i);
      if (address != null && subnet != null && !subnet.contains(address)) {
        error(at + "[" + i + "]", address + " lies outside subnet " + subnet);
      }
    }
  }

  private void port(String path, int port) {
    if (port < 1 || port > 65535) {
      error(path, port + " is not a port number 1-65535");
    }
  }

  private void error(String path, String message) {
    for (ConfigError reported : bindingErrors) {
      if (path.equals(reported.path())
          || path.startsWith(reported.path() + ".")
          || path.startsWith(reported.path() + "[")) {
        return;
      }
    }
    errors.add(new ConfigError(path, message));
  }

  private record Located<T>(String path, T value) {}
}
