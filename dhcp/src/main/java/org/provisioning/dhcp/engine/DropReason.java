package org.provisioning.dhcp.engine;

import java.util.Locale;

/**
 * Why a request got no answer; each is a counter {@code dhcp.dropped.<label>} and some raise an
 * alert. Closed set: the engine decides these.
 */
public enum DropReason {
  /** This server stands by (failover secondary while the primary serves). */
  STANDBY,
  /** Option 54 names another server: the client chose someone else (RFC 2131 §4.3.2). */
  NOT_FOR_US,
  /** No subnet is configured behind the relay or link the request came from. */
  NO_SUBNET,
  /** Every pool the client may use is full. */
  POOL_EXHAUSTED,
  /** No pool behind the client's relay serves its class (an unknown device, a CPE of no modem). */
  NO_POOL_FOR_CLASS,
  /** The client's reserved address is not on the network it asks from, or someone holds it. */
  RESERVATION_UNAVAILABLE,
  /** The client, or the modem a CPE sits behind, is blocked by a reservation. */
  BLOCKED,
  /** The modem already has as many CPE leases as the policy allows. */
  CPE_LIMIT,
  /** A CPE request without option 82 while the policy requires it. */
  NO_RELAY_INFO,
  /**
   * A REQUEST or DECLINE without the address it is about, or a request whose client identifier is
   * longer than a lease keeps (255 octets).
   */
  MALFORMED_REQUEST,
  /**
   * An INIT-REBOOT REQUEST, on the right network, from a client this server has no record of, for
   * an address it knows no other client to hold: RFC 2131 section 4.3.2 says to remain silent.
   */
  UNKNOWN_CLIENT,
  /** A RELEASE or DECLINE for an address this client does not hold. */
  NOT_CLIENTS_LEASE,
  /**
   * An INFORM whose ciaddr lies in no subnet served at its link: its reply, sent to ciaddr, would
   * go to a host this server does not serve.
   */
  FOREIGN_CLIENT_ADDRESS,
  /** A message type a server does not answer (OFFER, ACK, lease query...). */
  UNSUPPORTED_TYPE;

  private final String label = name().toLowerCase(Locale.ROOT);

  public String label() {
    return label;
  }
}
