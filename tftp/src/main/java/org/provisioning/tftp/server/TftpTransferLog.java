package org.provisioning.tftp.server;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.provisioning.common.control.RecentWindow;
import org.provisioning.common.control.TftpTransferView;
import org.provisioning.tftp.engine.TransferFailure;

/**
 * The server's recent transfers for the console: every end of a transfer and every refusal, in a
 * window of the newest, and failures and refusals again in a window of their own. Recording is an
 * array store under a lock, cheap enough for the event loops of a reboot storm.
 */
public final class TftpTransferLog implements TftpTransferView {
  /** Each window's size: a few hundred kilobytes at most. */
  public static final int DEFAULT_CAPACITY = 500;

  private final Clock clock;
  private final RecentWindow<Transfer> transfers;
  private final RecentWindow<Transfer> failures;

  public TftpTransferLog(Clock clock) {
    this(clock, DEFAULT_CAPACITY);
  }

  public TftpTransferLog(Clock clock, int capacity) {
    this.clock = clock;
    this.transfers = new RecentWindow<>(capacity);
    this.failures = new RecentWindow<>(capacity);
  }

  /** A request answered with an ERROR before any data. */
  void refused(
      InetSocketAddress client,
      String file,
      boolean write,
      String reason,
      String message,
      long startedMillis) {
    add(
        new Transfer(
            clock.millis(),
            text(client),
            file,
            write,
            Outcome.REFUSED,
            reason,
            message,
            0,
            Math.max(0, clock.millis() - startedMillis)));
  }

  /** A transfer that ended; {@code failure} is null when it completed. */
  void ended(
      InetSocketAddress client,
      String file,
      boolean write,
      TransferFailure failure,
      long octets,
      long startedMillis) {
    long now = clock.millis();
    add(
        new Transfer(
            now,
            text(client),
            file,
            write,
            failure == null ? Outcome.COMPLETED : Outcome.FAILED,
            failure == null ? "" : failure.name().toLowerCase(Locale.ROOT),
            "",
            octets,
            Math.max(0, now - startedMillis)));
  }

  private void add(Transfer transfer) {
    transfers.add(transfer);
    if (transfer.outcome() != Outcome.COMPLETED) {
      failures.add(transfer);
    }
  }

  private static String text(InetSocketAddress client) {
    return client.getAddress().getHostAddress() + ":" + client.getPort();
  }

  @Override
  public List<Transfer> recentTransfers() {
    return transfers.newestFirst();
  }

  @Override
  public List<Transfer> recentFailures() {
    return failures.newestFirst();
  }
}
