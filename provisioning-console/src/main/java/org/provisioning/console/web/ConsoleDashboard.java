package org.provisioning.console.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.config.SubnetConfig;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.stats.StatisticsHistory;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiResponse;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.StatisticsHistoryRoutes;

/**
 * {@code GET /api/v1/console/dashboard}: what the dashboard shows, built in one pass at the server
 * so the page needs one request per refresh:
 *
 * <ul>
 *   <li>{@code pools}: every DHCP pool, fullest first, with its size, addresses in use, percent,
 *       the most in use at once ({@code peakUsed}), its two high-water marks and its {@code state}
 *       against them ({@code ok}, {@code warning}, {@code critical}); {@code poolSummary} counts
 *       them;
 *   <li>{@code rates}: the last hour of DHCP exchanges (ACK and NAK sent), TFTP transfers (ended
 *       well, failed) and DNS queries (all types), per second at each sample of the {@link
 *       StatisticsHistory}, on one time axis ({@code times}, seconds since the epoch, as charts
 *       take them);
 *   <li>{@code failover}: role, state, partner, lag and the age of the partner's last heartbeat;
 *       null on a server without DHCP.
 * </ul>
 */
public final class ConsoleDashboard {
  /** One line of a chart: which counters it sums. */
  private record Line(String label, Predicate<String> counters) {}

  /** One chart: its id, its title and its lines. */
  private record Chart(String id, String title, String unit, List<Line> lines) {}

  private static final List<Chart> CHARTS =
      List.of(
          new Chart(
              "dhcp",
              "DHCP exchanges/s",
              "exchanges",
              List.of(
                  new Line("exchanges (ACK)", name -> name.equals("dhcp.sent.ack")),
                  new Line("refused (NAK)", name -> name.equals("dhcp.sent.nak")))),
          new Chart(
              "tftp",
              "TFTP transfers/s",
              "transfers",
              List.of(
                  new Line("completed", name -> name.equals("tftp.transfers.completed")),
                  new Line("failed", name -> name.startsWith("tftp.transfers.failed.")))),
          new Chart(
              "dns",
              "DNS queries/s",
              "queries",
              List.of(new Line("queries", name -> name.startsWith("dns.query.")))));

  private final ObjectMapper json;
  private final ConfigService config;
  private final StatisticsRegistry stats;
  private final StatisticsHistory history;
  private final Supplier<Optional<FailoverStatus>> failover;
  private final Clock clock;
  private final ObjectWriter compact;

  public ConsoleDashboard(
      ObjectMapper json,
      ConfigService config,
      StatisticsRegistry stats,
      StatisticsHistory history,
      Supplier<Optional<FailoverStatus>> failover,
      Clock clock) {
    this.json = json;
    this.config = config;
    this.stats = stats;
    this.history = history;
    this.failover = failover;
    this.clock = clock;
    this.compact = json.writer().without(SerializationFeature.INDENT_OUTPUT);
  }

  public void register(ManagementApi api) {
    api.route(
        "GET",
        "/console/dashboard",
        r -> CompletableFuture.completedFuture(new ApiResponse(200, render())));
  }

  /**
   * The dashboard as the route sends it, compact JSON: a thousand pools pretty-printed as the rest
   * of the API is would be half spaces, on every refresh of every open dashboard.
   */
  public byte[] render() throws JsonProcessingException {
    return compact.writeValueAsBytes(dashboard());
  }

  /** The whole dashboard now. */
  public ObjectNode dashboard() {
    ProvisioningConfig running =
        config.current().orElseThrow(() -> new IllegalStateException("no config yet")).config();
    ObjectNode body = json.createObjectNode();
    body.put("server", running.server().name());
    body.put("generatedAt", clock.instant().toString());
    pools(body, running);
    rates(body.putObject("rates"));
    Optional<FailoverStatus> pair = running.dhcp().enabled() ? failover.get() : Optional.empty();
    if (pair.isPresent()) {
      failover(body.putObject("failover"), pair.get());
    } else {
      body.putNull("failover");
    }
    return body;
  }

