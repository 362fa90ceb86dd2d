package org.provisioning.common.config;

/**
 * Where alerts go.
 *
 * @param historyLimit how many raised and cleared alerts the console keeps
 */
public record AlertsConfig(Integer historyLimit) {

  public AlertsConfig {
    historyLimit = historyLimit == null ? 1000 : historyLimit;
  }
}
