package org.provisioning.dist;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.CountDownLatch;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigException;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ConfigVersion;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.FailoverRoutes;
import org.provisioning.console.api.LeaseRoutes;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.http.ManagementServer;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.failover.FailoverController;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.server.DhcpServer;
import org.provisioning.dhcp.server.LeaseJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the only place that knows every module. It reads the config, opens the
 * state bus (which restores the config and the services' state), builds the services, wires them to
 * the bus and the console, and starts and stops them in order.
 */
public final class ProvisiondProcess {
  private static final Logger log = LoggerFactory.getLogger(ProvisiondProcess.class);

  private final Clock clock = Clock.systemUTC();
  private final Instant startedAt = clock.instant();
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final ConfigService config = new ConfigService(new ConfigCodec(), clock);
  private final List<ProvisioningService> services = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private AlertCenter alerts;
  private StateBus bus;
  private FileLock dataDirLock;
  private ManagementServer management;
  private DhcpEngine engine;

  private ProvisiondProcess() {}

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
    ProvisiondProcess process = new ProvisiondProcess();
    try {
      process.open(home, document);
    } catch (Exception e) {
      process.stop();
      throw e;
    }
    return process;
  }

  private void open(Path home, String document) throws Exception {
    ProvisioningConfig fromFile = config.codec().parse(document);
    Path dataDir = fromFile.server().dataDirectory(home);
    Files.createDirectories(dataDir);
    dataDirLock = lock(dataDir);
    alerts = new AlertCenter(clock, fromFile.alerts().historyLimit());

    MemoryLeaseStore leases = new MemoryLeaseStore();
    LeaseJournal leaseJournal = new LeaseJournal(leases);
    bus =
        StateBus.open(
            dataDir.resolve("journal"),
            fromFile.server().id(),
            clock,
            stats,
            List.of(config, leaseJournal));
    config.attach(bus);
    ConfigVersion version = config.seedFromFile(document);
    ProvisioningConfig running = version.config();

    ManagementApi api =
        new ManagementApi(ApiToken.loadOrCreate(dataDir), this::status, stats, alerts, config);
    management =
        new ManagementServer(
            api,
            new InetSocketAddress(
                running.management().listen().toInetAddress(), running.management().port()),
            running.management().maxBodyBytes());
    LeaseRoutes.register(api, leases);
    if (running.dhcp().enabled()) {
      DhcpServer server = dhcp(running, leases, leaseJournal);
      services.add(server);
      FailoverController failover =
          new FailoverController(
              dataDir, bus, config, server, engine, leases, alerts, stats, clock);
      FailoverRoutes.register(api, failover);
      services.add(failover);
    }
    services.add(management);

    for (ProvisioningService service : services) {
      service.start();
    }
    log.info(
        "PROVISIOND_STARTED name={} version={} config={} dataDir={} services={}",
        running.server().name(),
        version(),
        version.number(),
        dataDir,
        status().services());
  }

  /**
   * The DHCP server on the lease store the bus restored. Later lease records (the failover peer's)
   * and config changes reach the engine on its own thread.
   */
  private DhcpServer dhcp(
      ProvisioningConfig running, MemoryLeaseStore leases, LeaseJournal leaseJournal) {
    engine =
        new DhcpEngine(
            running.dhcp(),
            running.server().id(),
            leases,
            clock,
            new DhcpStatistics(stats),
            alerts);
    DhcpServer server = new DhcpServer(running.dhcp(), engine, bus, stats);
    leaseJournal.routeTo(lease -> server.execute(() -> engine.apply(lease)));
    config.addListener(version -> server.reconfigure(version.config().dhcp()));
    return server;
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
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).stop();
      } catch (RuntimeException e) {
        log.warn("SERVICE_STOP_FAILED service={}", services.get(i).name(), e);
      }
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
    stopped.countDown();
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
