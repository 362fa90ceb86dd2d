package org.provisioning.dhcp.server;

import java.util.concurrent.CompletableFuture;
import org.provisioning.common.bus.BusRecord;

/**
 * What a reply that commits a lease waits for after the lease record is durable: in a failover
 * pair, the partner having applied and journaled it too, so that a lease the client was told about
 * survives the loss of this server. Failover implements it; a standalone server answers at once.
 */
@FunctionalInterface
public interface ReplicationGate {

  /**
   * Answers at once: a standalone server has no partner to wait for. Every record gets the same
   * completed future; completing it again changes nothing.
   */
  ReplicationGate NONE =
      new ReplicationGate() {
        private final CompletableFuture<Void> atOnce = CompletableFuture.completedFuture(null);

        @Override
        public CompletableFuture<Void> replicated(BusRecord record) {
          return atOnce;
        }
      };

  /**
   * Completes once the record may be acknowledged to the client: replicated, or the bound on
   * waiting for the partner passed. It must always complete, never fail: an unreachable partner
   * never stops service.
   */
  CompletableFuture<Void> replicated(BusRecord record);
}
