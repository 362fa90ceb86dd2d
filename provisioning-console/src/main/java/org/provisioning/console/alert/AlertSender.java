package org.provisioning.console.alert;

import java.util.List;
import org.provisioning.common.alert.AlertListener;

/**
 * Delivers alerts to one receiver (an SMTP server, SNMP managers, a syslog server). Called on its
 * channel's own thread only, so it may block; it throws when delivery failed and should be tried
 * again.
 */
public interface AlertSender {

  /** An alert and what happened to it, as the channel received it. */
  record Delivery(org.provisioning.common.alert.Alert alert, AlertListener.Change change) {}

  /**
   * Sends one batch: a single delivery normally, several when alerts came faster than the channel's
   * rate allows (a digest). Throws if the receiver did not take it.
   */
  void send(List<Delivery> batch) throws Exception;

  /**
   * What the receiver should hear before any alert (SNMP's coldStart), sent once on the channel's
   * thread, tried again like a batch; nothing by default.
   */
  default void opened() throws Exception {}
}
