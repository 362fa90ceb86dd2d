package org.provisioning.dhcp.failover;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.alert.AlertAcknowledgements;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.time.Ticker;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.server.DhcpServer;
import org.provisioning.dhcp.server.LeaseJournal;

/**
 * One server of a pair in this JVM: its own bus, config, engine, DHCP socket and failover, and the
 * replicated state a console keeps (users and audit as {@link ConsoleLikeState}, alert
 * acknowledgements).
 */
final class FailoverNode implements AutoCloseable {
  final StatisticsRegistry stats = new StatisticsRegistry();
  final HangingDisk disk = new HangingDisk();
  final Clock clock;
  final ConfigService config;
  final MemoryLeaseStore leases = new MemoryLeaseStore();
  final AlertCenter alerts;
  final StateBus bus;
  final ConsoleLikeState console;
  final DhcpEngine engine;
  final DhcpServer dhcp;
  private final String secret;
  private final Path dataDir;
  FailoverService failover;

  FailoverNode(Path dataDir, String document, String secret) throws Exception {
    this(dataDir, document, secret, Clock.systemUTC());
  }

  /** A server whose clock may be set apart from its partner's. */
  FailoverNode(Path dataDir, String document, String secret, Clock clock) throws Exception {
    this(dataDir, document, secret, clock, node -> {});
  }

  /** A server on which {@code beforeFailover} runs once its bus is open, before failover starts. */
  FailoverNode(
      Path dataDir,
      String document,
      String secret,
      Clock clock,
      java.util.function.Consumer<FailoverNode> beforeFailover)
      throws Exception {
    this.secret = secret;
    this.dataDir = dataDir;
    this.clock = clock;
    this.config = new ConfigService(new ConfigCodec(), clock);
    this.alerts = new AlertCenter(clock, 100);
    LeaseJournal journal = new LeaseJournal(leases);
    ProvisioningConfig fromFile = config.codec().parse(document);
    console = new ConsoleLikeState(fromFile.server().id());
    bus =
        StateBus.open(
            dataDir.resolve("journal"),
            fromFile.server().id(),
            clock,
            stats,
            List.of(config, journal, console),
            StateBus.Options.defaults().withSync(disk));
    config.attach(bus);
    console.attach(bus);
    bus.addListener(console);
    AlertAcknowledgements acknowledgements = new AlertAcknowledgements(alerts, bus);
    bus.addListener(acknowledgements);
    bus.addReplicatedState(acknowledgements);
    ProvisioningConfig running = config.seedFromFile(document).config();
    engine =
        new DhcpEngine(
            running.dhcp(),
            running.server().id(),
            leases,
            clock,
            Ticker.system(),
            new DhcpStatistics(stats),
            alerts);
    dhcp = new DhcpServer(running.dhcp(), engine, bus, stats);
    journal.routeTo(lease -> dhcp.execute(() -> engine.apply(lease)));
    config.addListener(version -> dhcp.reconfigure(version.config().dhcp()));
    failover = newFailover();
    dhcp.replicateThrough(failover);
    dhcp.start();
    beforeFailover.accept(this);
    failover.start();
  }

  private FailoverService newFailover() {
    ProvisioningConfig running = config.current().orElseThrow().config();
    FailoverService service =
        new FailoverService(
            running.failover(),
            running.server().id(),
            secret,
            bus,
            config,
            engine,
            leases,
            dhcp::execute,
            alerts,
            stats,
            clock);
    service.keepSyncResumeIn(dataDir.resolve("failover.sync"));
    service.keepLevelMarkIn(dataDir.resolve("failover.level"));
    return service;
  }

  /** Cuts this server off its partner: its failover stops, its DHCP server goes on as it was. */
  void isolate() {
    failover.stop();
  }

  /** Ends an isolation: failover starts again on the same journal. */
  void reconnect() throws Exception {
    failover = newFailover();
    dhcp.replicateThrough(failover);
    failover.start();
  }

  /** A lease this server made itself: applied, then journaled as its own record. */
  void ownLease(LeaseRecord lease) throws Exception {
    CompletableFuture<Void> applied = new CompletableFuture<>();
    dhcp.execute(
        () -> {
          engine.apply(lease);
          applied.complete(null);
        });
    applied.get(5, TimeUnit.SECONDS);
    bus.publish(RecordType.LEASE, lease.encode()).get(5, TimeUnit.SECONDS);
  }

  /** Many leases this server made itself, applied in one go, journaled as its own records. */
  void ownLeases(List<LeaseRecord> many) throws Exception {
    CompletableFuture<Void> applied = new CompletableFuture<>();
    dhcp.execute(
        () -> {
          many.forEach(engine::apply);
          applied.complete(null);
        });
    applied.get(5, TimeUnit.SECONDS);
    CompletableFuture<?> last = CompletableFuture.completedFuture(null);
    for (LeaseRecord lease : many) {
      last = bus.publish(RecordType.LEASE, lease.encode());
    }
    last.get(30, TimeUnit.SECONDS);
  }

  InetSocketAddress dhcpAddress() {
    return dhcp.localAddress();
  }

  FailoverState state() {
    return failover.machine().state();
  }

  @Override
  public void close() {
    disk.recover();
    failover.stop();
    dhcp.stop();
    bus.close();
  }
}
