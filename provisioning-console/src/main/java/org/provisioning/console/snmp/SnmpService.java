package org.provisioning.console.snmp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertListener;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.config.SnmpConfig;
import org.provisioning.common.config.SnmpTrapReceiverConfig;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.alert.AlertChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SNMP as the config's {@code alerts.snmp} says: one {@link AlertChannel} per trap receiver (its
 * own queue, thread, retries and counters {@code alerts.channel.snmp-ADDRESS-PORT.*}) told of every
 * alert raised and cleared, and the agent when it is enabled. A change of {@code alerts.snmp} (or
 * of the server's name, which names the engine) rebuilds both with the engine's boot count one
 * higher, as RFC 3414 §2.2.2 asks when the engine's clock starts again.
 *
 * <p>The channels exist from construction, so alerts raised while the other services are built (a
 * pool restored above its mark) are sent too; the agent binds its socket at {@link #start}.
 */
public final class SnmpService implements ProvisioningService {
  private static final Logger log = LoggerFactory.getLogger(SnmpService.class);

  /** Alerts a receiver's queue holds while its manager is slow or away. */
  private static final int QUEUE_CAPACITY = 1000;

  /** Notifications are small: past this rate a receiver's queue is sent in bursts. */
  private static final int MAX_PER_MINUTE = 600;

  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private final Path bootsFile;
  private final AlertCenter alerts;
  private final MibSources sources;
  private final StatisticsRegistry stats;
  private final List<Receiver> receivers = new ArrayList<>();
  private SnmpConfig config;
  private String serverName;
  private SnmpEngine engine;
  private SnmpAgent agent;
  private volatile ServiceState state = ServiceState.NEW;

  private record Receiver(
      String name, SnmpTrapSender sender, AlertChannel channel, AlertListener listener) {}

  /**
   * @param bootsFile where the engine's boot count is kept (in the data directory)
   */
  public SnmpService(
      SnmpConfig config,
      String serverName,
      Path bootsFile,
      AlertCenter alerts,
      MibSources sources,
      StatisticsRegistry stats)
      throws IOException {
    this.bootsFile = bootsFile;
    this.alerts = alerts;
    this.sources = sources;
    this.stats = stats;
    this.config = config;
    this.serverName = serverName;
    openReceivers(true);
  }

  @Override
  public String name() {
    return "snmp";
  }

  @Override
  public synchronized void start() throws IOException {
    state = ServiceState.STARTING;
    try {
      openAgent();
    } catch (IOException | RuntimeException e) {
      state = ServiceState.FAILED;
      throw e;
    }
    state = configuredState();
  }

  /** Running while it has receivers or an agent, disabled when alerts.snmp asks for neither. */
  private ServiceState configuredState() {
    return config.traps().isEmpty() && !config.agent().enabled()
        ? ServiceState.DISABLED
        : ServiceState.RUNNING;
  }

  /**
   * Applies a new config: rebuilds everything if {@code alerts.snmp} or the server name changed, or
   * if the last config failed to apply (the same one is tried again: its port may be free now).
   *
   * @throws IOException if the agent cannot bind: the service is then FAILED, which the caller
   *     alerts; it used to be logged alone, with the agent gone and the status still running
   */
  public synchronized void apply(SnmpConfig next, String nextServerName) throws IOException {
    boolean failed = state == ServiceState.FAILED;
    if (next.equals(config) && nextServerName.equals(serverName) && !failed) {
      return;
    }
    Set<String> kept = new HashSet<>();
    next.traps().forEach(r -> kept.add(SnmpTrapSender.channelName(r)));
    boolean started = state == ServiceState.RUNNING || state == ServiceState.DISABLED || failed;
    closeAll();
    for (Receiver gone : List.copyOf(receivers)) {
      if (!kept.contains(gone.name())) {
        stats.removeAll("alerts.channel." + gone.name() + ".");
      }
    }
    receivers.clear();
    if (!next.agent().enabled()) {
      stats.removeAll("snmp.agent.");
    }
    config = next;
    serverName = nextServerName;
    engine = null;
    try {
      openReceivers(false);
      if (started) {
        openAgent();
        state = configuredState();
      }
      log.info("SNMP_RECONFIGURED receivers={} agent={}", receivers.size(), agent != null);
    } catch (IOException | RuntimeException e) {
      if (started) {
        state = ServiceState.FAILED;
      }
      throw e;
    }
  }

  @Override
  public synchronized void stop() {
    if (state == ServiceState.STOPPED) {
      return;
    }
    closeAll();
    receivers.clear();
    state = ServiceState.STOPPED;
  }

  @Override
  public ServiceState state() {
    return state;
  }

  /** The agent's bound address, when it runs. */
  public synchronized Optional<InetSocketAddress> agentAddress() {
    return Optional.ofNullable(agent).map(SnmpAgent::localAddress);
  }

  /** The engine in use (ID and boot count), once SNMP is configured at all. */
  public synchronized Optional<SnmpEngine> engine() {
    return Optional.ofNullable(engine);
  }

  private SnmpEngine bootedEngine() throws IOException {
    if (engine == null) {
      engine = SnmpEngine.boot(SnmpEngine.engineId(config.engineId(), serverName), bootsFile);
      // What a manager receiving v3 traps configures its user under (snmptrapd: createUser -e).
      log.info("SNMP_ENGINE id={} boots={}", engine.idHex(), engine.boots());
    }
    return engine;
  }

  /**
   * @param processStart the process has just started: each receiver hears coldStart first
   */
  private void openReceivers(boolean processStart) throws IOException {
    for (SnmpTrapReceiverConfig receiver : config.traps()) {
      SnmpTrapSender sender = new SnmpTrapSender(receiver, bootedEngine(), processStart);
      AlertChannel channel =
          new AlertChannel(sender.name(), policy(receiver), sender, QUEUE_CAPACITY, stats);
      // Acknowledgements have no notification type: only raises and clears go to the channel.
      AlertListener listener =
          (alert, change) -> {
            if (change != AlertListener.Change.ACKNOWLEDGED) {
              channel.onAlert(alert, change);
            }
          };
      alerts.addListener(listener);
      receivers.add(new Receiver(sender.name(), sender, channel, listener));
      log.info("SNMP_RECEIVER_ADDED channel={} sender={}", sender.name(), sender);
    }
  }

  private void openAgent() throws IOException {
    if (config.agent().enabled() && agent == null) {
      agent = SnmpAgent.start(config.agent(), bootedEngine(), sources, stats);
    }
  }

  private AlertChannel.Policy policy(SnmpTrapReceiverConfig receiver) {
    String minimum = receiver.minSeverity() != null ? receiver.minSeverity() : config.minSeverity();
    List<String> events = receiver.events().isEmpty() ? config.events() : receiver.events();
    return new AlertChannel.Policy(
        AlertSeverity.valueOf(minimum.toUpperCase(Locale.ROOT)),
        Set.copyOf(events),
        MAX_PER_MINUTE,
        receiver.retries(),
        FIRST_BACKOFF);
  }

  private void closeAll() {
    for (Receiver receiver : receivers) {
      alerts.removeListener(receiver.listener());
      receiver.channel().close();
      receiver.sender().close();
    }
    if (agent != null) {
      agent.close();
      agent = null;
    }
  }
}
