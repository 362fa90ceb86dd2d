package org.provisioning.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.provisioning.common.bus.BusParticipant;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running config and its versions. A change (from the file at start-up, the API, the CLI or the
 * failover peer) is validated, given the next version number, journaled as a {@link
 * RecordType#CONFIG} record, and only once durable becomes current and reaches the listeners (the
 * services, which apply it live). An invalid change never replaces the running config.
 *
 * <p>At start-up the newest change wins: the journal's latest version stays current unless the
 * config file differs from the last file applied, in which case the file is a new change.
 */
public final class ConfigService implements BusParticipant {
  private static final Logger log = LoggerFactory.getLogger(ConfigService.class);

  private final ConfigCodec codec;
  private final ObjectMapper json;
  private final Clock clock;
  private final List<Consumer<ConfigVersion>> listeners = new CopyOnWriteArrayList<>();
  private volatile BusPublisher bus;
  private volatile ConfigVersion current;

  /** The highest version number given out, durable or not yet; guarded by this. */
  private long lastNumber;

  public ConfigService(ConfigCodec codec, Clock clock) {
    this.codec = codec;
    this.json = codec.jsonMapper();
    this.clock = clock;
  }

  /** Connects the store to the bus it publishes on; done once the bus has replayed. */
  public void attach(BusPublisher bus) {
    this.bus = Objects.requireNonNull(bus);
  }

  public void addListener(Consumer<ConfigVersion> listener) {
    listeners.add(listener);
  }

  public Optional<ConfigVersion> current() {
    return Optional.ofNullable(current);
  }

  public ConfigCodec codec() {
    return codec;
  }

  /**
   * Makes the config file's content current unless it is the file already applied, in which case
   * the journal's latest version (perhaps a later API change) stays.
   *
   * @throws ConfigException if the file is invalid; nothing changes then
   */
  public ConfigVersion seedFromFile(String document) throws ConfigException {
    String digest = sha256(document);
    ProvisioningConfig config = codec.parse(document);
    ConfigVersion now = current;
    if (now != null && digest.equals(now.fileDigest())) {
      log.info(
          "CONFIG_KEPT version={} source={} (config file unchanged since it was applied)",
          now.number(),
          now.source());
      return now;
    }
    return apply(config, "file", digest, null).join();
  }

  /**
   * Re-reads the config file of a running server ({@code systemctl reload}): validated as at
   * start-up, refused like an API change when it touches a field that needs a restart. A file
   * unchanged since it was last applied changes nothing, so a later API change stays running, as it
   * would across a restart.
   *
   * @throws ConfigException with every error; the running config stays
   */
  public CompletableFuture<ConfigVersion> reloadFile(String document) throws ConfigException {
    String digest = sha256(document);
    ProvisioningConfig config = codec.parse(document);
    ConfigVersion now = current;
    if (now != null) {
      if (digest.equals(now.fileDigest())) {
        log.info(
            "CONFIG_KEPT version={} (config file unchanged since it was applied)", now.number());
        return CompletableFuture.completedFuture(now);
      }
      List<ConfigError> errors = restartOnlyChanges(now.config(), config);
      if (!errors.isEmpty()) {
        throw new ConfigException(errors);
      }
    }
    return apply(config, "file", digest, null);
  }

  /**
   * Validates a document and, if it is valid, applies it.
   *
   * @param expectedVersion if not null, the change is refused unless this is the current version
   *     (an optimistic lock for two operators editing at once)
   * @throws ConfigException with every error, including a change to a field that needs a restart
   */
  public CompletableFuture<ConfigVersion> applyDocument(
      String document, String source, Long expectedVersion) throws ConfigException {
    ProvisioningConfig config = codec.parse(document);
    ConfigVersion now = current;
    if (now != null) {
      List<ConfigError> errors = restartOnlyChanges(now.config(), config);
      if (!errors.isEmpty()) {
        throw new ConfigException(errors);
      }
    }
    return apply(config, source, now == null ? null : now.fileDigest(), expectedVersion);
  }

