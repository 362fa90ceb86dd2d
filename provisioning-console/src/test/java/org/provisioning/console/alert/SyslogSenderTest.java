package org.provisioning.console.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertListener.Change;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;
import org.provisioning.common.config.SyslogAlertsConfig;
import org.provisioning.common.config.SyslogAlertsConfig.SyslogProtocol;
import org.provisioning.common.stats.StatisticsRegistry;

/** Alerts received as RFC 5424 syslog messages on a loopback UDP socket and over TCP. */
class SyslogSenderTest {
  /** RFC 5424 section 6: HEADER SP STRUCTURED-DATA [SP MSG]. */
  private static final Pattern RFC5424 =
      Pattern.compile(
          "<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\[.*?[^\\\\]\\]|-)(?: \uFEFF(.*))?",
          Pattern.DOTALL);

  private static final AlertType PARTNER_DOWN =
      new AlertType(
          "FAILOVER_PARTNER_DOWN",
          AlertSeverity.CRITICAL,
          "failover",
          "The failover partner is out of contact; this server serves alone.",
          "Find out why the partner is down and bring it back.");

  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AlertCenter alerts =
      new AlertCenter(
          "headend-2", Clock.fixed(Instant.parse("2026-11-26T00:41:42Z"), ZoneOffset.UTC), 100);
  private ConfiguredChannel<SyslogAlertsConfig> syslog;

  @AfterEach
  void stop() {
    if (syslog != null) {
      syslog.close();
    }
  }

  private void listen(SyslogAlertsConfig config) {
    syslog =
        new ConfiguredChannel<>(
            "syslog", Set.of(Change.values()), c -> SyslogSender.channel(c, stats));
    syslog.apply(config);
    alerts.addListener(syslog);
  }

  @Test
  void alertArrivesOverUdpWithItsEventNameAsMsgid() throws Exception {
    try (DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      collector.setSoTimeout(10_000);
      listen(
          new SyslogAlertsConfig(
              "127.0.0.1", collector.getLocalPort(), SyslogProtocol.UDP, "local3", null, null));
      alerts.raise(
          PARTNER_DOWN, "failover partner 127.0.0.1", "partner out of contact; serving alone");

      byte[] buffer = new byte[8192];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      collector.receive(packet);
      String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
      Matcher m = RFC5424.matcher(message);
      assertTrue(m.matches(), message);
      assertEquals(19 * 8 + 2, Integer.parseInt(m.group(1)), "local3.crit");
      assertTrue(Instant.parse(m.group(2)).isAfter(Instant.parse("2026-01-01T00:00:00Z")));
      assertEquals("headend-2", m.group(3));
      assertEquals("provisiond", m.group(4));
      assertEquals(Long.toString(ProcessHandle.current().pid()), m.group(5));
      assertEquals("FAILOVER_PARTNER_DOWN", m.group(6), "MSGID is the event name");
      assertEquals(
          "[alert@32473 id=\"1\" event=\"FAILOVER_PARTNER_DOWN\" severity=\"critical\""
              + " change=\"raised\" server=\"headend-2\" service=\"failover\""
              + " object=\"failover partner 127.0.0.1\"]",
          m.group(7));
      assertEquals(
          "partner out of contact; serving alone What to do: Find out why the partner is down"
              + " and bring it back.",
          m.group(8));

      alerts.clear(PARTNER_DOWN, "failover partner 127.0.0.1", "partner back");
      collector.receive(packet);
      String cleared = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
      assertTrue(cleared.startsWith("<" + (19 * 8 + 5) + ">1 "), "local3.notice: " + cleared);
      assertTrue(cleared.contains(" FAILOVER_PARTNER_DOWN [alert@32473 "), cleared);
      assertTrue(cleared.contains("change=\"cleared\""), cleared);
    }
  }

  @Test
  void belowMinimumSeverityOrOtherEventsNothingIsSent() throws Exception {
    try (DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      collector.setSoTimeout(10_000);
      listen(
          new SyslogAlertsConfig(
              "127.0.0.1",
              collector.getLocalPort(),
              null,
              null,
              "warning",
              List.of("FAILOVER_PARTNER_DOWN")));
      alerts.raise(
          new AlertType("DNS_DDNS_UPDATE_FAILED", AlertSeverity.WARNING, "dns", "Other.", "None."),
          "zone",
          "other event");
      alerts.raise(
          new AlertType("FAILOVER_PARTNER_DOWN", AlertSeverity.INFO, "failover", "Low.", "None."),
          "x",
          "below the minimum");
      alerts.raise(PARTNER_DOWN, "y", "this one");
      byte[] buffer = new byte[8192];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      collector.receive(packet);
      String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
      assertTrue(message.startsWith("<130>1 "), "local0.crit: " + message);
      assertTrue(
          message.endsWith(
              "this one What to do: Find out why the partner is down and" + " bring it back."),
          message);
    }
  }

  /**
   * A collector that accepts the connection and stops reading (its queue full): the batch fails
   * within the write timeout, so the channel retries or drops it, instead of holding its thread in
   * the write for good with every later alert queued behind it.
   */
  @Test
  void overTcpACollectorThatStopsReadingFailsTheBatchInTime() throws Exception {
    try (ServerSocket collector = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      SyslogSender sender =
          new SyslogSender(
              new SyslogAlertsConfig(
                  "127.0.0.1",
                  collector.getLocalPort(),
                  SyslogProtocol.TCP,
                  null,
                  "info",
                  List.of()),
              Clock.systemUTC(),
              1_000);
      alerts.raise(PARTNER_DOWN, "partner", "x".repeat(4_000));
      Alert alert = alerts.active().get(0);
      List<AlertSender.Delivery> batch = new java.util.ArrayList<>();
      for (int i = 0; i < 5_000; i++) { // 20 MB: more than any socket buffers hold
        batch.add(new AlertSender.Delivery(alert, Change.RAISED));
      }
      long start = System.nanoTime();
      IOException failed = assertThrows(IOException.class, () -> sender.send(batch));
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(failed.getMessage().contains("took no more"), failed.getMessage());
      assertTrue(tookMillis < 10_000, "failed after " + tookMillis + " ms");
    }
  }

  @Test
  void overTcpMessagesAreOctetCounted() throws Exception {
    try (ServerSocket collector = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      collector.setSoTimeout(10_000);
      listen(
          new SyslogAlertsConfig(
              "127.0.0.1", collector.getLocalPort(), SyslogProtocol.TCP, "daemon", null, null));
      alerts.raise(PARTNER_DOWN, "object \"quoted\" ]", "over tcp");
      try (Socket connection = collector.accept()) {
        connection.setSoTimeout(10_000);
        DataInputStream in = new DataInputStream(connection.getInputStream());
        int length = readLength(in);
        byte[] message = new byte[length];
        in.readFully(message);
        String text = new String(message, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("<" + (3 * 8 + 2) + ">1 "), "daemon.crit: " + text);
        assertTrue(text.contains("object=\"object \\\"quoted\\\" \\]\""), text);
        assertTrue(RFC5424.matcher(text).matches(), text);
      }
    }
  }

  private static int readLength(InputStream in) throws java.io.IOException {
    int length = 0;
    for (int c = in.read(); c != ' '; c = in.read()) {
      assertTrue(c >= '0' && c <= '9', "octet count expected, got " + c);
      length = length * 10 + (c - '0');
    }
    return length;
  }
}
