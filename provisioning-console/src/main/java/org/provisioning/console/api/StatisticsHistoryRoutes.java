package org.provisioning.console.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsHistory;

/**
 * {@code GET /api/v1/stats/history?name=NAME[&name=NAME...]}: the recent history of up to {@value
 * #MAX_NAMES} statistics, as the {@link StatisticsHistory} sampled them: {@code intervalSeconds},
 * {@code window} (samples kept at most), and per statistic its {@code kind}, {@code unit}, {@code
 * help}, {@code times} (milliseconds since the epoch), {@code values} and, for counters and
 * histogram series, {@code rates} (per second, null where there is no sample before). Names the
 * history does not hold are listed in {@code missing}.
 */
public final class StatisticsHistoryRoutes {
  /** The most statistics one request may ask for: a page draws a few charts, not the registry. */
  public static final int MAX_NAMES = 20;

  private StatisticsHistoryRoutes() {}

  public static void register(ManagementApi api, StatisticsHistory history) {
    ObjectMapper json = api.json();
    api.route("GET", "/stats/history", r -> JsonRoutes.ok(json, body(json, history, names(r))));
  }

  private static Set<String> names(ApiRequest r) {
    List<String> given = r.query().getOrDefault("name", List.of());
    Set<String> names = new LinkedHashSet<>();
    for (String name : given) {
      for (String one : name.split(",")) {
        if (!one.isBlank()) {
          names.add(one.strip());
        }
      }
    }
    if (names.isEmpty()) {
      throw new ManagementApi.BadRequestException(
          "give the statistics to show as ?name=NAME (repeat it for more; GET /api/v1/stats lists"
              + " every name)");
    }
    if (names.size() > MAX_NAMES) {
      throw new ManagementApi.BadRequestException(
          names.size() + " statistics asked for; at most " + MAX_NAMES + " per request");
    }
    return names;
  }

  private static ObjectNode body(ObjectMapper json, StatisticsHistory history, Set<String> names) {
    ObjectNode body = json.createObjectNode();
    body.put("intervalSeconds", history.interval().toSeconds());
    body.put("window", history.window());
    ArrayNode series = body.putArray("series");
    ArrayNode missing = body.putArray("missing");
    for (String name : names) {
      history
          .series(name)
          .ifPresentOrElse(s -> series.add(seriesJson(json, s)), () -> missing.add(name));
    }
    return body;
  }

  static ObjectNode seriesJson(ObjectMapper json, StatisticsHistory.Series s) {
    ObjectNode node = json.createObjectNode();
    node.put("name", s.name());
    node.put("kind", s.kind().name().toLowerCase(Locale.ROOT));
    node.put("unit", s.unit());
    node.put("help", s.help());
    ArrayNode times = node.putArray("times");
    for (long t : s.times()) {
      times.add(t);
    }
    ArrayNode values = node.putArray("values");
    for (long v : s.values()) {
      values.add(v);
    }
    if (s.kind() != StatisticDefinition.Kind.GAUGE) {
      ArrayNode rates = node.putArray("rates");
      for (double rate : s.rates()) {
        addRate(rates, rate);
      }
    }
    return node;
  }

  /** A rate rounded to a thousandth (charts need no more), null when there is none. */
  public static void addRate(ArrayNode array, double rate) {
    if (Double.isNaN(rate) || Double.isInfinite(rate)) {
      array.addNull();
    } else {
      array.add(Math.round(rate * 1000) / 1000.0);
    }
  }
}
