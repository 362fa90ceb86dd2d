package org.provisioning.console.snmp;

import java.nio.charset.StandardCharsets;
import org.snmp4j.smi.OID;

/**
 * The object identifiers of PROVISIONING-SUITE-MIB ({@code mibs/PROVISIONING-SUITE-MIB.txt} of the
 * distribution) and of the standard objects the agent serves. The MIB file is the contract; the
 * interop tests load it into net-snmp and read every value back by name, so the two cannot drift.
 */
final class SuiteMib {
  private SuiteMib() {}

  /** {@code provisioningSuiteMIB}: enterprise 32473, reserved for documentation by RFC 5612. */
  static final OID ROOT = new OID("1.3.6.1.4.1.32473");

  static final OID ALERT_RAISED = oid(ROOT, 0, 1);
  static final OID ALERT_CLEARED = oid(ROOT, 0, 2);

  private static final OID ALERT = oid(ROOT, 1, 1);
  static final OID ALERT_ID = oid(ALERT, 1);
  static final OID ALERT_EVENT = oid(ALERT, 2);
  static final OID ALERT_SEVERITY = oid(ALERT, 3);
  static final OID ALERT_SERVER = oid(ALERT, 4);
  static final OID ALERT_SERVICE = oid(ALERT, 5);
  static final OID ALERT_OBJECT = oid(ALERT, 6);
  static final OID ALERT_MESSAGE = oid(ALERT, 7);

  static final OID STAT_COUNT = oid(ROOT, 1, 2, 1);
  private static final OID STAT_ENTRY = oid(ROOT, 1, 2, 2, 1);
  static final OID STAT_KIND = oid(STAT_ENTRY, 2);
  static final OID STAT_UNIT = oid(STAT_ENTRY, 3);
  static final OID STAT_HELP = oid(STAT_ENTRY, 4);
  static final OID STAT_COUNTER = oid(STAT_ENTRY, 5);
  static final OID STAT_GAUGE = oid(STAT_ENTRY, 6);
  static final OID STAT_VALUE = oid(STAT_ENTRY, 7);

  /** psStatName's SIZE: longer names have no row (an OID has at most 128 sub-identifiers). */
  static final int STAT_NAME_MAX = 112;

  private static final OID POOL_ENTRY = oid(ROOT, 1, 3, 1, 1);
  static final OID POOL_RANGE = oid(POOL_ENTRY, 2);
  static final OID POOL_SIZE = oid(POOL_ENTRY, 3);
  static final OID POOL_USED = oid(POOL_ENTRY, 4);
  static final OID POOL_FREE = oid(POOL_ENTRY, 5);
  static final OID POOL_UTILISATION = oid(POOL_ENTRY, 6);
  static final OID POOL_WARNING_MARK = oid(POOL_ENTRY, 7);
  static final OID POOL_CRITICAL_MARK = oid(POOL_ENTRY, 8);
  static final OID POOL_STATE = oid(POOL_ENTRY, 9);

  /** psPoolName's SIZE. */
  static final int POOL_NAME_MAX = 100;

  private static final OID FAILOVER = oid(ROOT, 1, 4);
  static final OID FAILOVER_ROLE = oid(FAILOVER, 1);
  static final OID FAILOVER_STATE = oid(FAILOVER, 2);
  static final OID FAILOVER_STATE_SECONDS = oid(FAILOVER, 3);
  static final OID FAILOVER_PARTNER_STATE = oid(FAILOVER, 4);
  static final OID FAILOVER_PARTNER_ADDRESS = oid(FAILOVER, 5);
  static final OID FAILOVER_HEARTBEAT_AGE = oid(FAILOVER, 6);
  static final OID FAILOVER_LAG_RECORDS = oid(FAILOVER, 7);
  static final OID FAILOVER_LAG_MILLIS = oid(FAILOVER, 8);
  static final OID FAILOVER_CONFLICTS = oid(FAILOVER, 9);
  static final OID FAILOVER_CLOCK_SKEW = oid(FAILOVER, 10);

  // PsStatisticKind, PsPoolLevel, PsPairRole, PsPairState, PsSeverity values.
  static final int KIND_COUNTER = 1;
  static final int KIND_GAUGE = 2;
  static final int KIND_HISTOGRAM = 3;
  static final int POOL_NORMAL = 1;
  static final int POOL_WARNING = 2;
  static final int POOL_CRITICAL = 3;
  static final int POOL_FULL = 4;

  // SNMPv2-MIB (RFC 3418): system and snmp groups, and the notification's first two varbinds.
  static final OID SYS_DESCR = new OID("1.3.6.1.2.1.1.1.0");
  static final OID SYS_OBJECT_ID = new OID("1.3.6.1.2.1.1.2.0");
  static final OID SYS_UP_TIME = new OID("1.3.6.1.2.1.1.3.0");
  static final OID SYS_NAME = new OID("1.3.6.1.2.1.1.5.0");
  static final OID SNMP_TRAP_OID = new OID("1.3.6.1.6.3.1.1.4.1.0");

  // SNMP-FRAMEWORK-MIB (RFC 3411) snmpEngine group.
  static final OID ENGINE_ID = new OID("1.3.6.1.6.3.10.2.1.1.0");
  static final OID ENGINE_BOOTS = new OID("1.3.6.1.6.3.10.2.1.2.0");
  static final OID ENGINE_TIME = new OID("1.3.6.1.6.3.10.2.1.3.0");
  static final OID ENGINE_MAX_MESSAGE_SIZE = new OID("1.3.6.1.6.3.10.2.1.4.0");

  /** A scalar's instance: the object's OID and .0. */
  static OID scalar(OID object) {
    return oid(object, 0);
  }

  /**
   * A row of a table indexed by {@code IMPLIED} text: the column, then one sub-identifier per octet
   * of the text (RFC 2578 §7.7), no length in front.
   */
  static OID implied(OID column, String text) {
    byte[] octets = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[column.size() + octets.length];
    System.arraycopy(column.getValue(), 0, ids, 0, column.size());
    for (int i = 0; i < octets.length; i++) {
      ids[column.size() + i] = octets[i] & 0xff;
    }
    return new OID(ids);
  }

  private static OID oid(OID prefix, int... ids) {
    OID result = new OID(prefix);
    for (int id : ids) {
      result.append(id);
    }
    return result;
  }
}