  private void pools(ObjectNode body, ProvisioningConfig running) {
    List<PoolUse> pools = new ArrayList<>();
    if (running.dhcp().enabled()) {
      List<SubnetConfig> subnets = running.dhcp().subnets();
      for (int s = 0; s < subnets.size(); s++) {
        SubnetConfig subnet = subnets.get(s);
        for (int p = 0; p < subnet.pools().size(); p++) {
          pools.add(PoolUse.of(stats, s, subnet, p));
        }
      }
    }
    pools.sort(
        Comparator.comparingDouble(PoolUse::percent)
            .reversed()
            .thenComparing(Comparator.comparingLong(PoolUse::used).reversed())
            .thenComparing(PoolUse::name));
    long addresses = 0;
    long inUse = 0;
    int warning = 0;
    int critical = 0;
    ArrayNode array = body.putArray("pools");
    for (PoolUse pool : pools) {
      ObjectNode node = array.addObject();
      node.put("id", pool.id());
      node.put("name", pool.name());
      node.put("subnet", pool.subnet());
      node.put("range", pool.range());
      node.put("size", pool.size());
      node.put("used", pool.used());
      node.put("percent", Math.round(pool.percent() * 10) / 10.0);
      node.put("peakUsed", pool.peakUsed());
      node.put(
          "peakPercent",
          pool.size() == 0 ? 0 : Math.round(pool.peakUsed() * 1000.0 / pool.size()) / 10.0);
      node.put("warningPercent", pool.warningPercent());
      node.put("criticalPercent", pool.criticalPercent());
      String state = pool.state();
      node.put("state", state);
      addresses += pool.size();
      inUse += pool.used();
      warning += state.equals("warning") ? 1 : 0;
      critical += state.equals("critical") ? 1 : 0;
    }
    body.putObject("poolSummary")
        .put("pools", pools.size())
        .put("warning", warning)
        .put("critical", critical)
        .put("addresses", addresses)
        .put("used", inUse);
  }

  private void rates(ObjectNode rates) {
    rates.put("intervalSeconds", history.interval().toSeconds());
    rates.put("windowSeconds", history.interval().toSeconds() * history.window());
    List<Predicate<String>> sums =
        CHARTS.stream().flatMap(c -> c.lines().stream()).map(Line::counters).toList();
    List<StatisticsHistory.Rates> all = history.rates(sums);
    ArrayNode times = rates.putArray("times");
    for (long t : all.get(0).times()) {
      times.add(t / 1000);
    }
    ArrayNode charts = rates.putArray("charts");
    int k = 0;
    for (Chart chart : CHARTS) {
      ObjectNode node = charts.addObject();
      node.put("id", chart.id());
      node.put("title", chart.title());
      node.put("unit", chart.unit());
      ArrayNode lines = node.putArray("series");
      for (Line line : chart.lines()) {
        ObjectNode series = lines.addObject();
        series.put("label", line.label());
        ArrayNode values = series.putArray("values");
        for (double rate : all.get(k++).perSecond()) {
          StatisticsHistoryRoutes.addRate(values, rate);
        }
      }
    }
  }

  private static void failover(ObjectNode node, FailoverStatus f) {
    node.put("role", f.role());
    node.put("state", f.state());
    node.put("serving", f.serving());
    node.put("since", f.since() == null ? null : f.since().toString());
    node.put("partnerAddress", f.partnerAddress());
    node.put("partnerState", f.partnerState());
    node.put("lastHeartbeatAgeMillis", f.lastHeartbeatAgeMillis());
    node.put("lagRecords", f.lagRecords());
    node.put("lagMillis", f.lagMillis());
    node.put("recordsPending", f.recordsPending());
    node.put("clockSkewMillis", f.clockSkewMillis());
    node.put("conflicts", f.conflicts());
  }
}
