package org.provisioning.tftp.docsis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigRule;
import org.provisioning.common.config.DocsisFileConfig;
import org.provisioning.common.config.DocsisModemConfig;
import org.provisioning.common.config.ProvisioningConfig;

/**
 * Every DOCSIS template must exist, parse, have a value for each variable it uses, and render with
 * the values configured for every class and modem: an error found here is one no modem meets.
 */
public final class DocsisTemplateRule implements ConfigRule {
  /** Filled in per modem; sample values stand in for them here. */
  private static final Map<String, String> PER_MODEM =
      Map.of("mac", "00:00:00:00:00:00", "ip", "0.0.0.0", "class", "", "hostname", "");

  private final Path home;

  public DocsisTemplateRule(Path home) {
    this.home = home;
  }

  @Override
  public List<ConfigError> check(ProvisioningConfig config) {
    List<ConfigError> errors = new ArrayList<>();
    if (!config.tftp().enabled()) {
      return errors;
    }
    List<DocsisFileConfig> files = config.tftp().docsis().files();
    for (int i = 0; i < files.size(); i++) {
      DocsisFileConfig file = files.get(i);
      boolean inline = file.templateText() != null && !file.templateText().isBlank();
      String at = "tftp.docsis.files[" + i + "]." + (inline ? "templateText" : "template");
      Path path = inline ? null : home.resolve(file.template()).normalize();
      String where = inline ? "the template" : path.toString();
      DocsisTemplate template;
      try {
        template =
            DocsisTemplate.parse(
                inline ? file.templateText() : Files.readString(path, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        errors.add(
            new ConfigError(
                at,
                path
                    + " does not exist; write the template there or fix the path (relative paths"
                    + " start at the installation directory)"));
        continue;
      } catch (IOException e) {
        errors.add(new ConfigError(at, path + " cannot be read: " + e.getMessage()));
        continue;
      } catch (DocsisTemplateException e) {
        errors.add(new ConfigError(at, where + " " + e.getMessage()));
        continue;
      }
      int before = errors.size();
      Map<String, String> values = new HashMap<>(PER_MODEM);
      values.putAll(file.variables());
      for (String variable : template.variables()) {
        if (!values.containsKey(variable)) {
          errors.add(
              new ConfigError(
                  at,
                  where
                      + " uses ${"
                      + variable
                      + "}, which has no value; add it to tftp.docsis.files["
                      + i
                      + "].variables"));
        }
      }
      if (errors.size() == before) {
        render(errors, at, where, template, values, "");
        file.classes()
            .forEach(
                (cls, vars) ->
                    render(
                        errors, at, where, template, overlay(values, vars), " for class " + cls));
        for (DocsisModemConfig modem : config.tftp().docsis().modems()) {
          render(
              errors,
              at,
              where,
              template,
              overlay(values, modem.variables()),
              " for modem " + modem.mac());
        }
      }
    }
    return errors;
  }

  private static Map<String, String> overlay(Map<String, String> base, Map<String, String> over) {
    Map<String, String> values = new HashMap<>(base);
    values.putAll(over);
    return values;
  }

  private static void render(
      List<ConfigError> errors,
      String at,
      String where,
      DocsisTemplate template,
      Map<String, String> values,
      String forWhom) {
    try {
      DocsisConfigEncoder.encode(template.render(values::get), null);
    } catch (DocsisTemplateException e) {
      errors.add(new ConfigError(at, where + forWhom + ": " + e.getMessage()));
    }
  }
}
