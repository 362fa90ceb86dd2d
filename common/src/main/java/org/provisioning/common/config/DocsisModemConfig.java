package org.provisioning.common.config;

import java.util.Map;

/**
 * Values for one modem, by MAC, that override its file's and class's variables.
 *
 * @param mac like {@code 00:11:22:33:44:55}
 */
public record DocsisModemConfig(String mac, Map<String, String> variables) {

  public DocsisModemConfig {
    variables = variables == null ? Map.of() : Map.copyOf(variables);
  }
}
