package org.provisioning.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.provisioning.common.backup.BackupException;
import org.provisioning.common.backup.BackupHeader;
import org.provisioning.common.backup.BackupReader;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.io.DurableFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code provisionctl backup FILE}: the running server takes a consistent copy of its state (a
 * snapshot of the state bus with the journal since the previous one: config versions, leases, alert
 * acknowledgements; its config file; its pairing secret) while it goes on serving; the file is
 * checked whole before it takes FILE's name, and is readable by its owner only (it holds the
 * config's secrets).
 */
@Command(
    name = "backup",
    description = "Save a consistent copy of the running server's config, leases and history.")
final class Backup implements Callable<Integer> {
  @ParentCommand Provisionctl ctl;

  @Parameters(paramLabel = "FILE", description = "Where to write the backup.")
  Path file;

  @Override
  public Integer call() throws Exception {
    ProvisioningConfig config = ctl.serverConfig();
    String base = ctl.baseUrl(config);
    Path target = file.toAbsolutePath();
    Path temporary = target.resolveSibling(target.getFileName() + ".part");
    Files.deleteIfExists(temporary);
    Files.createFile(
        temporary,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      HttpResponse<Path> response;
      try {
        response =
            ctl.http(config, base) // HTTPS with the server's pinned certificate where it serves it
                .send(
                    ctl.authorised(config, URI.create(base + "/api/v1/backup"))
                        .timeout(Duration.ofMinutes(30))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofFile(
                        temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
      } catch (ConnectException e) {
        throw new Provisionctl.CliFailure(
            Provisionctl.UNREACHABLE,
            "cannot reach provisiond at " + base + " (connection refused); is it running?");
      }
      if (response.statusCode() != 200) {
        JsonNode error = new ObjectMapper().readTree(Files.readString(temporary));
        throw new Provisionctl.CliFailure(
            Provisionctl.UNREACHABLE,
            "the server refused the backup: " + error.path("error").asText());
      }
      BackupReader.Contents contents;
      try (InputStream in = Files.newInputStream(temporary)) {
        contents = BackupReader.verify(in);
      } catch (BackupException e) {
        throw new Provisionctl.CliFailure(
            Provisionctl.UNREACHABLE,
            "the backup the server sent does not read back: " + e.getMessage());
      }
      DurableFiles.moveInto(temporary, target); // content and name durable before "wrote"
      BackupHeader header = contents.header();
      ctl.out()
          .printf(
              Locale.ROOT,
              "wrote %s: %d bytes, backup format %d of server '%s' taken %s by provisiond %s:"
                  + " config version %d, %d bound leases, %d files%n",
              target,
              Files.size(target),
              header.format(),
              header.server(),
              header.takenAt(),
              header.provisiondVersion(),
              header.configVersion(),
              header.boundLeases(),
              contents.names().size());
      return 0;
    } finally {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException e) {
        // left for the operator to remove
      }
    }
  }
}
