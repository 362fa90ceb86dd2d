package org.provisioning.console.alert;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertListener.Change;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.config.SyslogAlertsConfig;
import org.provisioning.common.config.SyslogAlertsConfig.SyslogProtocol;
import org.provisioning.common.stats.StatisticsRegistry;

/**
 * Sends alerts to the operator's syslog collector as RFC 5424 messages: MSGID the event name,
 * structured data {@code [alert@32473 id= event= severity= change= server= service= object=]}, the
 * message followed by what to do. Severity: critical alerts {@code crit}, warnings {@code warning},
 * info {@code notice}; a cleared alert {@code notice}, an acknowledgement {@code info}. Over UDP
 * one datagram per message (RFC 5426); over TCP one connection per batch with octet counting
 * framing (RFC 6587 section 3.4.1). Every alert of a batch is its own message: a syslog collector
 * wants lines, not digests.
 */
public final class SyslogSender implements AlertSender {
  static final int RETRIES = 3;
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final int QUEUE_CAPACITY = 10_000;

  /** Messages a minute before the channel batches (the collector gets every one regardless). */
  static final int MAX_BATCHES_PER_MINUTE = 600;

  private static final int TIMEOUT_MILLIS = 5_000;

  /**
   * Closes a TCP connection whose writes outlast their deadline: a socket's timeout covers reads
   * only, and a collector that stops reading (its queue full) held the channel's thread in a write
   * for good, every later alert dropped behind it.
   */
  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "syslog-write-deadline");
            thread.setDaemon(true);
            return thread;
          });

  private final SyslogAlertsConfig config;
  private final Clock clock;
  private final long writeTimeoutMillis;
  private final String procId = Long.toString(ProcessHandle.current().pid());

  public SyslogSender(SyslogAlertsConfig config) {
    this(config, Clock.systemUTC(), TIMEOUT_MILLIS);
  }

  SyslogSender(SyslogAlertsConfig config, Clock clock) {
    this(config, clock, TIMEOUT_MILLIS);
  }

  /** {@code writeTimeoutMillis}: how long one batch may take to write over TCP. */
  SyslogSender(SyslogAlertsConfig config, Clock clock, long writeTimeoutMillis) {
    this.config = config;
    this.clock = clock;
    this.writeTimeoutMillis = writeTimeoutMillis;
  }

  /** The syslog channel of a config, counted as {@code alerts.channel.syslog.*}. */
  public static AlertChannel channel(SyslogAlertsConfig config, StatisticsRegistry stats) {
    return new AlertChannel(
        "syslog",
        new AlertChannel.Policy(
            AlertSeverity.valueOf(config.minSeverity().toUpperCase(Locale.ROOT)),
            Set.copyOf(config.events()),
            MAX_BATCHES_PER_MINUTE,
            RETRIES,
            FIRST_BACKOFF),
        new SyslogSender(config),
        QUEUE_CAPACITY,
        stats);
  }

  /** The RFC 5424 message of one alert change. */
  byte[] message(Delivery delivery) {
    Alert alert = delivery.alert();
    Map<String, String> params = new LinkedHashMap<>();
    params.put("id", Long.toString(alert.id()));
    params.put("event", alert.event());
    params.put("severity", alert.severity().name().toLowerCase(Locale.ROOT));
    params.put("change", delivery.change().name().toLowerCase(Locale.ROOT));
    params.put("server", alert.server());
    params.put("service", alert.service());
    params.put("object", alert.object());
    String text =
        switch (delivery.change()) {
          case RAISED -> alert.message() + " What to do: " + alert.action();
          case CLEARED -> "cleared: " + alert.message();
          case ACKNOWLEDGED -> "acknowledged by " + alert.acknowledgedBy() + ": " + alert.message();
          case REMINDED -> "still active: " + alert.message() + " What to do: " + alert.action();
        };
    return SyslogMessage.format(
        config.facilityCode(),
        severity(delivery),
        clock.instant(),
        alert.server(),
        "provisiond",
        procId,
        alert.event(),
        "alert@" + SyslogMessage.ENTERPRISE,
        params,
        text);
  }

  private static int severity(Delivery delivery) {
    if (delivery.change() == Change.ACKNOWLEDGED) {
      return SyslogMessage.INFORMATIONAL;
    }
    if (delivery.change() == Change.CLEARED) {
      return SyslogMessage.NOTICE;
    }
    return switch (delivery.alert().severity()) {
      case CRITICAL -> SyslogMessage.CRITICAL;
      case WARNING -> SyslogMessage.WARNING;
      case INFO -> SyslogMessage.NOTICE;
    };
  }

  @Override
  public void send(List<Delivery> batch) throws IOException {
    InetSocketAddress collector = new InetSocketAddress(config.host(), config.port());
    if (collector.isUnresolved()) {
      throw new IOException("cannot resolve the syslog collector " + config.host());
    }
    if (config.protocol() == SyslogProtocol.UDP) {
      try (DatagramSocket socket = new DatagramSocket()) {
        for (Delivery delivery : batch) {
          byte[] message = message(delivery);
          socket.send(new DatagramPacket(message, message.length, collector));
        }
      }
      return;
    }
    try (Socket socket = new Socket()) {
      socket.connect(collector, TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      AtomicBoolean expired = new AtomicBoolean();
      ScheduledFuture<?> deadline =
          DEADLINES.schedule(
              () -> {
                expired.set(true); // before the close: the write it makes fail sees it
                closeQuietly(socket);
              },
              writeTimeoutMillis,
              TimeUnit.MILLISECONDS);
      try {
        OutputStream out = socket.getOutputStream();
        for (Delivery delivery : batch) {
          byte[] message = message(delivery);
          out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
          out.write(message);
        }
        out.flush();
      } catch (IOException e) {
        if (expired.get()) {
          throw new IOException(
              "the syslog collector took no more within " + writeTimeoutMillis + " ms", e);
        }
        throw e;
      } finally {
        deadline.cancel(false);
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing it is all that was asked
    }
  }

  @Override
  public String toString() {
    return "SyslogSender["
        + config.protocol().label()
        + "://"
        + config.host()
        + ":"
        + config.port()
        + "]";
  }
}
