package org.provisioning.tftp.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigRule;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.config.TftpConfig;

/**
 * The TFTP rules that need this machine's files: the served root and the writable area must be
 * directories, relative paths resolved against the installation directory.
 */
public final class TftpConfigRule implements ConfigRule {
  private final Path home;

  public TftpConfigRule(Path home) {
    this.home = home;
  }

  @Override
  public List<ConfigError> check(ProvisioningConfig config) {
    TftpConfig tftp = config.tftp();
    List<ConfigError> errors = new ArrayList<>();
    if (!tftp.enabled()) {
      return errors;
    }
    directory(errors, "tftp.root", tftp.rootDirectory(home), "files are served from");
    if (tftp.writeRoot() != null) {
      directory(errors, "tftp.writeRoot", tftp.writeDirectory(home), "uploads go to");
    }
    return errors;
  }

  private static void directory(List<ConfigError> errors, String path, Path dir, String what) {
    if (!Files.isDirectory(dir)) {
      errors.add(
          new ConfigError(
              path,
              dir
                  + (Files.exists(dir) ? " is not a directory" : " does not exist")
                  + "; create the directory "
                  + what
                  + " (relative paths start at the installation directory)"));
    }
  }
}