  private synchronized CompletableFuture<ConfigVersion> apply(
      ProvisioningConfig config, String source, String fileDigest, Long expectedVersion) {
    BusPublisher publisher = bus;
    if (publisher == null) {
      throw new IllegalStateException("config store is not attached to the bus yet");
    }
    if (expectedVersion != null && expectedVersion != lastNumber) {
      return CompletableFuture.failedFuture(
          new VersionConflictException(expectedVersion, lastNumber));
    }
    // The number is taken now, under the lock, so a second change made before this one is
    // durable follows it in the journal and in numbering.
    lastNumber++;
    ConfigVersion next = new ConfigVersion(lastNumber, config, source, clock.instant(), fileDigest);
    return publisher
        .publish(RecordType.CONFIG, encode(next))
        .thenApply(
            record -> {
              install(next);
              log.info(
                  "CONFIG_APPLIED version={} source={} seq={}",
                  next.number(),
                  source,
                  record.sequence());
              return next;
            });
  }

  private void install(ConfigVersion version) {
    synchronized (this) {
      lastNumber = Math.max(lastNumber, version.number());
      if (current != null && current.number() >= version.number()) {
        return;
      }
      current = version;
    }
    for (Consumer<ConfigVersion> listener : listeners) {
      try {
        listener.accept(version);
      } catch (RuntimeException e) {
        log.error("CONFIG_LISTENER_FAILED version={}", version.number(), e);
      }
    }
  }

  /** Fields that sockets and files already opened depend on cannot change while running. */
  private static List<ConfigError> restartOnlyChanges(
      ProvisioningConfig from, ProvisioningConfig to) {
    List<ConfigError> errors = new ArrayList<>();
    if (!from.server().dataDir().equals(to.server().dataDir())) {
      errors.add(
          new ConfigError(
              "server.dataDir",
              "cannot change while running (it holds the journal); edit the config file and restart"));
    }
    if (!from.server().id().equals(to.server().id())) {
      errors.add(
          new ConfigError(
              "server.id",
              "cannot change while running (it marks every record); edit the config file and restart"));
    }
    return errors;
  }

  @Override
  public String name() {
    return "config";
  }

  @Override
  public Set<RecordType> types() {
    return Set.of(RecordType.CONFIG);
  }

  @Override
  public void apply(BusRecord record) {
    try {
      install(decode(record.payload()));
    } catch (IOException | ConfigException e) {
      // A version this build cannot read (written by a newer one): keep the running config.
      log.warn(
          "CONFIG_RECORD_UNREADABLE seq={} origin={}: {}",
          record.sequence(),
          record.origin(),
          e.getMessage());
    }
  }

  @Override
  public byte[] snapshot() {
    ConfigVersion now = current;
    return now == null ? new byte[0] : encode(now);
  }

  @Override
  public void restore(byte[] snapshot) {
    if (snapshot.length == 0) {
      return;
    }
    try {
      ConfigVersion version = decode(snapshot);
      synchronized (this) {
        current = version;
        lastNumber = Math.max(lastNumber, version.number());
      }
    } catch (IOException | ConfigException e) {
      log.warn("CONFIG_SNAPSHOT_UNREADABLE: {}", e.getMessage());
    }
  }

  private byte[] encode(ConfigVersion version) {
    ObjectNode node = json.createObjectNode();
    node.put("version", version.number());
    node.put("source", version.source());
    node.put("changedAt", version.changedAt().toString());
    node.put("fileDigest", version.fileDigest());
    node.set("config", json.valueToTree(version.config()));
    try {
      return json.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a config version cannot fail to serialise", e);
    }
  }

  private ConfigVersion decode(byte[] payload) throws IOException, ConfigException {
    JsonNode node = json.readTree(payload);
    return new ConfigVersion(
        node.path("version").asLong(),
        codec.parseAccepted(
            new String(json.writeValueAsBytes(node.path("config")), StandardCharsets.UTF_8)),
        node.path("source").asText(),
        Instant.parse(node.path("changedAt").asText()),
        node.path("fileDigest").isNull() ? null : node.path("fileDigest").asText());
  }

  public static String sha256(String document) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(document.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
