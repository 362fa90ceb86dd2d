package org.provisioning.common.control;

import java.util.List;

/**
 * The TFTP service's recent transfers as the console shows them ({@code GET
 * /api/v1/tftp/transfers}) without importing TFTP: a bounded window of the newest, and apart from
 * it one of the newest failures and refusals, so a reboot storm of successes does not push the
 * failures an operator looks for out of sight.
 */
public interface TftpTransferView {

  /** How a transfer ended. */
  enum Outcome {
    COMPLETED,
    FAILED,
    /** Answered with an ERROR before any data: not found, access, busy... */
    REFUSED
  }

  /**
   * One transfer.
   *
   * @param client the client's address and port
   * @param write an upload (WRQ) rather than a download (RRQ)
   * @param reason why it failed or was refused ({@code timeout}, {@code not_found}...); empty when
   *     it completed
   * @param message the error text sent to the client, if any
   * @param octets file octets sent or received
   * @param millis from the request to the end
   */
  record Transfer(
      long timeMillis,
      String client,
      String file,
      boolean write,
      Outcome outcome,
      String reason,
      String message,
      long octets,
      long millis) {}

  /** The newest transfers of every outcome, newest first. */
  List<Transfer> recentTransfers();

  /** The newest failed or refused transfers, newest first. */
  List<Transfer> recentFailures();
}
