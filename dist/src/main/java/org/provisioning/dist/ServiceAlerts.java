package org.provisioning.dist;

import java.util.List;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;

/** The alert of a service that could not take a config change; the process raises it. */
final class ServiceAlerts {
  static final AlertType RECONFIGURE_FAILED =
      new AlertType(
          "SERVICE_RECONFIGURE_FAILED",
          AlertSeverity.CRITICAL,
          "provisiond",
          "A service could not take the running config version (its new port is taken, its"
              + " address is not on this host, a file is missing): it stands as the error left it,"
              + " possibly stopped, while the other services run the new version. Cleared when the"
              + " service takes a later version.",
          "Read the alert's message and the log line SERVICE_RECONFIGURE_FAILED, correct the"
              + " config (or free the port) and apply it again: the service retries the same"
              + " version too.");

  static final List<AlertType> ALL = List.of(RECONFIGURE_FAILED);

  private ServiceAlerts() {}
}
