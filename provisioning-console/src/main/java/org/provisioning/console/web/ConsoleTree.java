package org.provisioning.console.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.DhcpConfig;
import org.provisioning.common.config.PoolConfig;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.config.SubnetConfig;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.control.StatusSource;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.JsonRoutes;
import org.provisioning.console.api.ManagementApi;

/**
 * {@code GET /api/v1/console/tree}: the headend as the console's tree view shows it, built in one
 * pass at the server so a page needs one request: the pair, this server (role, failover state,
 * services), and under DHCP its shared networks (subnets behind one relay address), subnets, pools
 * (use against both high-water marks), classes and reservations; TFTP files, DNS zones, ToD. Every
 * node has an {@code id} (its config path, the same path alerts name as their object), a {@code
 * state} ({@code ok}, {@code warning}, {@code critical}, {@code off}), its key numbers as {@code
 * facts}, and {@code alerts}: the active alerts on it or under it.
 */
public final class ConsoleTree {
  private final ObjectMapper json;
  private final ConfigService config;
  private final StatisticsRegistry stats;
  private final AlertCenter alerts;
  private final StatusSource status;
  private final Supplier<Optional<FailoverStatus>> failover;

  public ConsoleTree(
      ObjectMapper json,
      ConfigService config,
      StatisticsRegistry stats,
      AlertCenter alerts,
      StatusSource status,
      Supplier<Optional<FailoverStatus>> failover) {
    this.json = json;
    this.config = config;
    this.stats = stats;
    this.alerts = alerts;
    this.status = status;
    this.failover = failover;
  }

  public void register(ManagementApi api) {
    api.route("GET", "/console/tree", r -> JsonRoutes.ok(json, tree()));
  }

  /** The whole tree, its root the pair. */
  public ObjectNode tree() {
    ProvisioningConfig running =
        config.current().orElseThrow(() -> new IllegalStateException("no config yet")).config();
    List<Alert> active = alerts.active();
    ServerStatus server = status.status();
    Optional<FailoverStatus> pair = failover.get();

    ObjectNode root = node("pair", "Headend pair", "pair");
    pair.ifPresent(
        f -> {
          if (f.partnerAddress() != null) {
            fact(root, "partner", f.partnerAddress());
            fact(root, "partner state", String.valueOf(f.partnerState()));
          } else {
            fact(root, "partner", "none (not paired)");
          }
        });
    ObjectNode self = child(root, "server", server.server() + " (this server)", "server");
    fact(self, "version", server.version());
    fact(self, "uptime", server.uptime().toSeconds() + " s");
    pair.ifPresent(
        f -> {
          fact(self, "role", f.role());
          fact(self, "failover state", f.state());
          fact(self, "lag", f.lagRecords() + " records");
          if (!f.serving()) {
            self.put("note", "standby: answers no client while its partner is active");
          }
        });
    server
        .services()
        .forEach(
            (name, state) -> {
              ObjectNode service = child(self, name, name, "service");
              boolean up = state.name().equals("RUNNING");
              service.put("state", up ? "ok" : "off");
              fact(service, "state", state.name().toLowerCase(Locale.ROOT));
              if (!up) {
                return;
              }
              switch (name) {
                case "dhcp" -> dhcp(service, running.dhcp());
                case "tftp" -> tftp(service, running);
                case "dns" -> dns(service, running);
                default -> {}
              }
            });
    countAlerts(root, active);
    return root;
  }

