package org.provisioning.common.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config document was refused; carries every error found, not just the first. */
public class ConfigException extends Exception {
  private final transient List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(
        errors.size()
            + (errors.size() == 1 ? " error" : " errors")
            + " in config:\n"
            + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }
}
