package org.provisioning.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code provisionctl audit}: who changed what, newest first, with each change's detail. */
@Command(name = "audit", description = "The audit log: who changed what, when, from where.")
final class AuditCommand implements Callable<Integer> {
  @ParentCommand Provisionctl ctl;

  @Option(names = "--limit", description = "At most this many entries (default 100).")
  Integer limit;

  @Option(names = "--actor", description = "Only this user's (or api-token's) changes.")
  String actor;

  @Option(names = "--since", description = "Only changes at or after this time (ISO-8601, UTC).")
  String since;

  @Override
  public Integer call() {
    StringBuilder query = new StringBuilder();
    append(query, "limit", limit == null ? null : limit.toString());
    append(query, "actor", actor);
    append(query, "since", since);
    JsonNode reply = ctl.call("GET", "/audit" + query, null, Map.of());
    var out = ctl.out();
    for (JsonNode entry : reply.path("entries")) {
      out.printf(
          Locale.ROOT,
          "%s %s %s (%s) from %s: %s -> %d%s%n",
          entry.path("at").asText(),
          entry.path("server").asText(),
          TerminalText.safe(entry.path("actor").asText()),
          entry.path("via").asText(),
          TerminalText.safe(entry.path("remote").asText()),
          TerminalText.safe(entry.path("action").asText()),
          entry.path("status").asInt(),
          entry.path("summary").asText().isEmpty()
              ? ""
              : ", " + TerminalText.safe(entry.path("summary").asText()));
      for (JsonNode line : entry.path("detail")) {
        if (!line.asText().equals(entry.path("summary").asText())) {
          out.println("    " + TerminalText.safe(line.asText()));
        }
      }
    }
    return 0;
  }

  private static void append(StringBuilder query, String name, String value) {
    if (value != null) {
      query
          .append(query.length() == 0 ? '?' : '&')
          .append(name)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
