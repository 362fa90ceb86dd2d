package org.provisioning.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.provisioning.common.alert.AlertAcknowledgements;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertListener;
import org.provisioning.common.backup.BackupFormat;
import org.provisioning.common.backup.BackupHeader;
import org.provisioning.common.backup.BackupWriter;
import org.provisioning.common.bus.BusAlerts;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigException;
import org.provisioning.common.config.ConfigRule;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ConfigVersion;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.config.EmailAlertsConfig;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.config.SyslogAlertsConfig;
import org.provisioning.common.control.FailoverControl;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.lease.BootFileIssuer;
import org.provisioning.common.lease.LeaseControl;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.ProcessStatistics;
import org.provisioning.common.stats.StatisticsHistory;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.time.Ticker;
import org.provisioning.console.alert.ConfiguredChannel;
import org.provisioning.console.alert.EmailSender;
import org.provisioning.console.alert.SyslogSender;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.BackupRoutes;
import org.provisioning.console.api.DnsRoutes;
import org.provisioning.console.api.FailoverRoutes;
import org.provisioning.console.api.LeaseRoutes;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.MetricsRoutes;
import org.provisioning.console.api.ReloadRoutes;
import org.provisioning.console.api.StatisticsHistoryRoutes;
import org.provisioning.console.api.TftpRoutes;
import org.provisioning.console.auth.ConsoleAccess;
import org.provisioning.console.http.ManagementServer;
import org.provisioning.console.metrics.PrometheusExposition;
import org.provisioning.console.snmp.MibSources;
import org.provisioning.console.snmp.SnmpService;
import org.provisioning.console.tls.ManagementTls;
import org.provisioning.console.web.ConsoleDashboard;
import org.provisioning.console.web.ConsoleTree;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.engine.ServingMode;
import org.provisioning.dhcp.failover.FailoverController;
import org.provisioning.dhcp.lease.LeaseHistoryIndex;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.server.DhcpServer;
import org.provisioning.dhcp.server.LeaseJournal;
import org.provisioning.dns.ddns.DdnsUpdater;
import org.provisioning.dns.server.DnsConfigRule;
import org.provisioning.dns.server.DnsServer;
import org.provisioning.dns.zone.ClientRRsets;
import org.provisioning.dns.zone.DnsState;
import org.provisioning.dns.zone.SerialFloors;
import org.provisioning.tftp.docsis.DocsisFileGenerator;
import org.provisioning.tftp.docsis.DocsisTemplateRule;
import org.provisioning.tftp.server.TftpConfigRule;
import org.provisioning.tftp.server.TftpServer;
import org.provisioning.tod.TodServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the only place that knows every module. It reads the config, opens the
 * state bus (which restores the config and the services' state), builds the services, wires them to
 * the bus and the console, and starts and stops them in order.
 */
public final class ProvisiondProcess {
  private static final Logger log = LoggerFactory.getLogger(ProvisiondProcess.class);

  /**
   * Four milliseconds for more records to share each fsync. On a fast disk the journal otherwise
   * fsyncs per record or two, and the fsyncs cost more CPU than the DHCP exchanges they serve: at
   * 6,000 exchanges/s, 0.5 ms left about 1.5 records per fsync (journal writer 11 ms of CPU per
   * 1,000 exchanges), 2 ms about 6 (6 ms); 4 ms took another 5-6 ms per 1,000 off the whole server
   * (48.6 and 49.4 against 54.9 and 54.3, alternating runs) with each wake-up, timed wait and fsync
   * it saves. A client waits 4 ms more at most for its ACK: nothing beside the 4 s a DHCP client
   * waits before it asks again.
   */
  private static final Duration GROUP_COMMIT_LINGER = Duration.ofMillis(4);

  /** In the data directory: each served zone's serial reservation (SerialFloors). */
  private static final String DNS_SERIALS_FILE = "dns.serials";

  private final Clock clock = Clock.systemUTC();
  private final Instant startedAt = clock.instant();
  private final StatisticsRegistry stats = new StatisticsRegistry();

  /** The last hour of every statistic, for the console's charts; sampled while the process runs. */
  private final StatisticsHistory history = new StatisticsHistory(stats, clock);

  private final Path home;
  private final ConfigService config;
  private final List<ProvisioningService> services = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
  private Path configFile;
  private AlertCenter alerts;
  private StateBus bus;
  private FileLock dataDirLock;
  private ManagementServer management;
  private ConsoleAccess console;
  private volatile DhcpEngine engine;
  private DdnsUpdater dnsUpdater;
  private SerialFloors dnsSerials;
  private ClientRRsets dnsClientRRsets;
  private volatile FailoverControl failoverControl;

  /** Why the process stopped by itself (its journal failed), or null. */
  private volatile Throwable stoppedBecause;

  /** The console's lease releases: the DHCP server's, when it runs. */
  /** The DHCP service, stopped first; null when DHCP is off. */
  private ProvisioningService dhcpServer;

  private volatile LeaseControl leaseControl =
      address ->
          CompletableFuture.failedFuture(
              new IllegalStateException("DHCP is not enabled on this server"));

  private final List<ConfiguredChannel<?>> alertChannels = new ArrayList<>();

  private ProvisiondProcess(Path home) {
    this.home = home;
    this.config = new ConfigService(codec(home), clock);
  }

  /**
   * The config codec with every rule, those that look at this installation's files included (the
   * TFTP roots).
   */
  public static ConfigCodec codec(Path home) {
    return new ConfigCodec(rules(home));
  }

  /** The services' rules on a config, those on this installation's files included. */
  static List<ConfigRule> rules(Path home) {
    return List.of(new TftpConfigRule(home), new DocsisTemplateRule(home), new DnsConfigRule());
  }

  /** The installation directory: relative paths in the config are resolved against it. */
  public static Path home() {
    String home = System.getenv("PROVISIONING_HOME");
    return Path.of(home == null ? "." : home).toAbsolutePath().normalize();
  }

  public static String version() {
    String version = ProvisiondProcess.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  /** The embedded default config, the same text as the distribution's conf/provisiond.yaml. */
  public static String defaultConfig() throws IOException {
    try (InputStream in = ProvisiondProcess.class.getResourceAsStream("provisiond.yaml")) {
      if (in == null) {
        throw new IOException("the embedded default config is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Starts a server on a config document.
   *
   * @throws ConfigException if the document is invalid; nothing is started then
   */
  public static ProvisiondProcess start(Path home, String document) throws Exception {
    return start(home, document, null);
  }

  /**
   * Starts a server on the config file it was given, which {@code provisionctl config reload}
   * (systemd's {@code ExecReload}) makes it read again; tells systemd when it is ready.
   *
   * @param configFile the file {@code document} was read from; null for the embedded default
   * @throws ConfigException if the document is invalid; nothing is started then
   */
  public static ProvisiondProcess start(Path home, String document, Path configFile)
      throws Exception {
    ProvisiondProcess process = new ProvisiondProcess(home);
    process.configFile = configFile;
    try {
      synchronized (process) { // a fail-stop raised meanwhile waits for the start to finish
        process.open(document);
      }
    } catch (Exception e) {
      process.stop();
      throw e;
    }
    return process;
  }

  /**
   * {@code provisionctl restore} moves the journal aside, then the restored one into its place. A
   * crash between the two left no journal: the next start made an empty one and served with no
   * lease, without a word. The restored journal is whole by then (synced before the first move),
   * but whether to take it is the operator's call.
   */
  private static void refuseAnInterruptedRestore(Path dataDir) throws IOException {
    if (Files.isDirectory(dataDir.resolve("journal"))) {
      return;
    }
    try (var entries = Files.list(dataDir)) {
      java.util.Optional<Path> restoring =
          entries
              .filter(p -> p.getFileName().toString().startsWith(".restoring-"))
              .map(p -> p.resolve("journal"))
              .filter(Files::isDirectory)
              .findFirst();
      if (restoring.isPresent()) {
        throw new IOException(
            "a restore was interrupted: "
                + dataDir.resolve("journal")
                + " is missing and the restored journal waits in "
                + restoring.get()
                + "; run provisionctl restore again, or move that folder (or the"
                + " journal.before-restore-* beside it) to "
                + dataDir.resolve("journal"));
      }
    }
  }

  private void open(String document) throws Exception {
    // Read as a kept version: the rules run when it is applied below (the ones on files once the
    // directories a fresh installation lacks have been made), unless it is the file applied
    // before, which an upgrade's new rules must not keep from starting.
    ProvisioningConfig fromFile = config.codec().parseKept(document);
    Path dataDir = fromFile.server().dataDirectory(home);
    Files.createDirectories(dataDir);
    createTftpRoot(fromFile);
    dataDirLock = lock(dataDir);
    refuseAnInterruptedRestore(dataDir);
    alerts = new AlertCenter(fromFile.server().name(), clock, fromFile.alerts().historyLimit());
    alerts.registerStatistics(stats);
    alerts.declare(Declarations.alertTypes());
    alerts.keepIdsIn(dataDir.resolve("alert-ids"));
    stats.declare(Declarations.statistics());
    ProcessStatistics.register(stats);

    long poolAddresses =
        fromFile.dhcp().subnets().stream()
            .flatMap(subnet -> subnet.pools().stream())
            .mapToLong(pool -> pool.range().size())
            .sum();
    MemoryLeaseStore leases = new MemoryLeaseStore(poolAddresses);
    LeaseHistoryIndex leaseHistory = new LeaseHistoryIndex();
    LeaseJournal leaseJournal = new LeaseJournal(leases, leaseHistory);
    console = new ConsoleAccess(clock); // console users and the audit log live on the bus too
    dnsClientRRsets = new ClientRRsets(clock); // so do the RRsets RFC 2136 clients changed
    bus =
        StateBus.open(
            dataDir.resolve("journal"),
            fromFile.server().id(),
            clock,
            stats,
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(config, leaseJournal, dnsClientRRsets),
                    console.participants().stream())
                .toList(),
            StateBus.Options.defaults().withGroupCommitLinger(GROUP_COMMIT_LINGER));
    bus.onJournalFailure(this::journalFailed);
    config.attach(bus);
    console.attach(bus);
    dnsClientRRsets.attach(bus, fromFile.server().id());
    bus.addListener(dnsClientRRsets);
    bus.addListener(leaseHistory);
    AlertAcknowledgements acknowledgements = new AlertAcknowledgements(alerts, bus);
    bus.addListener(acknowledgements);
    // The failover sync by snapshot carries them whole, like the console's users and audit log.
    bus.addReplicatedState(acknowledgements);
    ConfigVersion version = config.seedFromFile(document);
    ProvisioningConfig running = version.config();
    // The running config's, which may be an API change over the file's.
    alerts.reconfigure(running.server().name(), running.alerts().historyLimit());
    config.addListener(
        changed ->
            alerts.reconfigure(
                changed.config().server().name(), changed.config().alerts().historyLimit()));
    createTftpRoot(running);
    // The first console admin provisionctl setup asked for, before anyone can log in.
    console.createRequestedAdmin(dataDir, running.server().name());
    // Before the services: alerts they raise while being built (a pool restored above its mark)
    // reach the trap receivers too. First in the list, so stopped last.
    services.add(snmp(running, dataDir));

    DocsisFileGenerator docsis =
        new DocsisFileGenerator(running.tftp().docsis(), home, leases, clock, stats, alerts);
    // docsis is also the BootFileIssuer that names the boot file of each DHCP ACK.
    TftpServer tftp = new TftpServer(running.tftp(), home, stats, List.of(docsis));
    TodServer tod = new TodServer(running.tod(), clock, stats);
    services.add(tftp);
    services.add(tod);
    DnsServer dns = dns(running, leases, dataDir);
    services.add(dns);
    config.addListener(
        changed -> {
          reconfigure("docsis", changed, () -> docsis.apply(changed.config().tftp().docsis()));
          reconfigure("tftp", changed, () -> tftp.apply(changed.config().tftp()));
          reconfigure("tod", changed, () -> tod.apply(changed.config().tod()));
          reconfigure(
              "dns",
              changed,
              () -> {
                DnsConfig dnsAfter = changed.config().dns();
                if (!dns.config().equals(dnsAfter) || dns.state() == ServiceState.FAILED) {
                  // Rebuilt zones hold their static records only: the leases' names go back in
                  // before anyone may transfer them.
                  CompletableFuture<Void> republished = new CompletableFuture<>();
                  dns.holdUntilNamesPublished(republished);
                  try {
                    dns.apply(dnsAfter);
                  } finally {
                    dnsUpdater
                        .republish(boundLeases(leases))
                        .whenComplete((done, failure) -> republished.complete(null));
                  }
                }
              });
        });

    alertChannels(running);
    ApiToken token = ApiToken.loadOrCreate(dataDir);
    ManagementApi api = new ManagementApi(token, this::status, stats, alerts, config);
    var tls =
        ManagementTls.forListener(
            running.management(), running.server().name(), home, dataDir, clock);
    console.install(api, token, alerts, config, running.management().login(), tls.isPresent());
    TftpRoutes.register(api, docsis, tftp.transfers());
    DnsRoutes.register(api, dns, dns.recentUpdates());
    MetricsRoutes.register(
        api,
        new PrometheusExposition(stats, alerts::server),
        () ->
            config.current().map(v -> v.config().management().metricsTokenRequired()).orElse(true));
    management =
        new ManagementServer(
            api,
            new InetSocketAddress(
                running.management().listen().toInetAddress(), running.management().port()),
            running.management().maxBodyBytes(),
            tls.orElse(null));
    LeaseRoutes.register(
        api, leases, leaseHistory, address -> leaseControl.release(address), config);
    new ConsoleTree(
            api.json(),
            config,
            stats,
            alerts,
            this::status,
            () -> java.util.Optional.ofNullable(failoverControl).map(FailoverControl::status))
        .register(api);
    StatisticsHistoryRoutes.register(api, history);
    new ConsoleDashboard(
            api.json(),
            config,
            stats,
            history,
            () -> java.util.Optional.ofNullable(failoverControl).map(FailoverControl::status),
            clock)
        .register(api);
    ReloadRoutes.register(api, this::reloadConfigFile);
    BackupRoutes.register(api, out -> writeBackup(out, dataDir, leases));
    if (running.dhcp().enabled()) {
      DhcpServer server = dhcp(running, leases, leaseJournal, docsis);
      services.add(server);
      dhcpServer = server;
      leaseControl = server;
      FailoverController failover =
          new FailoverController(
              dataDir, bus, config, server, engine, leases, alerts, stats, clock);
      FailoverRoutes.register(api, failover);
      services.add(failover);
      failoverControl = failover;
    }
    services.add(management);

    for (ProvisioningService service : services) {
      service.start();
    }
    history.start();
    log.info(
        "PROVISIOND_STARTED name={} version={} config={} dataDir={} java={} services={}",
        running.server().name(),
        version(),
        version.number(),
        dataDir,
        Runtime.version(),
        status().services());
    systemd.ready("serving, config version " + version.number());
  }

  /**
   * A backup file: the state bus's files after a fresh snapshot (every lease acknowledged before is
   * in them), the config file this server runs on and its pairing secret.
   */
  private void writeBackup(OutputStream out, Path dataDir, MemoryLeaseStore leases)
      throws IOException {
    ConfigVersion running = config.current().orElseThrow();
    BackupWriter writer =
        new BackupWriter(
            out,
            new BackupHeader(
                BackupFormat.VERSION,
                clock.instant(),
                running.config().server().name(),
                running.config().server().id(),
                version(),
                running.number(),
                boundLeases(leases).size()));
    List<String> files = new ArrayList<>();
    bus.backup(
        (name, file) -> {
          writer.add("journal/" + name, file);
          files.add(name);
        });
    if (configFile != null && Files.isRegularFile(configFile)) {
      writer.add(BackupFormat.CONFIG_ENTRY, Files.readAllBytes(configFile));
    }
    Path secret = dataDir.resolve("failover.secret");
    if (Files.isRegularFile(secret)) {
      writer.add("data/failover.secret", secret);
    }
    // Zones restored elsewhere must start above the serials their secondaries hold.
    Path serials = dataDir.resolve(DNS_SERIALS_FILE);
    if (Files.isRegularFile(serials)) {
      writer.add("data/" + DNS_SERIALS_FILE, serials);
    }
    writer.finish();
    log.info("BACKUP_TAKEN config={} journal_files={}", running.number(), files);
  }

  /** The config file read again and applied if it changed, as {@code --check-config} checks it. */
  private CompletableFuture<ConfigVersion> reloadConfigFile() throws IOException, ConfigException {
    if (configFile == null) {
      throw new IllegalStateException(
          "provisiond was started without a config file (on its embedded default): nothing to"
              + " reload; start it with --config FILE");
    }
    String document = Files.readString(configFile, StandardCharsets.UTF_8);
    systemd.reloading();
    try {
      return config
          .reloadFile(document)
          .whenComplete(
              (v, e) ->
                  systemd.ready(
                      "serving, config version "
                          + config.current().map(ConfigVersion::number).orElse(0L)));
    } catch (ConfigException | RuntimeException e) {
      log.warn("CONFIG_RELOAD_REFUSED file={}: {}", configFile, e.getMessage());
      systemd.ready("serving, config file refused at reload");
      throw e;
    }
  }

  /**
   * SNMP traps and informs for alerts, and the agent when enabled, re-made when {@code alerts.snmp}
   * changes. The agent reads the registry, the running config's pools and the failover status.
   */
  /** A service's part of applying a config version, which may fail (a port taken, say). */
  @FunctionalInterface
  private interface Reconfiguration {
    void run() throws Exception;
  }

  /**
   * Applies one service's part of a config version on its own: a service that cannot take it (a
   * port taken) no longer keeps the services after it on the old version, and is alerted, not only
   * logged, since the change itself was accepted and is running elsewhere.
   */
  private void reconfigure(String service, ConfigVersion version, Reconfiguration apply) {
    try {
      apply.run();
      alerts.clear(
          ServiceAlerts.RECONFIGURE_FAILED,
          service,
          service + " runs config version " + version.number());
    } catch (Exception e) {
      log.error("SERVICE_RECONFIGURE_FAILED service={} version={}", service, version.number(), e);
      alerts.raise(
          ServiceAlerts.RECONFIGURE_FAILED,
          service,
          service + " could not take config version " + version.number() + ": " + e);
    }
  }

  private SnmpService snmp(ProvisioningConfig running, Path dataDir) throws IOException {
    MibSources sources =
        new MibSources(
            stats,
            () -> config.current().map(v -> MibSources.pools(v.config())).orElse(List.of()),
            () -> java.util.Optional.ofNullable(failoverControl).map(FailoverControl::status),
            () -> config.current().map(v -> v.config().server().name()).orElse("provisiond"),
            "provisiond " + version() + ", broadband provisioning server");
    SnmpService snmp =
        new SnmpService(
            running.alerts().snmp(),
            running.server().name(),
            dataDir.resolve("snmp-engine-boots"),
            alerts,
            sources,
            stats);
    config.addListener(
        v ->
            reconfigure(
                "snmp",
                v,
                () -> snmp.apply(v.config().alerts().snmp(), v.config().server().name())));
    return snmp;
  }

  /**
   * The DHCP server on the lease store the bus restored. Later lease records (the failover peer's)
   * and config changes reach the engine on its own thread.
   */
  private DhcpServer dhcp(
      ProvisioningConfig running,
      MemoryLeaseStore leases,
      LeaseJournal leaseJournal,
      BootFileIssuer bootFiles) {
    engine =
        new DhcpEngine(
            running.dhcp(),
            running.server().id(),
            leases,
            clock,
            Ticker.system(),
            new DhcpStatistics(stats),
            alerts);
    engine.setBootFileIssuer(bootFiles);
    DhcpServer server = new DhcpServer(running.dhcp(), engine, bus, stats);
    leaseJournal.routeTo(lease -> server.execute(() -> engine.apply(lease)));
    config.addListener(version -> server.reconfigure(version.config().dhcp()));
    return server;
  }

  /**
   * The DNS service and its DDNS side: the names of leases are not journaled but derived again at
   * start from the bound leases the bus restored, then kept current from each durable LEASE record
   * (the failover peer's included). Only the server that answers DHCP clients sends external RFC
   * 2136 updates: a failover secondary standing by keeps its zones current but stays quiet.
   */
  private DnsServer dns(ProvisioningConfig running, MemoryLeaseStore leases, Path dataDir)
      throws IOException {
    dnsSerials = SerialFloors.open(dataDir.resolve(DNS_SERIALS_FILE));
    DnsServer dns =
        new DnsServer(running.dns(), clock, stats, new DnsState(dnsSerials, dnsClientRRsets));
    DdnsUpdater ddns =
        new DdnsUpdater(
            dns::config,
            dns::servedZones,
            dns.engine().updates(),
            () -> engine == null || engine.mode() != ServingMode.STANDBY,
            stats,
            alerts);
    bus.addListener(ddns);
    dns.holdUntilNamesPublished(ddns.rebuild(boundLeases(leases)));
    dnsUpdater = ddns;
    return dns;
  }

  /**
   * The alert channels of the config's alerts section, each on its own queue and thread, kept in
   * step with config changes. Mail is told of raised and cleared alerts, syslog of acknowledgements
   * too.
   */
  private void alertChannels(ProvisioningConfig running) {
    ConfiguredChannel<EmailAlertsConfig> email =
        new ConfiguredChannel<>(
            "email",
            Set.of(AlertListener.Change.RAISED, AlertListener.Change.CLEARED),
            c -> EmailSender.channel(c, stats));
    email.apply(running.alerts().email());
    alerts.addListener(email);
    config.addListener(changed -> email.apply(changed.config().alerts().email()));
    alertChannels.add(email);
    ConfiguredChannel<SyslogAlertsConfig> syslog =
        new ConfiguredChannel<>(
            "syslog", Set.of(AlertListener.Change.values()), c -> SyslogSender.channel(c, stats));
    syslog.apply(running.alerts().syslog());
    alerts.addListener(syslog);
    config.addListener(changed -> syslog.apply(changed.config().alerts().syslog()));
    alertChannels.add(syslog);
  }

  /** The leases whose names DNS publishes: bound and not yet expired. */
  private List<LeaseRecord> boundLeases(MemoryLeaseStore leases) {
    long now = clock.millis();
    return leases.find(null, null, LeaseState.BOUND, Integer.MAX_VALUE).stream()
        .filter(lease -> lease.expiresAtMillis() > now)
        .toList();
  }

  /** Like the data directory, the served TFTP root of a fresh installation is made at start. */
  private void createTftpRoot(ProvisioningConfig config) throws IOException {
    if (config.tftp().enabled()) {
      Files.createDirectories(config.tftp().rootDirectory(home));
    }
  }

  /** The management API's address as bound (its port may have been 0 in the config). */
  public InetSocketAddress managementAddress() {
    return management.localAddress();
  }

  public ServerStatus status() {
    Map<String, ServiceState> states = new LinkedHashMap<>();
    services.forEach(s -> states.put(s.name(), s.state()));
    return new ServerStatus(
        config.current().map(v -> v.config().server().name()).orElse("provisiond"),
        version(),
        startedAt,
        Duration.between(startedAt, clock.instant()),
        states);
  }

  /** Stops every service in reverse order, then flushes and closes the journal. Idempotent. */
  public synchronized void stop() {
    if (stopped.getCount() == 0) {
      return;
    }
    systemd.stopping();
    history.close();
    if (dhcpServer != null) {
      // Before failover, which the reverse order would stop first: a lease acknowledged after
      // the link closed would never reach the partner, which serves once this server is gone.
      dhcpServer.stop();
    }
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).stop();
      } catch (RuntimeException e) {
        log.warn("SERVICE_STOP_FAILED service={}", services.get(i).name(), e);
      }
    }
    if (dnsUpdater != null) {
      dnsUpdater.close();
    }
    if (dnsSerials != null) {
      dnsSerials.close();
    }
    alertChannels.forEach(ConfiguredChannel::close);
    if (console != null) {
      console.close();
    }
    if (bus != null) {
      bus.close();
    }
    if (dataDirLock != null) {
      try {
        dataDirLock.channel().close();
      } catch (IOException e) {
        log.warn("DATA_DIR_UNLOCK_FAILED: {}", e.toString());
      }
    }
    log.info("PROVISIOND_STOPPED");
    systemd.close();
    stopped.countDown();
  }

  /**
   * The journal failed (fail-stop): nothing can be made durable, so no lease can be given. Serving
   * on would keep the failover partner, which still gets heartbeats, from taking over, so the
   * process stops, after raising the alert, and exits with 3 ({@link #stoppedBecause()}), for
   * systemd to start it again once the disk allows. On the journal's writer thread, which the stop
   * joins: it runs on a thread of its own.
   */
  private void journalFailed(Throwable cause) {
    stoppedBecause = cause;
    log.error(
        "PROVISIOND_JOURNAL_FAILED error={}: nothing can be made durable; stopping so that the"
            + " failover partner serves",
        cause.toString());
    alerts.raise(
        BusAlerts.JOURNAL_FAILED,
        "journal",
        "the journal failed (" + cause + "); provisiond stops, its partner serves alone");
    DaemonThreads.create("provisiond-fail-stop", this::stop).start();
  }

  /** Why the process stopped by itself, or null when it was asked to (or runs). */
  public Throwable stoppedBecause() {
    return stoppedBecause;
  }

  public void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Two processes on one journal would corrupt it: the second refuses to start. */
  private static FileLock lock(Path dataDir) throws IOException {
    FileChannel channel =
        FileChannel.open(
            dataDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      throw new IOException(
          "another provisiond is running on " + dataDir + " (its lock file is held)");
    }
    return lock;
  }
}
