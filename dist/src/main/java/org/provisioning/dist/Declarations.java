package org.provisioning.dist;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertType;
import org.provisioning.common.bus.BusAlerts;
import org.provisioning.common.bus.BusStatistics;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.alert.AlertChannel;
import org.provisioning.console.auth.ConsoleAlerts;
import org.provisioning.console.http.ConnectionGuard;
import org.provisioning.console.snmp.AgentCounters;
import org.provisioning.dhcp.engine.DhcpAlerts;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.failover.FailoverAlerts;
import org.provisioning.dhcp.failover.FailoverStatistics;
import org.provisioning.dns.ddns.DnsAlerts;
import org.provisioning.dns.engine.DnsStatistics;
import org.provisioning.tftp.docsis.DocsisAlerts;
import org.provisioning.tftp.engine.TftpStatistics;
import org.provisioning.tod.TodServer;

/**
 * Every statistic and every kind of alert the suite declares, gathered from all modules (only the
 * composition root sees them all). provisiond declares them all at start, so the API lists each one
 * even before the service that registers it runs, and docs/statistics.md and docs/alerts.md are
 * generated from the same lists. A module that declares new ones adds its list here.
 */
public final class Declarations {
  private Declarations() {}

  /** Every statistic definition, sorted by pattern. */
  public static List<StatisticDefinition> statistics() {
    StatisticsRegistry registry = new StatisticsRegistry(); // declares the process's own
    registry.declare(BusStatistics.DEFINITIONS);
    registry.declare(AlertCenter.STATISTICS);
    registry.declare(AlertChannel.STATISTICS);
    registry.declare(DhcpStatistics.DEFINITIONS);
    registry.declare(FailoverStatistics.DEFINITIONS);
    registry.declare(TftpStatistics.DEFINITIONS);
    registry.declare(DnsStatistics.DEFINITIONS);
    registry.declare(TodServer.STATISTICS);
    registry.declare(AgentCounters.STATISTICS);
    registry.declare(ConnectionGuard.STATISTICS);
    return registry.definitions();
  }

  /** Every kind of alert, sorted by event name. */
  public static List<AlertType> alertTypes() {
    List<AlertType> types = new ArrayList<>();
    types.addAll(BusAlerts.ALL);
    types.addAll(ServiceAlerts.ALL);
    types.addAll(DhcpAlerts.ALL);
    types.addAll(FailoverAlerts.ALL);
    types.addAll(DnsAlerts.ALL);
    types.addAll(DocsisAlerts.ALL);
    types.addAll(ConsoleAlerts.ALL);
    types.sort(Comparator.comparing(AlertType::event));
    return List.copyOf(types);
  }
}
