package org.provisioning.common.control;

import java.util.List;

/**
 * The DNS service's recent dynamic updates as the console shows them ({@code GET
 * /api/v1/dns/updates}) without importing DNS: RFC 2136 updates received, and those DDNS made for
 * leases (applied to a zone served here or sent to an external primary). A bounded window of the
 * newest, and one of the newest failures apart from it.
 */
public interface DnsUpdateView {

  /**
   * One update.
   *
   * @param source who asked: {@code ddns} for a lease's names, else the sender of an RFC 2136
   *     update (its address when known)
   * @param zone the zone updated
   * @param key the TSIG key it was signed with; empty if none
   * @param changes what it asked, one line per prerequisite or change
   * @param rcode the outcome as an RCODE mnemonic ({@code NOERROR}, {@code REFUSED}...)
   * @param ok whether it was applied (or accepted by the external primary)
   * @param note more about it: the lease it was for, an attempt that will be retried
   */
  record Update(
      long timeMillis,
      String source,
      String zone,
      String key,
      List<String> changes,
      String rcode,
      boolean ok,
      String note) {}

  /** The newest updates, applied or not, newest first. */
  List<Update> recentUpdates();

  /** The newest updates that were refused or failed, newest first. */
  List<Update> recentFailures();
}
