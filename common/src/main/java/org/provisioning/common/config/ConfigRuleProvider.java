package org.provisioning.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The {@link ConfigRule}s of the services installed beside a tool, found with {@link
 * ServiceLoader}: the composition root provides them, so a tool that may not import the services
 * ({@code provisionctl setup}) checks a config exactly as {@code provisiond --check-config} does.
 */
public interface ConfigRuleProvider {
  /** The rules, for an installation whose relative paths resolve against {@code home}. */
  List<ConfigRule> rules(Path home);

  /**
   * A codec with every installed provider's rules; with no provider on the class path, the
   * document's own rules only.
   */
  static ConfigCodec installedCodec(Path home) {
    List<ConfigRule> rules = new ArrayList<>();
    for (ConfigRuleProvider provider : ServiceLoader.load(ConfigRuleProvider.class)) {
      rules.addAll(provider.rules(home));
    }
    return new ConfigCodec(rules);
  }
}
