package org.provisioning.common.service;

/** Where a service is in its life; the console shows it per service. */
public enum ServiceState {
  /** Configured off. */
  DISABLED,
  NEW,
  STARTING,
  RUNNING,
  STOPPING,
  STOPPED,
  /** Failed to start or died; the reason is in the log and in {@link ProvisioningService}. */
  FAILED
}
