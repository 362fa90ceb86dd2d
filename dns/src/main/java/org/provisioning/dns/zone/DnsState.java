package org.provisioning.dns.zone;

import java.util.Objects;

/**
 * What the DNS service keeps across restarts besides its config: each zone's serial reservation,
 * and the RRsets RFC 2136 clients changed (null: clients' changes live in the zones only).
 */
public record DnsState(SerialFloors serials, ClientRRsets clientRRsets) {
  public DnsState {
    Objects.requireNonNull(serials, "serials");
  }

  /** Nothing kept past this process (tests). */
  public static DnsState inMemory() {
    return new DnsState(SerialFloors.inMemory(), null);
  }
}
