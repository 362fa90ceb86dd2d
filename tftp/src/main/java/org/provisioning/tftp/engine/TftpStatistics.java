package org.provisioning.tftp.engine;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;

/**
 * The counters of the TFTP service, under {@code tftp.}: requests by kind, transfers completed and
 * failed by reason, octets, retransmissions, duplicate ACKs, option use, refusals by reason and
 * datagrams dropped by reason. The active-transfer gauge is the server's.
 */
public final class TftpStatistics {
  private final StatisticsRegistry registry;
  private final ConcurrentMap<String, Counter> byName = new ConcurrentHashMap<>();
  final Counter readRequests;
  final Counter writeRequests;
  final Counter completed;
  final Counter bytesSent;
  final Counter bytesReceived;
  final Counter retransmits;
  final Counter duplicateAcks;

  public TftpStatistics(StatisticsRegistry registry) {
    this.registry = registry;
    readRequests = registry.counter("tftp.requests.read");
    writeRequests = registry.counter("tftp.requests.write");
    completed = registry.counter("tftp.transfers.completed");
    bytesSent = registry.counter("tftp.bytes.sent");
    bytesReceived = registry.counter("tftp.bytes.received");
    retransmits = registry.counter("tftp.retransmits");
    duplicateAcks = registry.counter("tftp.acks.duplicate");
  }

  public StatisticsRegistry registry() {
    return registry;
  }

  /** {@code tftp.<group>.<reason>}, created on first use. */
  public Counter counter(String group, String reason) {
    String name = "tftp." + group + "." + reason.toLowerCase(Locale.ROOT);
    return byName.computeIfAbsent(name, registry::counter);
  }

  public void failed(TransferFailure failure) {
    counter("transfers.failed", failure.name()).increment();
  }

  public void refused(String reason) {
    counter("refused", reason).increment();
  }

  public void dropped(String reason) {
    counter("dropped", reason).increment();
  }

  public void option(String name) {
    counter("options", name).increment();
  }

  public Counter duplicateRequests() {
    return counter("requests", "duplicate");
  }
}
