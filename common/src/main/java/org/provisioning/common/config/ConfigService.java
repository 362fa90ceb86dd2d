package org.provisioning.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.provisioning.common.bus.BusParticipant;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.StateBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running config and its versions. A change (from the file at start-up, the API, the CLI or the
 * failover peer) is validated, given the next version number, journaled as a {@link
 * RecordType#CONFIG} record, and only once durable becomes current and reaches the listeners (the
 * services, which apply it live). An invalid change never replaces the running config.
 *
 * <p>At start-up the newest change wins: the journal's latest version stays current unless the
 * config file differs from the last file applied, in which case the file is a new change.
 *
 * <p>The versions that were current here are kept as a history, the newest {@link #historyLimit()}
 * of them (fewer when their documents pass {@value #HISTORY_MAX_BYTES} octets), each with who made
 * it, so that any two can be compared and any one applied again ({@link #rollback}). The history is
 * built from the same CONFIG records as the current version (at start-up from the journal), is kept
 * whole in the snapshot, and travels to the failover partner: with each record of the stream, and,
 * when the partner syncs from a snapshot, inside the snapshot's config frame, whose versions the
 * partner adopts ({@link #applyPartnerVersion}) and journals with the version it makes of it.
 */
public final class ConfigService implements BusParticipant {
  private static final Logger log = LoggerFactory.getLogger(ConfigService.class);

  /** Versions kept in the history unless the constructor says otherwise. */
  public static final int DEFAULT_HISTORY_LIMIT = 50;

  /**
   * The encoded documents the history keeps at most: far below what one journal record (16 MiB) and
   * one failover frame (32 MiB) carry, since a snapshot and a sync send the history whole.
   */
  public static final long HISTORY_MAX_BYTES = 8L << 20;

  private final ConfigCodec codec;
  private final ObjectMapper json;
  private final ObjectWriter compact;
  private final Clock clock;
  private final int historyLimit;
  private final List<Consumer<ConfigVersion>> listeners = new CopyOnWriteArrayList<>();

  /** Held while the listeners run for a version: one version at a time. */
  private final Object notifying = new Object();

  /**
   * Installs durable versions and runs the listeners, one version at a time in order, off the
   * journal's writer thread: a listener rebinds sockets, rebuilds zones, re-marks every pool or
   * runs the clock check, and while it ran there no record could become durable, so every DHCP ACK
   * waited. No thread stays while there is nothing to install.
   */
  private final ExecutorService installer =
      new ThreadPoolExecutor(
          0,
          1,
          30,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          task -> {
            Thread thread = new Thread(task, "config-apply");
            thread.setDaemon(true);
            installerThread = thread;
            return thread;
          });

  /** The installer's thread (one at a time, made again after it idled). */
  private volatile Thread installerThread;

  private volatile BusPublisher bus;
  private volatile ConfigVersion current;

  /**
   * The journal origin of the record that made {@link #current}; guarded by this. A snapshot does
   * not say, and its version then keeps a tie of equal instants ({@link #supersedes}): a record
   * replayed over the snapshot that holds it already leaves it be.
   */
  private int currentOrigin = UNKNOWN_ORIGIN;

  private static final int UNKNOWN_ORIGIN = Integer.MIN_VALUE;

  /** The highest version number given out, durable or not yet; guarded by this. */
  private long lastNumber;

  /** The versions kept, by number, each as its encoded record; guarded by this. */
  private final TreeMap<Long, Held> history = new TreeMap<>();

  /** The octets of {@link #history}'s records; guarded by this. */
  private long historyBytes;

  /** A version of the history: what lists show, and the record to decode when it is asked for. */
  private record Held(ConfigHistoryEntry entry, byte[] encoded) {}

  /**
   * This server's versions published and not yet installed, by number; guarded by this. A snapshot
   * holds them as if installed: a version is made current only once durable, after its record, so a
   * snapshot taken between the two (the journal rolled past the record) would otherwise hold
   * neither, and a restart would run the version before it.
   */
  private final TreeMap<Long, Publishing> publishing = new TreeMap<>();

  private record Publishing(ConfigVersion version, Held held, List<Held> adopted) {}

  /** A change to apply: how it came, who made it, and what a partner's sync brings with it. */
  private record Change(
      String source,
      String author,
      Long restores,
      String fileDigest,
      long atLeast,
      List<Held> adopted) {
    static Change of(String source, String author, String fileDigest) {
      return new Change(source, author, null, fileDigest, 0, List.of());
    }
  }

  public ConfigService(ConfigCodec codec, Clock clock) {
    this(codec, clock, DEFAULT_HISTORY_LIMIT);
  }

  /**
   * @param historyLimit how many versions the history keeps (the current one included), at least 1
   */
  public ConfigService(ConfigCodec codec, Clock clock, int historyLimit) {
    if (historyLimit < 1) {
      throw new IllegalArgumentException("the history keeps at least the current version");
    }
    this.codec = codec;
    this.json = codec.jsonMapper();
    this.compact = json.writer().without(SerializationFeature.INDENT_OUTPUT);
    this.clock = clock;
    this.historyLimit = historyLimit;
  }

  /** Connects the store to the bus it publishes on; done once the bus has replayed. */
  public void attach(BusPublisher bus) {
    this.bus = Objects.requireNonNull(bus);
  }

  public void addListener(Consumer<ConfigVersion> listener) {
    listeners.add(listener);
  }

  public Optional<ConfigVersion> current() {
    return Optional.ofNullable(current);
  }

  public ConfigCodec codec() {
    return codec;
  }

  /**
   * Makes the config file's content current unless it is the file already applied, in which case
   * the journal's latest version (perhaps a later API change) stays.
   *
   * @throws ConfigException if the file is invalid; nothing changes then
   */
  public ConfigVersion seedFromFile(String document) throws ConfigException {
    String digest = sha256(document);
    ConfigVersion now = current;
    if (now != null && digest.equals(now.fileDigest())) {
      // Accepted when it was applied: an upgrade whose rules it breaks still starts (the version
      // runs as kept, logged), where it stopped every service of the headend until someone
      // edited the file.
      log.info(
          "CONFIG_KEPT version={} source={} (config file unchanged since it was applied)",
          now.number(),
          now.source());
      return now;
    }
    ProvisioningConfig config = codec.parse(document);
    return apply(config, Change.of("file", null, digest), null).join();
  }

  /**
   * Re-reads the config file of a running server ({@code systemctl reload}): validated as at
   * start-up, refused like an API change when it touches a field that needs a restart. A file
   * unchanged since it was last applied changes nothing, so a later API change stays running, as it
   * would across a restart.
   *
   * @throws ConfigException with every error; the running config stays
   */
  public CompletableFuture<ConfigVersion> reloadFile(String document) throws ConfigException {
    String digest = sha256(document);
    ProvisioningConfig config = codec.parse(document);
    ConfigVersion now = current;
    if (now != null) {
      if (digest.equals(now.fileDigest())) {
        log.info(
            "CONFIG_KEPT version={} (config file unchanged since it was applied)", now.number());
        return CompletableFuture.completedFuture(now);
      }
      List<ConfigError> errors = restartOnlyChanges(now.config(), config);
      if (!errors.isEmpty()) {
        throw new ConfigException(errors);
      }
    }
    return apply(config, Change.of("file", null, digest), null);
  }

  /**
   * Validates a document and, if it is valid, applies it.
   *
   * @param expectedVersion if not null, the change is refused unless this is the current version
   *     (an optimistic lock for two operators editing at once)
   * @throws ConfigException with every error, including a change to a field that needs a restart
   */
  public CompletableFuture<ConfigVersion> applyDocument(
      String document, String source, Long expectedVersion) throws ConfigException {
    return applyDocument(document, source, null, expectedVersion);
  }

  /**
   * Validates a document and, if it is valid, applies it as made by {@code author}.
   *
   * @param author who makes the change (a console user, {@code api-token}); null if unknown
   * @param expectedVersion if not null, the change is refused unless this is the current version
   * @throws ConfigException with every error, including a change to a field that needs a restart
   */
  public CompletableFuture<ConfigVersion> applyDocument(
      String document, String source, String author, Long expectedVersion) throws ConfigException {
    ProvisioningConfig config = check(document);
    return apply(config, Change.of(source, author, runningFileDigest()), expectedVersion);
  }

  /**
   * What {@link #applyDocument} would make of a document, changing nothing: the rules of {@code
   * --check-config}, and the fields that cannot change while running.
   *
   * @throws ConfigException with every error
   */
  public ProvisioningConfig check(String document) throws ConfigException {
    return checked(document, true);
  }

  /**
   * The document parsed and validated and, when it comes through the API ({@code byApi}), refused
   * if it changes a field that needs a restart or one that only the config file may set. The
   * partner's versions are not: the partner's entry points checked them, its own sockets and
   * listeners are kept out of them here, and one refused here would leave the pair running two
   * configs; a service that cannot take a field before a restart says so in the log.
   */
  private ProvisioningConfig checked(String document, boolean byApi) throws ConfigException {
    // The partner's version is one it accepted: read as the stream's records are, without the
    // rules about this host's files (a template missing here refused the whole version, and the
    // pair ran two configs with no alert; the service that cannot take it now alerts instead).
    ProvisioningConfig config = byApi ? codec.parse(document) : codec.parseKept(document);
    ConfigVersion now = current;
    if (now != null && byApi) {
      List<ConfigError> errors = restartOnlyChanges(now.config(), config);
      errors.addAll(fileOnlyChanges(now.config(), config));
      if (!errors.isEmpty()) {
        throw new ConfigException(errors);
      }
    }
    return config;
  }

  /**
   * Applies the document of a version of the history again, as a new version (source {@code
   * rollback}), through the same checks as any change: a version that no longer passes them (a
   * template since deleted, a field that cannot change while running) is refused with every error.
   *
   * @param number the version to go back to
   * @param author who rolls back; null if unknown
   * @param expectedVersion if not null, refused unless this is the current version
   * @throws NoSuchElementException if the history holds no such version
   * @throws ConfigException with every error
   */
  public CompletableFuture<ConfigVersion> rollback(long number, String author, Long expectedVersion)
      throws ConfigException {
    ConfigVersion target =
        version(number)
            .orElseThrow(
                () ->
                    new NoSuchElementException(
                        "no version "
                            + number
                            + " in the history (it keeps the last "
                            + historyLimit
                            + " versions)"));
    ProvisioningConfig config = check(codec.toJson(target.config()));
    return apply(
        config,
        new Change("rollback", author, number, runningFileDigest(), 0, List.of()),
        expectedVersion);
  }

  /**
   * Applies the config version of the failover partner's snapshot (its encoded record, with this
   * server's identity already put back) as a new version here, checked like any change. It is
   * numbered at least as the partner numbered it, so both servers name the same config alike, and
   * the partner's history comes with it: the versions this server lacks, older than the new one,
   * join its history and are journaled with it.
   *
   * @throws ConfigException with every error; nothing changes then
   * @throws IOException if the payload is not a config record
   */
  public CompletableFuture<ConfigVersion> applyPartnerVersion(byte[] payload, String source)
      throws ConfigException, IOException {
    JsonNode node = json.readTree(payload);
    if (node == null || !node.path("config").isObject()) {
      throw new IOException("not a config version");
    }
    // The partner's own entry point checked what only its config file may set.
    ProvisioningConfig config = checked(compact.writeValueAsString(node.path("config")), false);
    return apply(
        config,
        new Change(
            source,
            text(node, "author"),
            null,
            runningFileDigest(),
            node.path("version").asLong(),
            held(node.path("history"))),
        null);
  }

  /** The versions of the history, newest first; the first is the current one. */
  public synchronized List<ConfigHistoryEntry> history() {
    List<ConfigHistoryEntry> entries = new ArrayList<>(history.size());
    for (Held held : history.descendingMap().values()) {
      entries.add(held.entry());
    }
    return entries;
  }

  /** How many versions the history keeps at most. */
  public int historyLimit() {
    return historyLimit;
  }

  /** A version of the history with its document; empty if the history does not hold it. */
  public Optional<ConfigVersion> version(long number) {
    ConfigVersion now = current;
    if (now != null && now.number() == number) {
      return Optional.of(now);
    }
    Held held;
    synchronized (this) {
      held = history.get(number);
    }
    if (held == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(decode(json.readTree(held.encoded())));
    } catch (IOException | ConfigException e) {
      log.warn("CONFIG_HISTORY_UNREADABLE version={}: {}", number, e.getMessage());
      return Optional.empty();
    }
  }

  private String runningFileDigest() {
    ConfigVersion now = current;
    return now == null ? null : now.fileDigest();
  }

  private synchronized CompletableFuture<ConfigVersion> apply(
      ProvisioningConfig config, Change change, Long expectedVersion) {
    BusPublisher publisher = bus;
    if (publisher == null) {
      throw new IllegalStateException("config store is not attached to the bus yet");
    }
    if (expectedVersion != null && expectedVersion != lastNumber) {
      return CompletableFuture.failedFuture(
          new VersionConflictException(expectedVersion, lastNumber));
    }
    // The number is taken now, under the lock, so a second change made before this one is
    // durable follows it in the journal and in numbering.
    lastNumber = Math.max(lastNumber + 1, change.atLeast());
    ConfigVersion next =
        new ConfigVersion(
            lastNumber,
            config,
            change.source(),
            clock.instant(),
            change.fileDigest(),
            change.author(),
            config.server().name(),
            change.restores());
    byte[] alone = bytes(encode(next));
    List<Held> adopted = new ArrayList<>();
    for (Held held : change.adopted()) {
      if (held.entry().number() < next.number() && !history.containsKey(held.entry().number())) {
        adopted.add(held);
      }
    }
    byte[] payload = adopted.isEmpty() ? alone : bytes(withHistory(encode(next), adopted));
    while (payload.length > StateBus.MAX_PAYLOAD_BYTES && !adopted.isEmpty()) {
      adopted.remove(0); // the partner's oldest versions: the record must fit the journal
      payload = adopted.isEmpty() ? alone : bytes(withHistory(encode(next), adopted));
    }
    Publishing entry = new Publishing(next, new Held(next.entry(), alone), List.copyOf(adopted));
    publishing.put(next.number(), entry);
    return publisher
        .publish(RecordType.CONFIG, payload)
        .whenComplete(
            (record, failure) -> {
              if (failure != null) {
                synchronized (this) {
                  publishing.remove(next.number(), entry);
                }
              }
            })
        .thenApplyAsync(
            record -> {
              if (!install(next, record.origin(), alone, adopted)) {
                // The partner's version of that number, or a later one, came first (the failover
                // stream installs on its own thread): this change is in the journal, not running.
                ConfigVersion running = current;
                throw new VersionConflictException(
                    next.number() - 1, running == null ? next.number() : running.number());
              }
              log.info(
                  "CONFIG_APPLIED version={} source={} author={} seq={}",
                  next.number(),
                  next.source(),
                  next.author(),
                  record.sequence());
              return next;
            },
            installer);
  }

  /**
   * Makes a version current and runs the listeners; false if a later version is current already, or
   * one of the same number that {@link #supersedes} keeps. Versions come from this service's
   * installer thread and from the failover's (the partner's records): the listeners run on the
   * installer's, for one version at a time, and not for one a later version replaced meanwhile,
   * whose own run follows; a service was otherwise left on the older of two versions installed at
   * once.
   *
   * <p>Two versions of one number (this server's change and the partner's, made at once) are
   * settled by the rule, not by which came first: replay at start-up installs them in journal
   * order, which need not be the order they were installed in while running, and the config that
   * ran before a restart must be the one that runs after it.
   */
  private boolean install(ConfigVersion version, int origin, byte[] encoded, List<Held> adopted) {
    synchronized (this) {
      Publishing published = publishing.get(version.number());
      if (published != null && published.version() == version) {
        publishing.remove(version.number());
      }
      lastNumber = Math.max(lastNumber, version.number());
      if (current != null
          && (current.number() > version.number()
              || (current.number() == version.number()
                  && !supersedes(
                      version.changedAt(), origin, current.changedAt(), currentOrigin)))) {
        return false;
      }
      current = version;
      currentOrigin = origin;
      for (Held held : adopted) {
        if (held.entry().number() < version.number()) {
          keep(held, false);
        }
      }
      keep(new Held(version.entry(), encoded), true);
    }
    if (Thread.currentThread() == installerThread) {
      notifyListeners(version);
    } else if (!listeners.isEmpty()) {
      // The partner's version, installed on the failover's thread (the DHCP engine's): the
      // services rebuild (zones, TFTP, SNMP, a ToD clock check of up to 10 s) on this service's
      // own thread, as for a change made here; they ran on the engine's, and DHCP stood still.
      installer.execute(() -> notifyListeners(version));
    }
    return true;
  }

  private void notifyListeners(ConfigVersion version) {
    synchronized (notifying) {
      if (current != version) {
        return; // installed, and replaced already: the listeners hear the later one
      }
      for (Consumer<ConfigVersion> listener : listeners) {
        try {
          listener.accept(version);
        } catch (RuntimeException e) {
          log.error("CONFIG_LISTENER_FAILED version={}", version.number(), e);
        }
      }
    }
  }

  /**
   * Whether a config version made at {@code changedAt} by the server whose journal origin is {@code
   * origin} replaces another of the same number: the later change stands; at the same instant, the
   * lower origin's. Both servers of a pair apply it alike, to their own and the partner's version,
   * so both keep the same one whichever arrived first.
   */
  public static boolean supersedes(
      Instant changedAt, int origin, Instant otherChangedAt, int otherOrigin) {
    return changedAt.isAfter(otherChangedAt)
        || (changedAt.equals(otherChangedAt) && origin < otherOrigin);
  }

  /**
   * Adds a version to the history (replacing one of its number if asked), then trims the oldest.
   */
  private void keep(Held held, boolean replace) {
    long number = held.entry().number();
    Held old = history.get(number);
    if (old != null) {
      if (!replace) {
        return;
      }
      historyBytes -= old.encoded().length;
    }
    history.put(number, held);
    historyBytes += held.encoded().length;
    while (history.size() > 1
        && (history.size() > historyLimit || historyBytes > HISTORY_MAX_BYTES)) {
      historyBytes -= history.pollFirstEntry().getValue().encoded().length;
    }
  }

  /** Fields that sockets and files already opened depend on cannot change while running. */
  private static List<ConfigError> restartOnlyChanges(
      ProvisioningConfig from, ProvisioningConfig to) {
    List<ConfigError> errors = new ArrayList<>();
    if (!from.server().dataDir().equals(to.server().dataDir())) {
      errors.add(
          new ConfigError(
              "server.dataDir",
              "cannot change while running (it holds the journal); edit the config file and restart"));
    }
    if (!from.server().id().equals(to.server().id())) {
      errors.add(
          new ConfigError(
              "server.id",
              "cannot change while running (it marks every record); edit the config file and restart"));
    }
    ManagementConfig was = from.management();
    ManagementConfig will = to.management();
    String listener =
        "cannot change while running (the management API listens with it); edit the config file"
            + " and restart";
    if (!was.listen().equals(will.listen())) {
      errors.add(new ConfigError("management.listen", listener));
    }
    if (!was.port().equals(will.port())) {
      errors.add(new ConfigError("management.port", listener));
    }
    if (!was.maxBodyBytes().equals(will.maxBodyBytes())) {
      errors.add(new ConfigError("management.maxBodyBytes", listener));
    }
    if (!was.tls().equals(will.tls())) {
      errors.add(new ConfigError("management.tls", listener));
    }
    if (!was.login().equals(will.login())) {
      errors.add(new ConfigError("management.login", listener));
    }
    DhcpConfig dhcpWas = from.dhcp();
    DhcpConfig dhcpWill = to.dhcp();
    String sockets =
        "cannot change while running (the DHCP server is started, and its sockets bound, with"
            + " it); edit the config file and restart";
    if (!dhcpWas.enabled().equals(dhcpWill.enabled())) {
      errors.add(new ConfigError("dhcp.enabled", sockets));
    }
    if (!dhcpWas.listen().equals(dhcpWill.listen())) {
      errors.add(new ConfigError("dhcp.listen", sockets));
    }
    if (!dhcpWas.port().equals(dhcpWill.port())) {
      errors.add(new ConfigError("dhcp.port", sockets));
    }
    if (!dhcpWas.effectiveServerIdentifier().equals(dhcpWill.effectiveServerIdentifier())) {
      errors.add(new ConfigError("dhcp.serverIdentifier", sockets));
    }
    return errors;
  }

  /**
   * Fields that reach into this machine beyond the suite's own state: a program to run, the
   * directories TFTP serves and takes uploads into, template files to read. An operator of the API
   * could otherwise run a shell as the service's user, or serve the API token and the console's
   * password hashes over TFTP; only the config file, which the host's administrator edits, sets
   * them. The API may still drop a template file or send one back unchanged.
   */
  private static List<ConfigError> fileOnlyChanges(ProvisioningConfig from, ProvisioningConfig to) {
    List<ConfigError> errors = new ArrayList<>();
    String fileOnly = "can only be set in the config file (it reaches this machine's files)";
    if (!from.tod().syncCommand().equals(to.tod().syncCommand())) {
      errors.add(
          new ConfigError(
              "tod.syncCommand",
              "can only be set in the config file (it runs a program on this machine)"));
    }
    if (!from.tftp().root().equals(to.tftp().root())) {
      errors.add(new ConfigError("tftp.root", fileOnly));
    }
    if (!Objects.equals(from.tftp().writeRoot(), to.tftp().writeRoot())) {
      errors.add(new ConfigError("tftp.writeRoot", fileOnly));
    }
    Set<String> templates = new HashSet<>();
    from.tftp().docsis().files().forEach(file -> templates.add(file.template()));
    List<DocsisFileConfig> files = to.tftp().docsis().files();
    for (int i = 0; i < files.size(); i++) {
      String template = files.get(i).template();
      if (template != null && !templates.contains(template)) {
        errors.add(new ConfigError("tftp.docsis.files[" + i + "].template", fileOnly));
      }
    }
    return errors;
  }

  @Override
  public String name() {
    return "config";
  }

  @Override
  public Set<RecordType> types() {
    return Set.of(RecordType.CONFIG);
  }

  @Override
  public void apply(BusRecord record) {
    try {
      JsonNode node = json.readTree(record.payload());
      ConfigVersion version = decode(node);
      install(version, record.origin(), alone(node, record.payload()), held(node.path("history")));
    } catch (IOException | ConfigException | RuntimeException e) {
      // A version this build cannot read (written by a newer one): keep the running config.
      log.warn(
          "CONFIG_RECORD_UNREADABLE seq={} origin={}: {}",
          record.sequence(),
          record.origin(),
          e.getMessage());
    }
  }

  /**
   * The current version's record with the whole history beside it ({@code history}, oldest first):
   * what a restart restores, and the config frame a failover sync sends the partner.
   */
  @Override
  public byte[] snapshot() {
    ConfigVersion now;
    TreeMap<Long, Held> kept;
    synchronized (this) {
      now = current;
      int nowOrigin = currentOrigin;
      kept = new TreeMap<>(history);
      for (Publishing p : publishing.values()) {
        ConfigVersion version = p.version();
        int origin = version.config().server().id(); // this server's, as the bus numbers it
        if (now == null
            || version.number() > now.number()
            || (version.number() == now.number()
                && supersedes(version.changedAt(), origin, now.changedAt(), nowOrigin))) {
          now = version;
          nowOrigin = origin;
          for (Held held : p.adopted()) { // as install keeps them
            if (held.entry().number() < version.number()) {
              kept.putIfAbsent(held.entry().number(), held);
            }
          }
          kept.put(version.number(), p.held());
        }
      }
    }
    return now == null ? new byte[0] : bytes(withHistory(encode(now), List.copyOf(kept.values())));
  }

  @Override
  public void restore(byte[] snapshot) {
    if (snapshot.length == 0) {
      return;
    }
    try {
      JsonNode node = json.readTree(snapshot);
      ConfigVersion version = decode(node);
      List<Held> kept = held(node.path("history"));
      synchronized (this) {
        current = version;
        currentOrigin = UNKNOWN_ORIGIN;
        lastNumber = Math.max(lastNumber, version.number());
        history.clear();
        historyBytes = 0;
        for (Held held : kept) {
          if (held.entry().number() < version.number()) {
            keep(held, true);
          }
        }
        // A snapshot of a release that kept no history holds the current version alone.
        keep(new Held(version.entry(), alone(node, snapshot)), true);
      }
    } catch (IOException | ConfigException | RuntimeException e) {
      log.warn("CONFIG_SNAPSHOT_UNREADABLE: {}", e.getMessage());
    }
  }

  private ObjectNode encode(ConfigVersion version) {
    ObjectNode node = json.createObjectNode();
    node.put("version", version.number());
    node.put("source", version.source());
    node.put("changedAt", version.changedAt().toString());
    node.put("fileDigest", version.fileDigest());
    if (version.author() != null) {
      node.put("author", version.author());
    }
    if (version.server() != null) {
      node.put("server", version.server());
    }
    if (version.restores() != null) {
      node.put("restores", version.restores());
    }
    node.set("config", json.valueToTree(version.config()));
    return node;
  }

  /** A version's record with versions of the history beside it, as they were encoded. */
  private static ObjectNode withHistory(ObjectNode version, List<Held> kept) {
    ArrayNode array = version.putArray("history");
    for (Held held : kept) {
      array.addRawValue(new RawValue(new String(held.encoded(), StandardCharsets.UTF_8)));
    }
    return version;
  }

  private byte[] bytes(JsonNode node) {
    try {
      return compact.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a config version cannot fail to serialise", e);
    }
  }

  /** The version's own record: the payload, less any history it carries. */
  private byte[] alone(JsonNode node, byte[] payload) {
    if (!node.has("history")) {
      return payload;
    }
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    copy.remove("history");
    return bytes(copy);
  }

  /** The readable versions of a history array; one this build cannot read is left out. */
  private List<Held> held(JsonNode array) {
    if (!array.isArray()) {
      return List.of();
    }
    List<Held> kept = new ArrayList<>(array.size());
    for (JsonNode node : array) {
      try {
        if (!node.path("config").isObject() || !node.path("version").canConvertToLong()) {
          throw new IOException("not a config version");
        }
        kept.add(new Held(entryOf(node), bytes(node)));
      } catch (IOException | RuntimeException e) {
        log.warn("CONFIG_HISTORY_UNREADABLE version={}: {}", node.path("version"), e.getMessage());
      }
    }
    return kept;
  }

  private static ConfigHistoryEntry entryOf(JsonNode node) {
    return new ConfigHistoryEntry(
        node.path("version").asLong(),
        node.path("source").asText(),
        Instant.parse(node.path("changedAt").asText()),
        text(node, "author"),
        text(node, "server"),
        node.path("restores").canConvertToLong() ? node.path("restores").asLong() : null);
  }

  private ConfigVersion decode(JsonNode node) throws IOException, ConfigException {
    ConfigHistoryEntry entry = entryOf(node);
    return new ConfigVersion(
        entry.number(),
        codec.parseKept(compact.writeValueAsString(node.path("config"))),
        entry.source(),
        entry.changedAt(),
        text(node, "fileDigest"),
        entry.author(),
        entry.server(),
        entry.restores());
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  public static String sha256(String document) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(document.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
