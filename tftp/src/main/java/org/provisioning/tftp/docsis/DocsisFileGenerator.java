package org.provisioning.tftp.docsis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.DocsisConfig;
import org.provisioning.common.config.DocsisFileConfig;
import org.provisioning.common.config.DocsisModemConfig;
import org.provisioning.common.control.ConfigFileRenderer;
import org.provisioning.common.lease.BootFileIssuer;
import org.provisioning.common.lease.LeaseLookup;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.tftp.engine.TftpFileResolver;
import org.provisioning.tftp.engine.TftpResolution;
import org.provisioning.tftp.engine.TftpStatistics;
import org.provisioning.tftp.engine.TransferSource;
import org.provisioning.tftp.message.TftpErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves DOCSIS config files built on request. A name that matches a configured pattern ({@code
 * cm-{mac}.cfg}) is answered with its template rendered for the modem: the requesting address's
 * lease gives the MAC and class (a TFTP request carries no MAC), and with {@code requireLease} the
 * lease must be the modem's the name speaks of. Variables come from, later ones winning: the modem
 * ({@code mac}, {@code ip}, {@code class}, {@code hostname}), the file's {@code variables}, its
 * class's, the modem's own.
 *
 * <p>Built files are cached by content: the key is a digest of the template text, the variables and
 * the secret, so modems that resolve to the same file share it, and a changed template or config
 * makes a new key (the cache is also emptied on every config change). Templates are re-read when
 * their file changes, checked at most once a second.
 *
 * <p>Anti-theft: {@link #bootFileFor} hands DHCP a random name instead of the boot file; that name
 * is served to the address it was issued for until it expires, with TLV 19 (the time, in seconds
 * since 1900) and TLV 20 (the modem's address) added, never from the cache.
 *
 * <p>Counters: {@code tftp.docsis.generated}, {@code .cache_hits}, {@code .tickets_issued}, and
 * refusals as {@code tftp.refused.docsis_<reason>} (no_lease, mac_mismatch, no_mac, render_failed,
 * ticket_expired, ticket_wrong_address, ticket_unknown_file).
 */
public final class DocsisFileGenerator
    implements TftpFileResolver, BootFileIssuer, ConfigFileRenderer {
  private static final Logger log = LoggerFactory.getLogger(DocsisFileGenerator.class);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(mac|class)}");
  private static final Pattern MAC_SEPARATORS = Pattern.compile("[:.\\-]");
  private static final long TEMPLATE_CHECK_MILLIS = 1000;
  static final int MAX_TICKETS = 200_000;

  /** Why a DOCSIS file is refused, counted as {@code tftp.refused.docsis_<reason>}. */
  private static final List<String> REFUSALS =
      List.of(
          "mac_mismatch",
          "no_lease",
          "no_mac",
          "ticket_expired",
          "ticket_wrong_address",
          "ticket_unknown_file",
          "ticket_required",
          "render_failed");

  private final Path home;
  private final LeaseLookup leases;
  private final Clock clock;
  private final StatisticsRegistry stats;
  private final AlertCenter alerts;
  private final Counter generated;
  private final Counter cacheHits;
  private final SecureRandom random = new SecureRandom();
  private final Map<Path, Loaded> templates = new ConcurrentHashMap<>();
  private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();

  /**
   * The name of each address's ticket: an ACK that renews a lease gets the name it got before,
   * where a ticket per ACK filled the table from one modem's renewals.
   */
  private final Map<Ipv4Address, String> ticketOfAddress = new ConcurrentHashMap<>();

  private volatile Settings settings;

  /**
   * A template as last checked: the version in use ({@code template}, null if none ever parsed) and
   * why the file on disk is not it ({@code error}, null when it is).
   */
  private record Loaded(
      DocsisTemplate template, String digest, FileTime modified, long checkedAt, String error) {

    Loaded checked(long now) {
      return new Loaded(template, digest, modified, now, error);
    }
  }

  private record Ticket(
      Ipv4Address address,
      String mac,
      String clientClass,
      String hostname,
      String bootFile,
      long expiresAt) {

    /** Whether a new grant is for the same modem, with the same file, as this ticket. */
    boolean sameGrant(Ticket other) {
      return address.equals(other.address)
          && mac.equals(other.mac)
          && Objects.equals(clientClass, other.clientClass)
          && Objects.equals(hostname, other.hostname)
          && bootFile.equals(other.bootFile);
    }
  }

  /** One config's worth of compiled settings; replaced whole on a change. */
  private record Settings(
      DocsisConfig config,
      List<FilePattern> files,
      Map<String, Map<String, String>> modems,
      Map<String, byte[]> cache) {}

  /**
   * @param template the template's file, or null when it is inline
   * @param inline the inline template, read once when the config is applied; null for a file
   */
  private record FilePattern(
      DocsisFileConfig file, Pattern regex, List<String> groups, Path template, Loaded inline) {

    String source() {
      return template == null ? "templateText of " + file.pattern() : template.toString();
    }
  }

  public DocsisFileGenerator(
      DocsisConfig config,
      Path home,
      LeaseLookup leases,
      Clock clock,
      StatisticsRegistry stats,
      AlertCenter alerts) {
    this.home = home;
    this.leases = leases;
    this.clock = clock;
    this.stats = stats;
    this.alerts = alerts;
    alerts.declare(DocsisAlerts.ALL);
    stats.declare(TftpStatistics.DEFINITIONS);
    this.generated = stats.counter("tftp.docsis.generated");
    this.cacheHits = stats.counter("tftp.docsis.cache_hits");
    // At zero from the start, so monitoring sees every reason before it first happens.
    stats.counter("tftp.docsis.tickets_issued");
    stats.counter("tftp.docsis.tickets_full");
    for (String reason : REFUSALS) {
      stats.counter("tftp.refused.docsis_" + reason);
    }
    apply(config);
  }

  /** Takes a new config: patterns, variables and secret apply to the next request. */
  public void apply(DocsisConfig config) {
    List<FilePattern> files = new ArrayList<>();
    for (DocsisFileConfig file : config.files()) {
      files.add(compile(file));
    }
    Map<String, Map<String, String>> modems = new HashMap<>();
    for (DocsisModemConfig modem : config.modems()) {
      modems.put(normaliseMac(modem.mac()), modem.variables());
    }
    int capacity = config.cacheEntries();
    Map<String, byte[]> cache =
        java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > capacity;
              }
            });
    settings = new Settings(config, files, modems, cache);
    // Templates still named keep what was checked of them (a broken one's alert clears when it
    // parses again: forgotten here, it never cleared); those no longer named take their alert
    // along.
    Set<Path> named = new HashSet<>();
    files.forEach(f -> named.add(f.template()));
    for (var entry : templates.entrySet()) {
      if (!named.contains(entry.getKey())) {
        templates.remove(entry.getKey());
        if (entry.getValue().error() != null) {
          alerts.clear(
              DocsisAlerts.TEMPLATE_BROKEN, entry.getKey().toString(), "no longer in the config");
        }
      } else {
        templates.put(entry.getKey(), entry.getValue().checked(Long.MIN_VALUE / 2)); // read again
      }
    }
  }

  private FilePattern compile(DocsisFileConfig file) {
    StringBuilder regex = new StringBuilder();
    List<String> groups = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(file.pattern());
    int at = 0;
    while (m.find()) {
      regex.append(Pattern.quote(file.pattern().substring(at, m.start())));
      regex.append(m.group(1).equals("mac") ? "([0-9A-Fa-f]{12})" : "([A-Za-z0-9_.\\-]+)");
      groups.add(m.group(1));
      at = m.end();
    }
    regex.append(Pattern.quote(file.pattern().substring(at)));
    Path template = null;
    Loaded inline = null;
    if (file.templateText() != null && !file.templateText().isBlank()) {
      try {
        inline =
            new Loaded(
                DocsisTemplate.parse(file.templateText()),
                sha256(file.templateText()),
                null,
                Long.MAX_VALUE,
                null);
      } catch (DocsisTemplateException e) {
        // A version from the journal or the peer is not judged by the template rule: say so here,
        // and refuse this pattern's files until the config is fixed.
        log.error(
            "TFTP_DOCSIS_TEMPLATE_INVALID pattern={} error={}", file.pattern(), e.getMessage());
      }
    } else {
      template = home.resolve(file.template()).normalize();
    }
    return new FilePattern(file, Pattern.compile(regex.toString()), groups, template, inline);
  }

  @Override
  public TftpResolution resolve(String name, InetSocketAddress client) {
    Settings current = settings;
    Ticket ticket = tickets.get(name);
    if (ticket != null) {
      return redeem(current, name, ticket, client);
    }
    for (FilePattern pattern : current.files()) {
      Matcher m = pattern.regex().matcher(name);
      if (m.matches()) {
        if (current.config().antiTheftSeconds() > 0) {
          // DHCP hands out random names only: a pattern's own name comes from someone who read
          // it elsewhere, and was served a signed file without TLV 19 and 20, replayable later.
          return refuse(TftpErrorCode.FILE_NOT_FOUND, "file not found", "ticket_required");
        }
        return forRequest(current, pattern, m, client);
      }
    }
    return null;
  }

  private TftpResolution forRequest(
      Settings current, FilePattern pattern, Matcher m, InetSocketAddress client) {
    String nameMac = null;
    String nameClass = null;
    for (int g = 0; g < pattern.groups().size(); g++) {
      if (pattern.groups().get(g).equals("mac")) {
        nameMac = m.group(g + 1).toLowerCase(Locale.ROOT);
      } else {
        nameClass = m.group(g + 1);
      }
    }
    Ipv4Address address = Ipv4Address.of(client.getAddress());
    // Bound only: a declined address is one another device was found using, and that device
    // must not receive the config file of the modem that declined it.
    Optional<LeaseRecord> lease =
        leases
            .byAddress(address)
            .filter(l -> l.state() == LeaseState.BOUND && l.holdsAddressAt(clock.millis()));
    String mac = nameMac;
    String cls = nameClass;
    String hostname = "";
    if (lease.isPresent()) {
      String leaseMac = HexFormat.of().formatHex(lease.get().hardwareAddress());
      if (pattern.file().requireLease()
          && ((nameMac != null && !nameMac.equals(leaseMac))
              || (nameClass != null && !nameClass.equals(lease.get().clientClass())))) {
        return refuse(
            TftpErrorCode.ACCESS_VIOLATION, "this file is not for this address", "mac_mismatch");
      }
      mac = leaseMac;
      cls = lease.get().clientClass();
      hostname = lease.get().hostname();
    } else if (pattern.file().requireLease()) {
      return refuse(TftpErrorCode.FILE_NOT_FOUND, "file not found", "no_lease");
    }
    if (mac == null || mac.length() != 12) {
      return refuse(TftpErrorCode.FILE_NOT_FOUND, "file not found", "no_mac");
    }
    return build(current, pattern, mac, cls == null ? "" : cls, hostname, address, false);
  }

  private TftpResolution redeem(
      Settings current, String name, Ticket ticket, InetSocketAddress client) {
    Ipv4Address address = Ipv4Address.of(client.getAddress());
    if (clock.millis() > ticket.expiresAt()) {
      if (tickets.remove(name, ticket)) {
        ticketOfAddress.remove(ticket.address(), name);
      }
      return refuse(TftpErrorCode.FILE_NOT_FOUND, "file not found", "ticket_expired");
    }
    if (!address.equals(ticket.address())) {
      // Not removed: a stranger guessing the name must not spend the modem's download.
      return refuse(TftpErrorCode.FILE_NOT_FOUND, "file not found", "ticket_wrong_address");
    }
    // Not spent on the first request: the address and the expiry are the protection, and a modem
    // that asks again (it refused our OACK, asked for tsize first, or timed out and retries from
    // a new port) must not be sent back to DHCP for a new name.
    for (FilePattern pattern : current.files()) {
      if (pattern.regex().matcher(ticket.bootFile()).matches()) {
        return build(
            current, pattern, ticket.mac(), ticket.clientClass(), ticket.hostname(), address, true);
      }
    }
    return refuse(TftpErrorCode.FILE_NOT_FOUND, "file not found", "ticket_unknown_file");
  }

  private TftpResolution build(
      Settings current,
      FilePattern pattern,
      String mac,
      String cls,
      String hostname,
      Ipv4Address address,
      boolean stamped) {
    try {
      byte[] content = content(current, pattern, mac, cls, hostname, address, stamped);
      return new TftpResolution.Found(TransferSource.of(content));
    } catch (IOException | DocsisTemplateException e) {
      log.warn(
          "TFTP_DOCSIS_RENDER_FAILED template={} mac={} error={}",
          pattern.source(),
          mac,
          e.getMessage());
      return refuse(TftpErrorCode.NOT_DEFINED, "the config file cannot be built", "render_failed");
    }
  }

  private byte[] content(
      Settings current,
      FilePattern pattern,
      String mac,
      String cls,
      String hostname,
      Ipv4Address address,
      boolean stamped)
      throws IOException, DocsisTemplateException {
    Loaded loaded = template(pattern);
    Map<String, String> values = new TreeMap<>();
    values.put("mac", HexFormat.ofDelimiter(":").formatHex(HexFormat.of().parseHex(mac)));
    values.put("ip", address.toString());
    values.put("class", cls);
    values.put("hostname", hostname);
    values.putAll(pattern.file().variables());
    values.putAll(pattern.file().classes().getOrDefault(cls, Map.of()));
    values.putAll(current.modems().getOrDefault(mac, Map.of()));
    String secret = current.config().cmtsMic() ? current.config().sharedSecret() : null;
    byte[] key = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
    if (stamped) {
      List<DocsisTlv> tlvs = new ArrayList<>(loaded.template().render(values::get));
      long since1900 = clock.instant().getEpochSecond() + 2_208_988_800L;
      tlvs.add(
          new DocsisTlv(
              DocsisSettings.TFTP_TIMESTAMP, DocsisTemplate.Values.bigEndian(since1900, 4)));
      tlvs.add(new DocsisTlv(DocsisSettings.TFTP_MODEM_ADDRESS, address.toBytes()));
      generated.increment();
      return DocsisConfigEncoder.encode(tlvs, key);
    }
    if (current.config().cacheEntries() == 0) {
      generated.increment();
      return DocsisConfigEncoder.encode(loaded.template().render(values::get), key);
    }
    // Only the variables the template uses decide its content: modems differing in nothing else
    // share one cached file.
    StringBuilder identity = new StringBuilder(loaded.digest()).append('\0');
    for (String variable : new java.util.TreeSet<>(loaded.template().variables())) {
      identity.append(variable).append('=').append(values.get(variable)).append('\0');
    }
    identity.append(secret == null ? "-" : secret);
    String cacheKey = sha256(identity.toString());
    byte[] cached = current.cache().get(cacheKey);
    if (cached != null) {
      cacheHits.increment();
      return cached;
    }
    byte[] built = DocsisConfigEncoder.encode(loaded.template().render(values::get), key);
    generated.increment();
    current.cache().put(cacheKey, built);
    return built;
  }

  private Loaded template(FilePattern pattern) throws IOException, DocsisTemplateException {
    if (pattern.template() == null) {
      if (pattern.inline() == null) {
        throw new DocsisTemplateException(
            0, "the inline template of " + pattern.file().pattern() + " does not parse");
      }
      return pattern.inline();
    }
    Path path = pattern.template();
    long now = System.nanoTime() / 1_000_000;
    Loaded loaded = templates.get(path);
    if (loaded == null || now - loaded.checkedAt() >= TEMPLATE_CHECK_MILLIS) {
      loaded = check(path, loaded, now);
    }
    if (loaded.template() == null) {
      throw new DocsisTemplateException(0, path + ": " + loaded.error());
    }
    return loaded;
  }

  /**
   * Reads the template again if the file changed. A version that cannot be read or does not parse
   * (a typo, or an editor that saves by rename caught between the two) leaves the last good one in
   * use and raises {@link DocsisAlerts#TEMPLATE_BROKEN}: a slip in one edit must not stop every
   * modem on the pattern from registering.
   */
  private Loaded check(Path path, Loaded previous, long now) {
    Loaded checked;
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      if (previous != null && modified.equals(previous.modified())) {
        checked = previous.checked(now);
      } else {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        checked = new Loaded(DocsisTemplate.parse(text), sha256(text), modified, now, null);
        log.info(
            "TFTP_DOCSIS_TEMPLATE_LOADED template={} variables={}",
            path,
            checked.template().variables());
      }
    } catch (IOException | DocsisTemplateException e) {
      String error =
          e instanceof NoSuchFileException
              ? "no such file"
              : java.util.Objects.toString(e.getMessage(), e.getClass().getSimpleName());
      checked =
          previous == null
              ? new Loaded(null, null, null, now, error)
              : new Loaded(previous.template(), previous.digest(), null, now, error);
      if (previous == null || !error.equals(previous.error())) {
        log.warn(
            "TFTP_DOCSIS_TEMPLATE_BROKEN template={} error={} serving={}",
            path,
            error,
            checked.template() == null ? "nothing" : "the last version that parsed");
        alerts.raise(
            DocsisAlerts.TEMPLATE_BROKEN,
            path.toString(),
            error
                + (checked.template() == null
                    ? "; no version of it ever parsed: its modems get no file"
                    : "; modems get files from the last version that parsed"));
      }
    }
    if (checked.error() == null && previous != null && previous.error() != null) {
      alerts.clear(DocsisAlerts.TEMPLATE_BROKEN, path.toString(), "the template parses again");
    }
    templates.put(path, checked);
    return checked;
  }

  /** Counted by the request handler as {@code tftp.refused.docsis_<reason>}. */
  private static TftpResolution.Refused refuse(TftpErrorCode code, String message, String reason) {
    return new TftpResolution.Refused(code, message, "docsis_" + reason);
  }

  /**
   * One ticket per address: the ACK of a renewal, or of the same modem asking again, keeps the
   * ticket's name and runs it for as long again; a new modem or file on the address replaces it.
   * Tickets are issued under a lock (DHCP's threads), redeemed without one (TFTP's).
   */
  @Override
  public synchronized String bootFileFor(LeaseRecord lease, String bootFile) {
    Settings current = settings;
    int seconds = current.config().antiTheftSeconds();
    if (seconds <= 0
        || current.files().stream().noneMatch(p -> p.regex().matcher(bootFile).matches())) {
      return bootFile;
    }
    long now = clock.millis();
    Ticket grant =
        new Ticket(
            lease.address(),
            HexFormat.of().formatHex(lease.hardwareAddress()),
            lease.clientClass(),
            lease.hostname(),
            bootFile,
            now + seconds * 1000L);
    String standingName = ticketOfAddress.get(lease.address());
    Ticket standing = standingName == null ? null : tickets.get(standingName);
    if (standing != null && standing.expiresAt() >= now && standing.sameGrant(grant)) {
      tickets.put(standingName, grant);
      return standingName;
    }
    if (standingName != null) {
      forget(standingName);
    }
    if (tickets.size() >= MAX_TICKETS) {
      makeRoom(now);
    }
    byte[] name = new byte[12];
    random.nextBytes(name);
    String ticketName = HexFormat.of().formatHex(name) + ".cfg";
    tickets.put(ticketName, grant);
    ticketOfAddress.put(lease.address(), ticketName);
    stats.counter("tftp.docsis.tickets_issued").increment();
    return ticketName;
  }

  /**
   * Drops the expired tickets and, if the table is still full (more addresses leased within the
   * tickets' lifetime than it holds), the one that expires first: its modem, if it has not fetched
   * its file yet, asks DHCP again. Handing out the pattern's own name instead, which anti-theft
   * always refuses, stopped every modem's registration until tickets expired.
   */
  private void makeRoom(long now) {
    String first = null;
    long firstExpiry = Long.MAX_VALUE;
    for (var it = tickets.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      long expiresAt = entry.getValue().expiresAt();
      if (expiresAt < now) {
        it.remove();
        ticketOfAddress.remove(entry.getValue().address(), entry.getKey());
      } else if (expiresAt < firstExpiry) {
        first = entry.getKey();
        firstExpiry = expiresAt;
      }
    }
    if (tickets.size() >= MAX_TICKETS && first != null) {
      forget(first);
      stats.counter("tftp.docsis.tickets_full").increment();
    }
  }

  private void forget(String ticketName) {
    Ticket ticket = tickets.remove(ticketName);
    if (ticket != null) {
      ticketOfAddress.remove(ticket.address(), ticketName);
    }
  }

  @Override
  public RenderedFile render(String name, String mac, String clientClass) {
    Settings current = settings;
    if (current.files().isEmpty()) {
      throw new IllegalArgumentException("no DOCSIS files are configured (tftp.docsis.files)");
    }
    String normalised = normaliseMac(mac == null ? "" : mac);
    if (normalised.length() != 12) {
      throw new IllegalArgumentException("'" + mac + "' is not a MAC like 00:11:22:33:44:55");
    }
    FilePattern pattern = current.files().get(0);
    if (name != null) {
      pattern =
          current.files().stream()
              .filter(p -> p.regex().matcher(name).matches() || p.file().pattern().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "'" + name + "' matches no tftp.docsis.files pattern"));
    }
    String cls = clientClass == null ? "" : clientClass;
    String fileName = pattern.file().pattern().replace("{mac}", normalised).replace("{class}", cls);
    try {
      byte[] content = content(current, pattern, normalised, cls, "", Ipv4Address.ANY, false);
      return new RenderedFile(fileName, content, DocsisConfigDecoder.toText(content));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "template " + pattern.source() + " cannot be read: " + e.getMessage());
    } catch (DocsisTemplateException e) {
      throw new IllegalArgumentException("template " + pattern.source() + ": " + e.getMessage());
    }
  }

  static String normaliseMac(String mac) {
    return MAC_SEPARATORS.matcher(mac.toLowerCase(Locale.ROOT)).replaceAll("");
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
