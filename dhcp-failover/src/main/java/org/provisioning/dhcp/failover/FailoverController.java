package org.provisioning.dhcp.failover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ConfigVersion;
import org.provisioning.common.config.FailoverConfig;
import org.provisioning.common.config.FailoverRole;
import org.provisioning.common.control.FailoverControl;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.ServingMode;
import org.provisioning.dhcp.lease.LeaseStore;
import org.provisioning.dhcp.server.DhcpServer;
import org.provisioning.dhcp.server.ReplicationGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs failover as the config says and as the operator asks: starts the {@link FailoverService} for
 * a primary or secondary, restarts it when the local failover settings change (pairing, leaving,
 * new timers), and keeps the pairing secret. Config changes arrive on the journal or engine thread,
 * so restarts run on a thread of their own.
 */
public final class FailoverController implements ProvisioningService, FailoverControl {
  private static final Logger log = LoggerFactory.getLogger(FailoverController.class);

  private final Path dataDir;
  private final StateBus bus;
  private final ConfigService config;
  private final DhcpServer dhcp;
  private final DhcpEngine engine;
  private final LeaseStore store;
  private final AlertCenter alerts;
  private final StatisticsRegistry stats;
  private final Clock clock;
  private final ScheduledExecutorService restarts =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("failover-control"));
  private volatile FailoverService running;
  private volatile FailoverConfig runningConfig;
  private volatile ServiceState state = ServiceState.NEW;

  /** Whether a socket failure already held the partner's addresses (see {@link #startFailed}). */
  private volatile boolean heldAtSocketFailure;

  public FailoverController(
      Path dataDir,
      StateBus bus,
      ConfigService config,
      DhcpServer dhcp,
      DhcpEngine engine,
      LeaseStore store,
      AlertCenter alerts,
      StatisticsRegistry stats,
      Clock clock) {
    this.dataDir = dataDir;
    this.bus = bus;
    this.config = config;
    this.dhcp = dhcp;
    this.engine = engine;
    this.store = store;
    this.alerts = alerts;
    this.stats = FailoverStatistics.declare(stats);
    alerts.declare(FailoverAlerts.ALL);
    this.clock = clock;
    if (currentFailover().role() != FailoverRole.STANDALONE) {
      // Until the partner is found, a member of a pair serves no one (STARTUP).
      dhcp.execute(() -> engine.setMode(ServingMode.STANDBY));
    }
  }

  @Override
  public String name() {
    return "failover";
  }

  @Override
  public ServiceState state() {
    FailoverService s = running;
    return s == null ? state : s.state();
  }

  @Override
  public synchronized void start() throws IOException {
    state = ServiceState.STARTING;
    try {
      apply(currentFailover());
    } catch (IOException e) {
      // HA trouble never stops DHCP: a primary serves alone, a secondary stands by; retry.
      startFailed(currentFailover(), e);
    }
    config.addListener(
        version -> {
          FailoverConfig next = version.config().failover();
          if (!next.equals(runningConfig)) {
            restarts.execute(() -> applySafely(next));
          }
        });
    state = ServiceState.RUNNING;
  }

  private FailoverConfig currentFailover() {
    return config.current().map(v -> v.config().failover()).orElseThrow();
  }

  private void applySafely(FailoverConfig next) {
    try {
      apply(next);
      alerts.clear(FailoverAlerts.START_FAILED, FailoverAlerts.OBJECT, "failover is running");
    } catch (IOException | RuntimeException e) {
      startFailed(next, e);
    }
  }

  /** The sockets could not be opened (an address not up yet, a port taken): retry in 5 s. */
  private void startFailed(FailoverConfig next, Exception e) {
    runningConfig = null;
    log.error(
        "FAILOVER_START_FAILED role={} listen={}:{}: {}; retrying in 5 s",
        next.role().label(),
        next.listen(),
        next.port(),
        e.toString());
    alerts.raise(
        FailoverAlerts.START_FAILED,
        FailoverAlerts.OBJECT,
        "failover cannot start (" + e.getMessage() + "); retrying every 5 s");
    if (next.role() == FailoverRole.PRIMARY) {
      dhcp.replicateThrough(ReplicationGate.NONE);
      // Serving without having heard the secondary, which may have served meanwhile: the
      // addresses it may have renewed are held for their clients, as after a lone start.
      long since =
          heldAtSocketFailure // once: each retry holding again would restart the holds' time
              ? -1
              : LevelMark.holdsSince(
                  LevelMark.load(dataDir.resolve(LevelMark.FILE)).millis(),
                  FailoverService.partnerRecordsKept(
                      bus, config.current().orElseThrow().config().server().id()));
      heldAtSocketFailure = true;
      dhcp.execute(
          () -> {
            if (since >= 0) {
              engine.holdForPartnerClients(since);
            }
            engine.setPartnerMayServe(true);
            engine.setMode(ServingMode.BOTTOM_UP);
          });
    }
    try {
      restarts.schedule(
          () -> {
            if (runningConfig == null) {
              applySafely(currentFailover());
            }
          },
          5,
          TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      // stopping
    }
  }

  /**
   * No partner (standalone, or a primary not paired yet): bottom-up, every free address its own.
   */
  private static void serveAlone(DhcpEngine engine) {
    engine.setPartnerMayServe(false);
    engine.setMode(ServingMode.BOTTOM_UP);
  }

  private synchronized void apply(FailoverConfig next) throws IOException {
    if (next.equals(runningConfig) && running != null) {
      return;
    }
    FailoverService previous = running;
    if (previous != null) {
      previous.stop();
      running = null;
    }
    runningConfig = next;
    if (next.role() == FailoverRole.STANDALONE) {
      dhcp.replicateThrough(ReplicationGate.NONE);
      dhcp.execute(() -> serveAlone(engine));
      log.info("FAILOVER_STANDALONE serving alone, bottom-up");
      return;
    }
    String secret;
    if (next.role() == FailoverRole.SECONDARY) {
      secret = PairingSecret.loadOrCreate(dataDir);
      // The secret itself stays out of the log: journald and log collectors have other readers.
      log.info(
          "FAILOVER_PAIRING_SECRET fingerprint={} (read it with provisionctl failover"
              + " secret, then on the primary: provisionctl failover init --peer {} --secret-stdin)",
          PairingSecret.fingerprint(secret),
          next.listen());
    } else {
      Optional<String> stored = PairingSecret.load(dataDir);
      if (stored.isEmpty()) {
        log.error(
            "FAILOVER_NOT_PAIRED role=primary: no pairing secret in {}; serving alone until"
                + " provisionctl failover init",
            dataDir);
        dhcp.replicateThrough(ReplicationGate.NONE);
        dhcp.execute(() -> serveAlone(engine));
        return;
      }
      secret = stored.get();
      log.info("FAILOVER_PAIRED fingerprint={}", PairingSecret.fingerprint(secret));
    }
    ConfigVersion version = config.current().orElseThrow();
    FailoverService service =
        new FailoverService(
            next,
            version.config().server().id(),
            secret,
            bus,
            config,
            engine,
            store,
            dhcp::execute,
            alerts,
            stats,
            clock);
    try {
      service.keepCountersIn(dataDir.resolve("failover.counter"));
      service.keepSyncResumeIn(dataDir.resolve("failover.sync"));
      service.keepLevelMarkIn(dataDir.resolve(LevelMark.FILE));
      service.start();
    } catch (IOException | RuntimeException e) {
      service.stop();
      throw e;
    }
    dhcp.replicateThrough(service);
    running = service;
  }

  @Override
  public synchronized void stop() {
    restarts.shutdownNow();
    try {
      restarts.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    FailoverService s = running;
    if (s != null) {
      s.stop();
    }
    running = null;
    state = ServiceState.STOPPED;
  }

  /** The running failover service, if this server is paired. */
  public Optional<FailoverService> service() {
    return Optional.ofNullable(running);
  }

  @Override
  public FailoverStatus status() {
    FailoverService s = running;
    if (s != null) {
      return s.status();
    }
    FailoverConfig c = runningConfig != null ? runningConfig : currentFailover();
    return new FailoverStatus(
        c.role().label(),
        "STANDALONE",
        null,
        c.peer() == null ? null : c.peer().toString(),
        null,
        -1,
        0,
        0,
        0,
        0,
        stats.counter("failover.conflicts").get(),
        0,
        0);
  }

  @Override
  public Optional<String> secret() {
    if (currentFailover().role() != FailoverRole.SECONDARY) {
      return Optional.empty();
    }
    try {
      return PairingSecret.load(dataDir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the pairing secret: " + e.getMessage(), e);
    }
  }

  @Override
  public void init(String peer, String secret) throws Exception {
    Ipv4Address address = Ipv4Address.parse(Objects.requireNonNull(peer, "peer"));
    if (currentFailover().role() == FailoverRole.SECONDARY) {
      throw new IllegalStateException("this server is a secondary: run init on the primary");
    }
    PairingSecret.store(dataDir, secret);
    log.info("FAILOVER_INIT peer={} cause=operator", address);
    changeFailover("primary", address.toString(), "failover-init");
  }

  @Override
  public void leave(String cause) throws Exception {
    log.info("FAILOVER_LEAVE cause={}", cause);
    changeFailover("standalone", null, "failover-leave");
  }

  /** Role and peer changes are config changes, journaled (and replicated, minus identity). */
  private void changeFailover(String role, String peer, String source) throws Exception {
    ConfigVersion current = config.current().orElseThrow();
    ObjectMapper json = config.codec().jsonMapper();
    ObjectNode document = json.valueToTree(current.config());
    ObjectNode failover =
        document.get("failover") instanceof ObjectNode f ? f : document.putObject("failover");
    failover.put("role", role);
    if (peer == null) {
      failover.remove("peer");
    } else {
      failover.put("peer", peer);
    }
    config
        .applyDocument(json.writeValueAsString(document), source, current.number())
        .get(10, TimeUnit.SECONDS);
  }

  @Override
  public void takeover(String cause) {
    FailoverService s = running;
    if (s == null) {
      throw new IllegalStateException("this server is not in a failover pair");
    }
    log.info("FAILOVER_TAKEOVER cause={}", cause);
    s.takeover(cause);
  }

  @Override
  public void handback(String cause) {
    FailoverService s = running;
    if (s == null) {
      throw new IllegalStateException("this server is not in a failover pair");
    }
    log.info("FAILOVER_HANDBACK cause={}", cause);
    s.handback(cause);
  }
}
