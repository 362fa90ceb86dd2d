package org.provisioning.common.config;

/**
 * One thing wrong with a config document: where ({@code dhcp.subnets[1].pools[0].range}) and what,
 * phrased so that the operator knows how to fix it.
 */
public record ConfigError(String path, String message) {

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
