package org.provisioning.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;

/** The tree view's data: shared networks by relay, pools against their marks, alert badges. */
class ConsoleTreeTest {
  private static final AlertType CRITICAL =
      new AlertType("TEST_POOL_CRITICAL", AlertSeverity.CRITICAL, "dhcp", "full", "add addresses");

  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AlertCenter alerts = new AlertCenter("alpha", Clock.systemUTC(), 100);
  private ConfigService config;
  private Optional<FailoverStatus> failover = Optional.empty();

  @BeforeEach
  void seed() throws Exception {
    config = new ConfigService(new ConfigCodec(), Clock.systemUTC());
    config.attach(
        (type, payload) ->
            CompletableFuture.completedFuture(new BusRecord(1, 1, 0, type, payload)));
    config.seedFromFile(
        """
        server: {name: alpha}
        dhcp:
          enabled: true
          listen: 127.0.0.1
          classes: [{name: modems, match: {vendorClassPrefix: docsis}}]
          subnets:
            - subnet: 127.16.0.0/16
              relays: [127.0.0.2]
              pools: [{name: cm, range: 127.16.0.10-127.16.0.19, warningPercent: 50, criticalPercent: 80}]
            - subnet: 127.17.0.0/16
              relays: [127.0.0.2]
              pools: [{name: cpe, range: 127.17.0.10-127.17.0.109}]
            - subnet: 127.18.0.0/16
              pools: [{range: 127.18.0.10-127.18.0.19}]
        """);
    stats.declare(
        List.of(
            StatisticDefinition.gauge(
                "dhcp.pool.{pool}.size", "addresses", "Addresses in the pool."),
            StatisticDefinition.gauge("dhcp.pool.{pool}.used", "addresses", "Addresses in use.")));
    stats.gauge("dhcp.pool.cm.size", () -> 10);
    stats.gauge("dhcp.pool.cm.used", () -> 9);
    stats.gauge("dhcp.pool.cpe.size", () -> 100);
    stats.gauge("dhcp.pool.cpe.used", () -> 85);
    alerts.declare(List.of(CRITICAL));
  }

  private ObjectNode tree() {
    return new ConsoleTree(
            new ObjectMapper(),
            config,
            stats,
            alerts,
            () ->
                new ServerStatus(
                    "alpha",
                    "test",
                    Instant.now(),
                    Duration.ofSeconds(3),
                    Map.of("dhcp", ServiceState.RUNNING, "dns", ServiceState.DISABLED)),
            () -> failover)
        .tree();
  }

  private static JsonNode find(JsonNode node, String id) {
    if (node.path("id").asText().equals(id)) {
      return node;
    }
    for (JsonNode child : node.path("children")) {
      JsonNode found = find(child, id);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  @Test
  void subnetsBehindOneRelayFormASharedNetworkAndPoolsShowTheirUseAgainstTheirMarks() {
    ObjectNode tree = tree();
    JsonNode network = find(tree, "network:relay 127.0.0.2");
    assertEquals(2, network.path("children").size(), network.toPrettyString());
    JsonNode cm = find(tree, "dhcp.subnets[0].pools[0]");
    assertEquals("critical", cm.path("state").asText());
    assertEquals(90, cm.path("usedPercent").asInt());
    assertTrue(cm.path("facts").toString().contains("9 of 10 (90 %)"), cm.toString());
    assertEquals("warning", find(tree, "dhcp.subnets[1].pools[0]").path("state").asText());
    assertEquals("critical", find(tree, "dhcp.subnets[0]").path("state").asText());
    assertEquals("modems", find(tree, "dhcp.classes[0]").path("label").asText());
    assertTrue(find(tree, "network:local or relayed from within 127.18.0.0/16") != null);
    JsonNode dns = find(tree, "dns");
    assertEquals("off", dns.path("state").asText());
    assertEquals(0, dns.path("children").size(), "a disabled service shows no branches");
  }

  @Test
  void aBadgeCountsTheActiveAlertsOnANodeAndUnderIt() {
    alerts.raise(CRITICAL, "dhcp.subnets[0].pools[0]", "cm is full");
    alerts.raise(CRITICAL, "dhcp.subnets[1]", "cpe subnet trouble");
    alerts.raise(CRITICAL, "dhcp.subnets[10].pools[0]", "not a prefix of subnets[1]");
    ObjectNode tree = tree();
    assertEquals(3, tree.path("alerts").asInt(), "the pair counts every alert");
    assertEquals(1, find(tree, "dhcp.subnets[0].pools[0]").path("alerts").asInt());
    assertEquals(1, find(tree, "dhcp.subnets[0]").path("alerts").asInt());
    assertEquals(1, find(tree, "dhcp.subnets[1]").path("alerts").asInt());
    assertEquals(0, find(tree, "dhcp.subnets[1].pools[0]").path("alerts").asInt());
    assertEquals(3, find(tree, "dhcp").path("alerts").asInt());
    assertEquals(0, find(tree, "dhcp.classes").path("alerts").asInt());
  }

  @Test
  void aStandbyServerSaysSo() {
    failover =
        Optional.of(
            new FailoverStatus(
                "secondary",
                "NORMAL",
                Instant.now(),
                "127.0.0.1",
                "NORMAL",
                20,
                0,
                0,
                0,
                0,
                0,
                0,
                0));
    JsonNode server = find(tree(), "server");
    assertTrue(server.path("note").asText().startsWith("standby"), server.toString());
    failover =
        Optional.of(
            new FailoverStatus(
                "secondary",
                "PARTNER_DOWN",
                Instant.now(),
                "127.0.0.1",
                null,
                -1,
                0,
                0,
                0,
                0,
                0,
                0,
                0));
    assertTrue(find(tree(), "server").path("note").isMissingNode());
  }
}
