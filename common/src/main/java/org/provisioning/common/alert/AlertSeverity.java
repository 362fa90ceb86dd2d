package org.provisioning.common.alert;

/** How urgently an operator must act; ordered from least to most urgent. */
public enum AlertSeverity {
  INFO,
  WARNING,
  CRITICAL
}
