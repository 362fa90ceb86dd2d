package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.console.metrics.PrometheusExposition;

/**
 * The packaged provisiond on its shipped config, scraped as Prometheus scrapes it: Prometheus's own
 * {@code promtool check metrics} (Debian package prometheus; .ci/run installs it, a missing one
 * fails) finds no problem, every statistic of {@code GET /api/v1/stats} is a sample, and the server
 * has at least 200 distinct statistics, each with a help text.
 */
class MetricsIT {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  @TempDir static Path dir;
  private static DefaultConfigServer server;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    server = DefaultConfigServer.start(dir);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private record Sample(String name, Map<String, String> labels) {}

  @Test
  void promtoolFindsNoProblemAndEveryStatisticIsASample() throws Exception {
    String promtool = HostTools.require("promtool", "prometheus");
    HttpResponse<String> scrape = server.get("/metrics", false); // loopback: no token needed
    assertEquals(200, scrape.statusCode(), scrape.body());
    assertTrue(
        scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        scrape.headers().toString());
    Path metrics = Files.writeString(dir.resolve("metrics.txt"), scrape.body());
    Process check =
        new ProcessBuilder(promtool, "check", "metrics")
            .redirectInput(metrics.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("promtool.txt").toFile())
            .start();
    assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool did not finish in 30 s");
    String findings = Files.readString(dir.resolve("promtool.txt")).strip();
    assertEquals(0, check.exitValue(), "promtool check metrics: " + findings);
    assertEquals("", findings, "promtool check metrics found problems");

    Set<Sample> samples = new HashSet<>();
    for (String line : scrape.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a sample line: " + line);
      Map<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher label = LABEL.matcher(m.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels));
    }

    JsonNode stats = json.readTree(server.get("/api/v1/stats/described").body());
    String serverName = json.readTree(server.get("/api/v1/status").body()).path("server").asText();
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (JsonNode s : stats.path("statistics")) {
      StatisticDefinition definition =
          new StatisticDefinition(
              s.path("family").asText(),
              StatisticDefinition.Kind.valueOf(s.path("kind").asText().toUpperCase(Locale.ROOT)),
              s.path("unit").asText(),
              s.path("help").asText());
      PrometheusExposition.Family family = PrometheusExposition.family(definition);
      Map<String, String> labels = new TreeMap<>();
      s.path("labels")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      labels.put("server", serverName);
      String name = s.path("name").asText();
      String series = name.substring(name.lastIndexOf('.') + 1);
      boolean present =
          switch (definition.kind()) {
            case COUNTER -> samples.contains(new Sample(family.name() + "_total", labels));
            case GAUGE -> samples.contains(new Sample(family.name(), labels));
            case HISTOGRAM -> {
              if (series.equals("count") || series.startsWith("sum")) {
                yield samples.contains(
                    new Sample(
                        family.name() + (series.equals("count") ? "_count" : "_sum"), labels));
              }
              double bound = Long.parseLong(series.substring(3)) / family.divisor();
              yield samples.stream()
                  .anyMatch(
                      sample ->
                          sample.name().equals(family.name() + "_bucket")
                              && bound == le(sample.labels().get("le"))
                              && withoutLe(sample.labels()).equals(labels));
            }
          };
      if (!present) {
        missing.add(name + " (as " + family.name() + labels + ")");
      }
      checked++;
    }
    assertTrue(checked >= 200, "only " + checked + " statistics");
    assertEquals(List.of(), missing, "statistics missing from /metrics");
  }

  private static double le(String text) {
    return text == null || text.equals("+Inf") ? Double.NaN : Double.parseDouble(text);
  }

  private static Map<String, String> withoutLe(Map<String, String> labels) {
    Map<String, String> copy = new HashMap<>(labels);
    copy.remove("le");
    return new TreeMap<>(copy);
  }

  @Test
  void hasAtLeast200DistinctStatisticsEachWithAHelpText() throws Exception {
    JsonNode described = json.readTree(server.get("/api/v1/stats/described").body());
    Set<String> names = new HashSet<>();
    List<String> withoutHelp = new ArrayList<>();
    for (JsonNode s : described.path("statistics")) {
      names.add(s.path("name").asText());
      if (s.path("help").asText().isBlank()) {
        withoutHelp.add(s.path("name").asText());
      }
    }
    Set<String> plain = new HashSet<>();
    json.readTree(server.get("/api/v1/stats").body()).fieldNames().forEachRemaining(plain::add);
    assertEquals(plain, names, "/stats and /stats/described list the same statistics");
    assertTrue(
        names.size() >= 200,
        "a default-config provisiond has " + names.size() + " statistics, fewer than 200");
    assertEquals(List.of(), withoutHelp, "statistics without a help text");

    // Everything the server declares is in docs/statistics.md, which lists Declarations.
    Set<String> documented = new HashSet<>();
    Declarations.statistics().forEach(d -> documented.add(d.pattern()));
    List<String> undocumented = new ArrayList<>();
    for (JsonNode d : described.path("definitions")) {
      if (!documented.contains(d.path("pattern").asText())) {
        undocumented.add(d.path("pattern").asText());
      }
    }
    assertEquals(
        List.of(),
        undocumented,
        "declared by the server but missing from Declarations (and so from docs/statistics.md)");
    Set<String> events = new HashSet<>();
    Declarations.alertTypes().forEach(t -> events.add(t.event()));
    for (JsonNode t : json.readTree(server.get("/api/v1/alerts/types").body()).path("types")) {
      assertTrue(
          events.contains(t.path("event").asText()),
          t.path("event").asText() + " is not in Declarations (nor in docs/alerts.md)");
    }
  }
}
