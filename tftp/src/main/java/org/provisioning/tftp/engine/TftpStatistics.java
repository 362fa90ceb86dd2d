package org.provisioning.tftp.engine;

import static org.provisioning.common.stats.StatisticDefinition.gauge;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.tftp.codec.TftpDecodeException;

/**
 * The counters of the TFTP service, under {@code tftp.}: requests by kind, transfers completed and
 * failed by reason, octets, retransmissions, duplicate ACKs, option use, refusals by reason and
 * datagrams dropped by reason. The active-transfer gauge is the server's.
 */
public final class TftpStatistics {
  /** Every statistic of the TFTP service, DOCSIS file generation included. */
  public static final List<StatisticDefinition> DEFINITIONS =
      List.of(
          StatisticDefinition.counter(
              "tftp.requests.{kind}",
              "requests",
              "TFTP requests received: read, write, or a duplicate of one in progress."),
          StatisticDefinition.counter(
              "tftp.transfers.completed", "transfers", "Transfers that ended successfully."),
          StatisticDefinition.counter(
              "tftp.transfers.failed.{reason}",
              "transfers",
              "Transfers that failed, by reason (timeout, error from the client...)."),
          gauge("tftp.transfers.active", "transfers", "Transfers in progress now."),
          StatisticDefinition.counter(
              "tftp.bytes.{direction}", "bytes", "File octets sent or received."),
          StatisticDefinition.counter(
              "tftp.retransmits", "packets", "DATA packets sent again after a timeout."),
          StatisticDefinition.counter(
              "tftp.acks.duplicate", "packets", "Duplicate ACKs received (and ignored)."),
          StatisticDefinition.counter(
              "tftp.options.{option}",
              "requests",
              "Requests using an RFC 2347 option (blksize, tsize, timeout, windowsize...)."),
          StatisticDefinition.counter(
              "tftp.refused.{reason}",
              "requests",
              "Requests refused with an error packet, by reason (not found, access...)."),
          StatisticDefinition.counter(
              "tftp.dropped.{reason}",
              "packets",
              "Datagrams dropped without an answer, by reason (malformed...)."),
          StatisticDefinition.counter(
              "tftp.docsis.generated",
              "files",
              "DOCSIS config files built (template, per-modem values, CM and CMTS MIC)."),
          StatisticDefinition.counter(
              "tftp.docsis.cache_hits", "files", "DOCSIS config files served from the cache."),
          StatisticDefinition.counter(
              "tftp.docsis.tickets_issued",
              "tickets",
              "Boot file names issued into DHCP ACKs (anti-theft); one per address, kept by renewals."),
          StatisticDefinition.counter(
              "tftp.docsis.tickets_full",
              "tickets",
              "Tickets dropped before they expired to make room, the ticket table full."));

  /**
   * The reasons a request is refused with a TFTP error, from the request handler and the served
   * root (a path outside it: dotdot, absolute, nul, symlink); DOCSIS files add theirs.
   */
  static final List<String> REFUSALS =
      List.of(
          "not_found",
          "unreadable",
          "dotdot",
          "absolute",
          "nul",
          "symlink",
          "mail_mode",
          "netascii",
          "write",
          "too_large",
          "unwritable",
          "disk_low",
          "bad_name");

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
    registry.declare(DEFINITIONS);
    this.registry = registry;
    readRequests = registry.counter("tftp.requests.read");
    writeRequests = registry.counter("tftp.requests.write");
    completed = registry.counter("tftp.transfers.completed");
    bytesSent = registry.counter("tftp.bytes.sent");
    bytesReceived = registry.counter("tftp.bytes.received");
    retransmits = registry.counter("tftp.retransmits");
    duplicateAcks = registry.counter("tftp.acks.duplicate");
    // At zero from the start, so that monitoring sees every known reason before it first happens.
    for (TransferFailure failure : TransferFailure.values()) {
      counter("transfers.failed", failure.name());
    }
    for (TftpDecodeException.Reason reason : TftpDecodeException.Reason.values()) {
      counter("dropped", reason.statName());
    }
    for (String option : List.of("blksize", "tsize", "timeout", "windowsize")) {
      counter("options", option);
    }
    for (String reason : REFUSALS) {
      counter("refused", reason);
    }
    duplicateRequests();
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
