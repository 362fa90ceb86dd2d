package org.provisioning.common.bus;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test participant: a key to value map whose records are {@code key=value} in UTF-8. Like the
 * real stores it changes its state in memory first, then publishes the change. It remembers every
 * record applied and every restore, so tests can tell a snapshot restore from a replay.
 */
final class KeyValueStore implements BusParticipant {
  static final RecordType TYPE = RecordType.CONFIG;

  private final String name;
  private final RecordType type;
  private final Map<String, String> values = new TreeMap<>();
  final List<BusRecord> applied = new CopyOnWriteArrayList<>();
  final AtomicInteger restores = new AtomicInteger();

  KeyValueStore() {
    this("kv", TYPE);
  }

  KeyValueStore(String name, RecordType type) {
    this.name = name;
    this.type = type;
  }

  static byte[] record(String key, String value) {
    return (key + "=" + value).getBytes(UTF_8);
  }

  /** Changes the value in memory, then publishes the change. */
  CompletableFuture<BusRecord> put(StateBus bus, String key, String value) {
    synchronized (values) {
      values.put(key, value);
    }
    return bus.publish(type, record(key, value));
  }

  Map<String, String> values() {
    synchronized (values) {
      return Map.copyOf(values);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<RecordType> types() {
    return Set.of(type);
  }

  @Override
  public void apply(BusRecord record) {
    String text = new String(record.payload(), UTF_8);
    int eq = text.indexOf('=');
    synchronized (values) {
      values.put(text.substring(0, eq), text.substring(eq + 1));
    }
    applied.add(record);
  }

  @Override
  public byte[] snapshot() {
    StringBuilder out = new StringBuilder();
    synchronized (values) {
      values.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
    }
    return out.toString().getBytes(UTF_8);
  }

  @Override
  public void restore(byte[] snapshot) {
    synchronized (values) {
      values.clear();
      for (String line : new String(snapshot, UTF_8).split("\n")) {
        if (!line.isEmpty()) {
          int eq = line.indexOf('=');
          values.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    }
    restores.incrementAndGet();
  }
}
