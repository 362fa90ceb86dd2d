package org.provisioning.dns.notify;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.config.DnsZoneConfig;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.zone.DnsZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Sends NOTIFY (RFC 1996) to the {@code alsoNotify} secondaries of a zone when it changes or is
 * loaded, so they ask for its SOA and transfer it at once rather than at their next refresh.
 *
 * <p>Per secondary and zone there is at most one round at a time: a NOTIFY carrying the zone's
 * current SOA (section 3.7: a hint the secondary may use), retransmitted with the same ID on a
 * doubling timeout until a response with that ID comes from that address, or given up after {@link
 * Timing#retransmissions} (section 3.6; counted {@code dns.notify.failed}, logged {@code
 * DNS_NOTIFY_FAILED}). Changes during a round do not start more: when the round ends, a new one
 * starts if the serial moved meanwhile, no sooner than {@link Timing#minInterval} after the last,
 * so a burst of DDNS updates costs each secondary one NOTIFY per interval, not one per update.
 *
 * <p>NOTIFY goes from the DNS service's own address on a port of its own, as BIND's does;
 * secondaries accept it from their configured primary's address whatever the port.
 */
public final class DnsNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsNotifier.class);

  /**
   * When to send.
   *
   * @param firstRetry the wait for a response before the first retransmission; doubles after each
   * @param retransmissions retransmissions before a round is given up
   * @param minInterval the least time between the starts of two rounds to one secondary
   */
  public record Timing(Duration firstRetry, int retransmissions, Duration minInterval) {
    /** RFC 1996 section 3.6 suggests 5 retransmissions; 2 s doubling spans about a minute. */
    public static Timing defaults() {
      return new Timing(Duration.ofSeconds(2), 5, Duration.ofSeconds(1));
    }
  }

  private record Target(Name zone, InetSocketAddress address) {}

  /** One NOTIFY exchange with one secondary: guarded by the notifier. */
  private static final class Round {
    DnsZone zone;
    int id = -1;
    SOARecord soa;
    long serial;
    int sent;
    long startedNanos;
    ScheduledFuture<?> timer;

    Round(DnsZone zone) {
      this.zone = zone;
    }
  }

  private final Timing timing;
  private final DatagramSocket socket;
  private final ScheduledExecutorService scheduler;
  private final Thread receiver;
  private final SecureRandom random = new SecureRandom();
  private final Map<Target, Round> rounds = new HashMap<>();
  private final Map<Target, Long> lastStartNanos = new HashMap<>();
  private final Counter sent;
  private final Counter answered;
  private final Counter refused;
  private final Counter failed;
  private volatile boolean closed;

  /**
   * A notifier sending from {@code source} (port chosen by the system).
   *
   * @throws SocketException if no socket can be bound there
   */
  public DnsNotifier(InetAddress source, Timing timing, StatisticsRegistry stats)
      throws SocketException {
    this.timing = timing;
    this.socket = new DatagramSocket(new InetSocketAddress(source, 0));
    this.sent = stats.counter("dns.notify.sent");
    this.answered = stats.counter("dns.notify.answered");
    this.refused = stats.counter("dns.notify.refused");
    this.failed = stats.counter("dns.notify.failed");
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("dns-notify"));
    this.receiver = DaemonThreads.create("dns-notify-responses", this::receive);
    this.receiver.start();
  }

  /** Where NOTIFY messages come from (tests). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** The zone changed or was (re)loaded: tell each of its secondaries. Never blocks. */
  public synchronized void zoneChanged(DnsZone zone) {
    if (closed) {
      return;
    }
    for (DnsZoneConfig.DnsNotifyConfig secondary : zone.config().alsoNotify()) {
      Target target =
          new Target(
              zone.origin(),
              new InetSocketAddress(secondary.address().toInetAddress(), secondary.port()));
      Round round = rounds.get(target);
      if (round != null) {
        round.zone = zone; // the running round reports its serial; see finish()
        continue;
      }
      start(target, new Round(zone));
    }
  }

  private void start(Target target, Round round) {
    rounds.put(target, round);
    long now = System.nanoTime();
    Long last = lastStartNanos.get(target);
    long wait = last == null ? 0 : Math.max(0, last + timing.minInterval().toNanos() - now);
    round.timer = scheduler.schedule(() -> send(target, round), wait, TimeUnit.NANOSECONDS);
  }

  private synchronized void send(Target target, Round round) {
    if (closed || rounds.get(target) != round) {
      return;
    }
    if (round.sent == 0) {
      round.id = random.nextInt(0x10000);
      round.soa = round.zone.soa();
      round.serial = round.soa.getSerial();
      round.startedNanos = System.nanoTime();
      lastStartNanos.put(target, round.startedNanos);
    } else if (round.sent > timing.retransmissions()) {
      failed.increment();
      log.warn(
          "DNS_NOTIFY_FAILED zone={} secondary={} serial={} attempts={}: no response",
          target.zone(),
          target.address(),
          round.serial,
          round.sent);
      finish(target, round);
      return;
    }
    byte[] wire = message(round).toWire();
    try {
      socket.send(new DatagramPacket(wire, wire.length, target.address()));
      sent.increment();
      log.debug(
          "DNS_NOTIFY_SENT zone={} secondary={} serial={} attempt={}",
          target.zone(),
          target.address(),
          round.serial,
          round.sent + 1);
    } catch (IOException e) {
      log.debug("DNS_NOTIFY_SEND_ERROR zone={} secondary={}: {}", target.zone(), target, e);
    }
    long wait = timing.firstRetry().toMillis() << Math.min(round.sent, 16);
    round.sent++;
    round.timer = scheduler.schedule(() -> send(target, round), wait, TimeUnit.MILLISECONDS);
  }

  /** RFC 1996 section 3.7: opcode NOTIFY, AA, the zone's SOA as question and as answer. */
  private static Message message(Round round) {
    Message message = new Message(round.id);
    message.getHeader().setOpcode(Opcode.NOTIFY);
    message.getHeader().setFlag(Flags.AA);
    message.addRecord(Record.newRecord(round.zone.origin(), Type.SOA, DClass.IN), Section.QUESTION);
    message.addRecord(round.soa, Section.ANSWER);
    return message;
  }

  private void receive() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        if (!closed) {
          log.debug("DNS_NOTIFY_RECEIVE_ERROR {}", e.toString());
        }
        continue;
      }
      try {
        Message response =
            new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
        responded(response, packet.getSocketAddress());
      } catch (IOException | RuntimeException e) {
        log.debug("DNS_NOTIFY_BAD_RESPONSE from={}: {}", packet.getSocketAddress(), e.toString());
      }
    }
  }

  /** A response counts if it comes from the secondary and carries the round's ID (section 4.7). */
  private synchronized void responded(Message response, SocketAddress from) {
    Record question = response.getQuestion();
    if (!response.getHeader().getFlag(Flags.QR)
        || response.getHeader().getOpcode() != Opcode.NOTIFY
        || question == null
        || !(from instanceof InetSocketAddress address)) {
      return;
    }
    Target target = new Target(question.getName(), address);
    Round round = rounds.get(target);
    if (round == null || round.sent == 0 || response.getHeader().getID() != round.id) {
      return;
    }
    round.timer.cancel(false);
    answered.increment();
    int rcode = response.getRcode();
    if (rcode != Rcode.NOERROR) {
      refused.increment();
      log.warn(
          "DNS_NOTIFY_REFUSED zone={} secondary={} rcode={}: it does not take this server's NOTIFY",
          target.zone(),
          target.address(),
          Rcode.string(rcode));
    } else {
      log.debug(
          "DNS_NOTIFY_ANSWERED zone={} secondary={} serial={}",
          target.zone(),
          target.address(),
          round.serial);
    }
    finish(target, round);
  }

  /** Ends a round; starts the next if the zone moved on meanwhile and still names the target. */
  private void finish(Target target, Round round) {
    rounds.remove(target);
    boolean stillNamed =
        round.zone.config().alsoNotify().stream()
            .anyMatch(
                s ->
                    s.address().toInetAddress().equals(target.address().getAddress())
                        && s.port() == target.address().getPort());
    if (!closed && stillNamed && round.zone.soa().getSerial() != round.serial) {
      start(target, new Round(round.zone));
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      rounds.clear();
    }
    scheduler.shutdownNow();
    socket.close();
    try {
      receiver.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
