package org.provisioning.common.lease;

import java.util.List;
import java.util.Optional;
import org.provisioning.common.net.Ipv4Address;

/**
 * The recent changes of leases, for the console's lease detail ({@code GET /api/v1/leases/detail}):
 * a bounded window of the newest lease records, those replayed from the journal at start-up and
 * every one made durable since (this server's and its failover partner's).
 */
public interface LeaseHistory {

  /**
   * The changes of this address and of the client that holds it (its other addresses too), newest
   * first, at most {@code limit}.
   */
  List<LeaseChange> changes(Ipv4Address address, int limit);

  /** When the oldest change still kept was recorded; empty while none is. */
  Optional<Long> keptSinceMillis();
}
