package org.provisioning.common.control;

import java.util.Optional;

/** The console's handle on failover: status, pairing and the operator's manual actions. */
public interface FailoverControl {

  FailoverStatus status();

  /** The pairing secret, shown on the secondary only; empty elsewhere. */
  Optional<String> secret();

  /**
   * Pairs this server as primary with the secondary at {@code peer}: stores the secret and makes
   * role and peer a config change.
   *
   * @throws IllegalArgumentException if the address or secret is unusable
   * @throws IllegalStateException if this server is a secondary
   */
  void init(String peer, String secret) throws Exception;

  /** Serve now whatever the partner says, until {@link #handback}. */
  void takeover(String cause);

  /** End a takeover: return to normal through a sync. */
  void handback(String cause);

  /** Leave the pair: this server becomes standalone (a config change). */
  void leave(String cause) throws Exception;
}
