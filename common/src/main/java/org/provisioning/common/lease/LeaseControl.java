package org.provisioning.common.lease;

import java.util.concurrent.CompletableFuture;
import org.provisioning.common.net.Ipv4Address;

/**
 * An operator's changes to leases ({@code POST /api/v1/leases/release}), made by the DHCP server as
 * if the client had asked, so the change is journaled, replicated to the failover partner and seen
 * by DNS like any other.
 */
@FunctionalInterface
public interface LeaseControl {

  /**
   * Releases the bound lease of this address. The future completes with the released lease once it
   * is durable (and replicated, in a failover pair); it fails with {@link LeaseNotBoundException}
   * when the address has no bound lease, or {@link IllegalStateException} when this server stands
   * by.
   */
  CompletableFuture<LeaseRecord> release(Ipv4Address address);

  /** The address has no lease, or its lease is not bound: there is nothing to release. */
  final class LeaseNotBoundException extends RuntimeException {
    public LeaseNotBoundException(String message) {
      super(message);
    }
  }
}
