package org.provisioning.common.alert;

/** Told of every alert raised or cleared: e-mail, SNMP traps and console pop-ups hang here. */
@FunctionalInterface
public interface AlertListener {
  void onAlert(Alert alert);
}
