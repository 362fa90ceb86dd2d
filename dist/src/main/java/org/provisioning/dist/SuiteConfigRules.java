package org.provisioning.dist;

import java.nio.file.Path;
import java.util.List;
import org.provisioning.common.config.ConfigRule;
import org.provisioning.common.config.ConfigRuleProvider;

/**
 * Hands the services' config rules to tools that find them through {@link java.util.ServiceLoader}
 * ({@code provisionctl setup}): the same rules as {@code provisiond --check-config}.
 */
public final class SuiteConfigRules implements ConfigRuleProvider {
  @Override
  public List<ConfigRule> rules(Path home) {
    return ProvisiondProcess.rules(home);
  }
}
