package org.provisioning.tftp.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigRule;
import org.provisioning.common.config.DocsisFileConfig;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.config.TftpConfig;

/**
 * The TFTP rules that need this machine's files: the served root and the writable area must be
 * directories, relative paths resolved against the installation directory, and neither may hold the
 * other, nor the uploads a DOCSIS template: whoever reaches the TFTP port could otherwise replace a
 * served file or a template (then signed with a valid MIC for every modem), or have an upload
 * served to every client; nor may either hold the data directory or lie in its journal or TLS
 * directory. Compared as real paths, so {@code ./tftp}, an absolute spelling or a symbolic link are
 * caught too.
 */
public final class TftpConfigRule implements ConfigRule {
  /** The directories provisiond keeps in its data directory: the journal and the TLS material. */
  private static final List<String> SERVER_DIRECTORIES = List.of("journal", "tls");

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
    Path data = real(config.server().dataDirectory(home));
    directory(errors, "tftp.root", tftp.rootDirectory(home), "files are served from");
    apartFromData(errors, "tftp.root", real(tftp.rootDirectory(home)), data);
    if (tftp.writeRoot() != null) {
      directory(errors, "tftp.writeRoot", tftp.writeDirectory(home), "uploads go to");
      apartFromData(errors, "tftp.writeRoot", real(tftp.writeDirectory(home)), data);
      apart(errors, tftp);
    }
    return errors;
  }

  /**
   * The data directory holds the API token, the console's users, the failover secret, the journal
   * and the TLS key: served, any client could read them; as the upload area, overwrite them. A
   * directory of its own inside it is fine (the Debian package serves {@code
   * /var/lib/provisiond/tftp}), but not the directories provisiond writes there.
   */
  private static void apartFromData(List<ConfigError> errors, String path, Path dir, Path data) {
    String problem = null;
    if (data.startsWith(dir)) {
      problem = " holds the data directory " + data + " (the API token, the console's users)";
    }
    for (String own : SERVER_DIRECTORIES) {
      if (dir.startsWith(data.resolve(own))) {
        problem = " lies in " + data.resolve(own) + ", which provisiond writes";
      }
    }
    if (problem != null) {
      errors.add(
          new ConfigError(
              path, dir + problem + ": give TFTP a directory of its own apart from it"));
    }
  }

  private void apart(List<ConfigError> errors, TftpConfig tftp) {
    Path uploads = real(tftp.writeDirectory(home));
    Path served = real(tftp.rootDirectory(home));
    if (served.startsWith(uploads)) {
      errors.add(
          new ConfigError(
              "tftp.writeRoot",
              uploads
                  + " holds the served root "
                  + served
                  + "; a client could replace a served file: give uploads a directory of their"
                  + " own outside it"));
    } else if (uploads.startsWith(served)) {
      errors.add(
          new ConfigError(
              "tftp.writeRoot",
              uploads
                  + " lies in the served root "
                  + served
                  + ", so every upload would be served to any client: give uploads a directory"
                  + " outside it"));
    }
    List<DocsisFileConfig> files = tftp.docsis().files();
    for (int i = 0; i < files.size(); i++) {
      String template = files.get(i).template();
      if (template != null && real(home.resolve(template)).startsWith(uploads)) {
        errors.add(
            new ConfigError(
                "tftp.writeRoot",
                uploads
                    + " holds the template of tftp.docsis.files["
                    + i
                    + "] ("
                    + template
                    + "); a client could rewrite the config files modems get: keep templates"
                    + " out of the uploads"));
      }
    }
  }

  /** The path with links resolved where it exists, else as written (made absolute). */
  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
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
