package org.provisioning.common.bus;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/** The alert the state bus gives cause for; the process that owns the bus raises it. */
public final class BusAlerts {
  public static final AlertType JOURNAL_FAILED =
      new AlertType(
          "BUS_JOURNAL_FAILED",
          AlertSeverity.CRITICAL,
          "bus",
          "The journal could not write or fsync a batch of records (disk full, I/O error): no"
              + " lease, config or user change can be made durable any more, so provisiond stops"
              + " (exit status 3). Its failover partner then serves alone; systemd starts it again.",
          "Free or repair the disk of the data directory (df, dmesg), then let provisiond start:"
              + " the journal is recovered up to the last record made durable, and a pair syncs.");

  public static final List<AlertType> ALL = List.of(JOURNAL_FAILED);

  private BusAlerts() {}
}
