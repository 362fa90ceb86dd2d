package org.provisioning.dhcp.failover;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.time.Ticker;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.server.LeaseJournal;
import org.provisioning.dhcp.testing.RelayedDhcpClient;

/** The partner's records applied here, on a real journal. */
class PeerRecordApplierTest {
  @TempDir Path dir;

  /**
   * A page of the partner's snapshot counts in the resume point once it is applied: when its leases
   * could not be journaled it must fail, or a resumed session would never send them again. It used
   * to complete whatever the journal said.
   */
  @Test
  void aSnapshotPageWhoseLeasesCouldNotBeJournaledFails() throws Exception {
    Clock clock = Clock.systemUTC();
    StatisticsRegistry stats = new StatisticsRegistry();
    HangingDisk disk = new HangingDisk();
    ConfigService config = new ConfigService(new ConfigCodec(), clock);
    MemoryLeaseStore leases = new MemoryLeaseStore();
    String document = PairTest.document(2, "127.0.0.3", 6767, "secondary", null, 6800, 3600);
    try (StateBus bus =
        StateBus.open(
            dir,
            2,
            clock,
            stats,
            List.of(config, new LeaseJournal(leases)),
            StateBus.Options.defaults().withSync(disk))) {
      config.attach(bus);
      ProvisioningConfig running = config.seedFromFile(document).config();
      AlertCenter alerts = new AlertCenter(clock, 100);
      DhcpEngine engine =
          new DhcpEngine(
              running.dhcp(), 2, leases, clock, Ticker.system(), new DhcpStatistics(stats), alerts);
      PeerRecordApplier applier =
          new PeerRecordApplier(bus, config, engine, leases, Runnable::run, alerts, clock, stats);
      long now = clock.millis();
      LeaseRecord partners =
          new LeaseRecord(
              Ipv4Address.parse("127.16.0.10"),
              1,
              RelayedDhcpClient.mac(1),
              null,
              LeaseState.BOUND,
              now,
              now + 3_600_000,
              1,
              null,
              null,
              null,
              null);

      disk.fail();
      CompletableFuture<Void> page = applier.applySnapshotLeases(List.of(partners), -1);
      assertThrows(ExecutionException.class, () -> page.get(5, SECONDS));
    }
  }
}
