package org.provisioning.dhcp.engine;

/** How the engine serves: what failover tells it, and what a standalone server always does. */
public enum ServingMode {
  /** Answer clients, lowest free address first: a standalone server or a failover primary. */
  BOTTOM_UP,
  /** Answer clients, highest free address first: a failover secondary whose primary is gone. */
  TOP_DOWN,
  /** Answer no client: a failover secondary while its primary serves. */
  STANDBY
}
