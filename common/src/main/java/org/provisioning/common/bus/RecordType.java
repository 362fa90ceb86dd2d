package org.provisioning.common.bus;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The type of a bus record: an open code space (a journal written by a newer version may hold types
 * this one does not know, which must survive replay and replication), so a value class that keeps
 * unknown codes and prints as {@code NAME(code)}, like Netty's {@code DnsRecordType}.
 */
public final class RecordType {
  private static final Map<Short, RecordType> KNOWN = new ConcurrentHashMap<>();

  /** A whole validated config document, one version. */
  public static final RecordType CONFIG = define(1, "CONFIG");

  /** A DHCP lease's whole state after a change (allocated, renewed, released, expired...). */
  public static final RecordType LEASE = define(2, "LEASE");

  /** A request to DNS to add or remove the names of a lease. */
  public static final RecordType NAME_CHANGE = define(3, "NAME_CHANGE");

  /** An operator's acknowledgement of an alert. */
  public static final RecordType ALERT_ACK = define(4, "ALERT_ACK");

  /** A console user's whole state after a change (created, role or password changed, removed). */
  public static final RecordType USER = define(5, "USER");

  /** One entry of the audit log: who changed what through the management API, when, from where. */
  public static final RecordType AUDIT = define(6, "AUDIT");

  /** An RRset of a served DNS zone as an RFC 2136 client's update left it (empty: deleted). */
  public static final RecordType DNS_RRSET = define(7, "DNS_RRSET");

  /**
   * On the failover stream only, never journaled: a LEASE record of the sender's that carries a
   * lease exactly as the receiver's own snapshot gave it. The receiver keeps what it holds now,
   * which is as new or newer; applied as a lease, the copy undid a release and a new grant made
   * since, by the conflict rule's earlier grant.
   */
  public static final RecordType LEASE_ECHO = define(8, "LEASE_ECHO");

  private final short code;
  private final String name;

  private RecordType(short code, String name) {
    this.code = code;
    this.name = name;
  }

  private static RecordType define(int code, String name) {
    RecordType type = new RecordType((short) code, name);
    if (KNOWN.putIfAbsent(type.code, type) != null) {
      throw new IllegalStateException("record type code " + code + " defined twice");
    }
    return type;
  }

  /** The known type with that code, or a new value that prints as {@code UNKNOWN(code)}. */
  public static RecordType valueOf(short code) {
    RecordType known = KNOWN.get(code);
    return known != null ? known : new RecordType(code, "UNKNOWN");
  }

  public short code() {
    return code;
  }

  public String name() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordType other && other.code == code;
  }

  @Override
  public int hashCode() {
    return code;
  }

  @Override
  public String toString() {
    return name + "(" + code + ")";
  }
}
