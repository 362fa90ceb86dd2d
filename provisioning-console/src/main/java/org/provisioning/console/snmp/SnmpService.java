package org.provisioning.console.snmp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertListener;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.config.SnmpConfig;
import org.provisioning.common.config.SnmpTrapReceiverConfig;
import org.provisioning.common.config.SnmpVersion;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.alert.AlertChannel;
import org.provisioning.console.alert.ConfiguredChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SNMP as the config's {@code alerts.snmp} says: one {@link AlertChannel} per trap receiver (its
 * own queue, thread, retries and counters {@code alerts.channel.snmp-ADDRESS-PORT.*}) told of every
 * alert raised and cleared, and the agent when it is enabled. A change of {@code alerts.snmp} (or
 * of the server's name, which names the engine) rebuilds the agent with the engine's boot count one
 * higher, as RFC 3414 §2.2.2 asks when the engine's clock starts again; a receiver's channel is
 * remade only if its own setup changed, and then hands what it still queues to its successor.
 *
 * <p>The channels exist from construction, so alerts raised while the other services are built (a
 * pool restored above its mark) are sent too; the agent binds its socket at {@link #start}.
 */
public final class SnmpService implements ProvisioningService {
  private static final Logger log = LoggerFactory.getLogger(SnmpService.class);

  /** Alerts a receiver's queue holds while its manager is slow or away. */
  private static final int QUEUE_CAPACITY = 1000;

  /** Past this rate a receiver's notifications are paced at it (a manager's socket buffer). */
  private static final int MAX_PER_MINUTE = 600;

  /** Acknowledgements have no notification type: only these go to a receiver. */
  private static final Set<AlertListener.Change> NOTIFIED =
      Set.of(
          AlertListener.Change.RAISED, AlertListener.Change.CLEARED, AlertListener.Change.REMINDED);

  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private final Path bootsFile;
  private final AlertCenter alerts;
  private final MibSources sources;
  private final StatisticsRegistry stats;

  /** By channel name; each listens to the alerts from when it is configured until removed. */
  private final Map<String, ConfiguredChannel<Setup>> receivers = new LinkedHashMap<>();

  private SnmpConfig config;
  private String serverName;
  private SnmpEngine engine;
  private SnmpAgent agent;
  private boolean processStart = true;
  private volatile ServiceState state = ServiceState.NEW;

  /**
   * What a receiver's channel is made of: one whose setup did not change is kept, queue, retries
   * and all. A v3 message names this engine, and a v3 trap carries its boots and clock too (this
   * engine is the trap's authority, RFC 3414 §3.2): a v3 trap receiver is remade with every boot,
   * as one engine must not show managers two boot counts.
   */
  private record Setup(
      SnmpTrapReceiverConfig receiver,
      AlertChannel.Policy policy,
      String engineId,
      int engineBoots) {}

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
    openReceivers();
    processStart = false;
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
   * Applies a new config if {@code alerts.snmp} or the server name changed, or if the last config
   * failed to apply (the same one is tried again: its port may be free now): the agent and the
   * engine are rebuilt, the receivers' channels only where their setup changed.
   *
   * @throws IOException if the agent cannot bind: the service is then FAILED, which the caller
   *     alerts; it used to be logged alone, with the agent gone and the status still running
   */
  public synchronized void apply(SnmpConfig next, String nextServerName) throws IOException {
    boolean failed = state == ServiceState.FAILED;
    if (next.equals(config) && nextServerName.equals(serverName) && !failed) {
      return;
    }
    boolean started = state == ServiceState.RUNNING || state == ServiceState.DISABLED || failed;
    closeAgent();
    if (!next.agent().enabled()) {
      stats.removeAll("snmp.agent.");
    }
    config = next;
    serverName = nextServerName;
    engine = null;
    try {
      openReceivers();
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
    receivers.values().forEach(this::closeReceiver);
    receivers.clear();
    closeAgent();
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
   * Brings the receivers' channels in step with the config: those gone are closed (what they queue
   * is dropped, counted), new ones opened, changed ones remade by their {@link ConfiguredChannel},
   * which hands the old channel's queue to the new one; the rest are kept.
   */
  private void openReceivers() throws IOException {
    Set<String> names = new HashSet<>();
    config.traps().forEach(r -> names.add(SnmpTrapSender.channelName(r)));
    for (var gone = receivers.entrySet().iterator(); gone.hasNext(); ) {
      var receiver = gone.next();
      if (!names.contains(receiver.getKey())) {
        closeReceiver(receiver.getValue());
        stats.removeAll("alerts.channel." + receiver.getKey() + ".");
        gone.remove();
      }
    }
    try {
      for (SnmpTrapReceiverConfig receiver : config.traps()) {
        String name = SnmpTrapSender.channelName(receiver);
        ConfiguredChannel<Setup> configured = receivers.get(name);
        if (configured == null) {
          configured = new ConfiguredChannel<>(name, NOTIFIED, this::channel);
          configured.apply(setup(receiver));
          receivers.put(name, configured);
          alerts.addListener(configured);
        } else {
          configured.apply(setup(receiver)); // an equal setup keeps the channel as it is
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private Setup setup(SnmpTrapReceiverConfig receiver) throws IOException {
    SnmpEngine booted = bootedEngine(); // booted at every change, as the agent's clock restarts
    boolean v3 = receiver.version() == SnmpVersion.V3;
    return new Setup(
        receiver,
        policy(receiver),
        v3 ? booted.idHex() : null,
        v3 && !receiver.inform() ? booted.boots() : 0);
  }

  /**
   * A receiver's channel; those opened with the process hear coldStart first. Closing the channel
   * closes its sender.
   */
  private AlertChannel channel(Setup setup) {
    try {
      SnmpTrapSender sender = new SnmpTrapSender(setup.receiver(), bootedEngine(), processStart);
      log.info("SNMP_RECEIVER_ADDED channel={} sender={}", sender.name(), sender);
      return new AlertChannel(sender.name(), setup.policy(), sender, QUEUE_CAPACITY, stats);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // out of ConfiguredChannel.apply, unwrapped above
    }
  }

  private void closeReceiver(ConfiguredChannel<Setup> receiver) {
    alerts.removeListener(receiver);
    receiver.close();
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
        FIRST_BACKOFF,
        true);
  }

  private void closeAgent() {
    if (agent != null) {
      agent.close();
      agent = null;
    }
  }
}
