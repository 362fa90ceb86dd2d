package org.provisioning.common.alert;

/**
 * Told of every alert raised, cleared, acknowledged or reminded of (not of repeats of an active
 * one, which only update its message and count). Called on the thread that raised it: a listener
 * that does I/O (e-mail, SNMP, a console's stream) must hand the alert to a queue of its own and
 * return.
 */
@FunctionalInterface
public interface AlertListener {

  /** What happened to the alert. */
  enum Change {
    RAISED,
    CLEARED,
    ACKNOWLEDGED,
    /** Still active after a long while: told again so that it is not forgotten. */
    REMINDED
  }

  void onAlert(Alert alert, Change change);
}
