package org.provisioning.common.config;

import java.util.List;

/** The document is not YAML or JSON at all, so no rule could be checked. */
public final class ConfigSyntaxException extends ConfigException {

  public ConfigSyntaxException(ConfigError error) {
    super(List.of(error));
  }
}
