package org.provisioning.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The config's history from the command line, on the routes the console's History tab uses: {@code
 * provisionctl config history}, {@code config diff FROM [TO]} and {@code config rollback VERSION}.
 * A rollback applies that version's document again as a new version, through every check, and is
 * audited like any change.
 */
final class ConfigHistory {
  private ConfigHistory() {}

  @Command(name = "history", description = "List the config versions kept, newest first.")
  static final class History implements Callable<Integer> {
    @ParentCommand Provisionctl.Config config;

    @Override
    public Integer call() {
      JsonNode reply = config.ctl.call("GET", "/config/versions", null, Map.of());
      PrintWriter out = config.ctl.out();
      out.printf(
          Locale.ROOT,
          "%-8s  %-24s  %-10s  %-30s  %s%n",
          "VERSION",
          "CHANGED",
          "SOURCE",
          "AUTHOR",
          "SERVER");
      for (JsonNode v : reply.path("versions")) {
        String restores =
            v.path("restores").isNumber() ? " (restores " + v.path("restores").asLong() + ")" : "";
        out.printf(
            Locale.ROOT,
            "%-8s  %-24s  %-10s  %-30s  %s%s%n",
            v.path("version").asLong() + (v.path("current").asBoolean() ? "*" : ""),
            v.path("changedAt").asText(),
            v.path("source").asText(),
            v.path("author").asText("-"),
            v.path("server").asText("-"),
            restores);
      }
      out.println("* running; the last " + reply.path("limit").asInt() + " versions are kept");
      return 0;
    }
  }

  @Command(name = "diff", description = "Show what changed from one version to another.")
  static final class Diff implements Callable<Integer> {
    @ParentCommand Provisionctl.Config config;

    @Parameters(index = "0", description = "The older version.")
    long from;

    @Parameters(index = "1", arity = "0..1", description = "The newer version (the running one).")
    Long to;

    @Override
    public Integer call() {
      String query = "?from=" + from + (to == null ? "" : "&to=" + to);
      JsonNode reply = config.ctl.call("GET", "/config/diff" + query, null, Map.of());
      PrintWriter out = config.ctl.out();
      if (reply.path("unified").isEmpty()) {
        out.println("no difference");
      }
      reply.path("unified").forEach(line -> out.println(line.asText()));
      return 0;
    }
  }

  @Command(
      name = "rollback",
      description = "Apply an earlier version again, as a new version (checked and audited).")
  static final class Rollback implements Callable<Integer> {
    @ParentCommand Provisionctl.Config config;

    @Parameters(index = "0", description = "The version to return to (see config history).")
    long version;

    @Option(
        names = "--expect",
        description = "Refuse unless the running version is this one (a concurrent change).")
    Long expect;

    @Override
    public Integer call() {
      Map<String, String> headers =
          expect == null ? Map.of() : Map.of("If-Match", "\"" + expect + "\"");
      JsonNode reply =
          config.ctl.call("POST", "/config/rollback", "{\"version\": " + version + "}", headers);
      config
          .ctl
          .out()
          .println(
              "ok: version "
                  + reply.path("version").asLong()
                  + " restores version "
                  + version
                  + " and is running");
      return 0;
    }
  }
}
