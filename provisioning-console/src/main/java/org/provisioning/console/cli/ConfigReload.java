package org.provisioning.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code provisionctl config reload}: the running server reads its config file again, checked as
 * {@code provisiond --check-config} checks it. The Debian package's unit runs it as {@code
 * ExecReload}, so {@code systemctl reload provisiond} fails, printing every error, when the file is
 * invalid, and the running config stays.
 */
@Command(
    name = "reload",
    description = "Make the running server read its config file again (validated first).")
final class ConfigReload implements Callable<Integer> {
  @ParentCommand Provisionctl.Config config;

  @Override
  public Integer call() {
    JsonNode reply = config.ctl.call("POST", "/config/reload", null, Map.of());
    config
        .ctl
        .out()
        .println(
            "ok: version "
                + reply.path("version").asLong()
                + " is running (from "
                + reply.path("source").asText()
                + ", "
                + reply.path("changedAt").asText()
                + ")");
    return 0;
  }
}