  private void dhcp(ObjectNode service, DhcpConfig dhcp) {
    service.put("id", "dhcp");
    fact(service, "leases bound", stats.value("dhcp.leases.bound").orElse(0L));
    // A shared network: the subnets behind one relay address (modems, CPE, phones behind a CMTS).
    Map<String, List<Integer>> byRelay = new LinkedHashMap<>();
    for (int i = 0; i < dhcp.subnets().size(); i++) {
      SubnetConfig subnet = dhcp.subnets().get(i);
      String key =
          subnet.relays().isEmpty()
              ? "local or relayed from within " + subnet.subnet()
              : "relay "
                  + String.join(", ", subnet.relays().stream().map(String::valueOf).toList());
      byRelay.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    ObjectNode networks = child(service, "dhcp.subnets", "Shared networks", "folder");
    byRelay.forEach(
        (relay, indexes) -> {
          ObjectNode network = child(networks, "network:" + relay, relay, "shared-network");
          for (int i : indexes) {
            subnet(network, i, dhcp.subnets().get(i));
          }
        });
    ObjectNode classes = child(service, "dhcp.classes", "Client classes", "folder");
    for (int i = 0; i < dhcp.classes().size(); i++) {
      var c = dhcp.classes().get(i);
      ObjectNode node = child(classes, "dhcp.classes[" + i + "]", c.name(), "class");
      if (c.role() != null) {
        fact(node, "role", c.role().name().toLowerCase(Locale.ROOT));
      }
    }
    ObjectNode reservations = child(service, "dhcp.reservations", "Reservations", "folder");
    fact(reservations, "count", dhcp.reservations().size());
    for (int i = 0; i < dhcp.reservations().size(); i++) {
      var r = dhcp.reservations().get(i);
      String who = r.mac() != null ? r.mac() : r.clientId() != null ? r.clientId() : r.remoteId();
      ObjectNode node =
          child(
              reservations,
              "dhcp.reservations[" + i + "]",
              who + (r.address() == null ? "" : " → " + r.address()),
              "reservation");
      if (Boolean.TRUE.equals(r.blocked())) {
        fact(node, "blocked", "yes");
      }
    }
  }

  private void subnet(ObjectNode parent, int index, SubnetConfig subnet) {
    ObjectNode node =
        child(parent, "dhcp.subnets[" + index + "]", String.valueOf(subnet.subnet()), "subnet");
    long size = 0;
    long used = 0;
    String worst = "ok";
    for (int p = 0; p < subnet.pools().size(); p++) {
      PoolUse use = PoolUse.of(stats, index, subnet, p);
      PoolConfig pool = subnet.pools().get(p);
      long percent = (long) use.percent();
      ObjectNode poolNode = child(node, use.id(), use.name(), "pool");
      poolNode.put("state", use.state());
      fact(poolNode, "range", use.range());
      fact(poolNode, "used", use.used() + " of " + use.size() + " (" + percent + " %)");
      fact(
          poolNode,
          "marks",
          "warning " + use.warningPercent() + " %, critical " + use.criticalPercent() + " %");
      if (!pool.classes().isEmpty()) {
        fact(poolNode, "classes", String.join(", ", pool.classes()));
      }
      poolNode.put("usedPercent", percent);
      size += use.size();
      used += use.used();
      worst = worse(worst, use.state());
    }
    node.put("state", worst);
    fact(node, "used", used + " of " + size);
  }

  private void tftp(ObjectNode service, ProvisioningConfig running) {
    service.put("id", "tftp");
    var docsis = running.tftp().docsis();
    if (docsis == null) {
      return;
    }
    ObjectNode files = child(service, "tftp.docsis.files", "DOCSIS templates", "folder");
    for (int i = 0; i < docsis.files().size(); i++) {
      var file = docsis.files().get(i);
      child(files, "tftp.docsis.files[" + i + "]", file.pattern(), "template");
    }
  }

  private void dns(ObjectNode service, ProvisioningConfig running) {
    service.put("id", "dns");
    ObjectNode zones = child(service, "dns.zones", "Zones", "folder");
    for (int i = 0; i < running.dns().zones().size(); i++) {
      var zone = running.dns().zones().get(i);
      child(zones, "dns.zones[" + i + "]", zone.name(), "zone");
    }
  }

  /**
   * Sets each node's {@code alerts}: the active alerts whose object is the node or lies under it;
   * the pair and the server count every active alert, whatever its object. Each alert is counted
   * once for every ancestor of its object path, so the cost is alerts times path depth, not alerts
   * times nodes (2,000 alerts over 3,000 nodes at a headend with 1,000 pools).
   */
  private static void countAlerts(ObjectNode root, List<Alert> active) {
    Map<String, Integer> byPath = new HashMap<>();
    for (Alert alert : active) {
      String object = alert.object() == null ? "" : alert.object();
      for (int i = 1; i <= object.length(); i++) {
        if (i == object.length() || object.charAt(i) == '.' || object.charAt(i) == '[') {
          byPath.merge(object.substring(0, i), 1, Integer::sum);
        }
      }
    }
    setCounts(root, byPath, active.size());
  }

  private static void setCounts(ObjectNode node, Map<String, Integer> byPath, int all) {
    String id = node.path("id").asText();
    boolean everything = id.equals("pair") || id.equals("server");
    node.put("alerts", everything ? all : byPath.getOrDefault(id, 0));
    for (var child : node.get("children")) {
      setCounts((ObjectNode) child, byPath, all);
    }
  }

  private static String worse(String a, String b) {
    List<String> order = List.of("ok", "warning", "critical");
    return order.indexOf(a) >= order.indexOf(b) ? a : b;
  }

  private ObjectNode node(String id, String label, String kind) {
    ObjectNode node = json.createObjectNode();
    node.put("id", id);
    node.put("label", label);
    node.put("kind", kind);
    node.put("state", "ok");
    node.putArray("facts");
    node.putArray("children");
    return node;
  }

  private ObjectNode child(ObjectNode parent, String id, String label, String kind) {
    ObjectNode child = node(id, label, kind);
    ((ArrayNode) parent.get("children")).add(child);
    return child;
  }

  private static void fact(ObjectNode node, String name, Object value) {
    ((ArrayNode) node.get("facts"))
        .addObject()
        .put("name", name)
        .put("value", String.valueOf(value));
  }
}
