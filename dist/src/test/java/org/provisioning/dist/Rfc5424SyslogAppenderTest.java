package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.dhcp.engine.DhcpAlerts;
import org.slf4j.LoggerFactory;

/** The log appender's RFC 5424 datagrams, received on a loopback UDP socket. */
class Rfc5424SyslogAppenderTest {

  @Test
  void anAlertsLogLineArrivesWithItsEventNameAsMsgid() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger alertLog = context.getLogger(AlertCenter.class);
    try (DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      collector.setSoTimeout(10_000);
      Rfc5424SyslogAppender appender = new Rfc5424SyslogAppender();
      appender.setContext(context);
      appender.setHost("127.0.0.1");
      appender.setPort(collector.getLocalPort());
      appender.setFacility("local1");
      appender.setHostname("headend-1");
      appender.start();
      assertTrue(appender.isStarted());
      ch.qos.logback.classic.Level before = alertLog.getLevel();
      alertLog.setLevel(ch.qos.logback.classic.Level.INFO);
      alertLog.addAppender(appender);
      try {
        AlertCenter alerts = new AlertCenter("headend-1", Clock.systemUTC(), 10);
        alerts.raise(DhcpAlerts.POOL_EXHAUSTED, "cm-north", "no free address");
        DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
        collector.receive(packet);
        String message =
            new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        String[] fields = message.split(" ", 8);
        assertEquals("<" + (17 * 8 + 4) + ">1", fields[0], "local1.warning: " + message);
        assertEquals("headend-1", fields[2]);
        assertEquals("provisiond", fields[3]);
        assertEquals("DHCP_POOL_EXHAUSTED", fields[5], "MSGID is the event name: " + message);
        assertTrue(
            fields[6].equals("[log@32473")
                && fields[7].startsWith(
                    "logger=\"org.provisioning.common.alert.AlertCenter\" thread=\"main\"] "),
            message);
        assertTrue(
            message.endsWith(
                "\uFEFFDHCP_POOL_EXHAUSTED id=1 object=cm-north severity=CRITICAL no free address"),
            message);

        // A clear of an event 29 characters long: the MSGID is still the event, whole.
        alerts.raise(DhcpAlerts.POOL_HIGH_WATER_CRITICAL, "pools[0]", "at 96 %");
        alerts.clear(DhcpAlerts.POOL_HIGH_WATER_CRITICAL, "pools[0]", "back at 80 %");
        collector.receive(packet);
        collector.receive(packet);
        String cleared =
            new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        String[] clearedFields = cleared.split(" ", 8);
        assertEquals("DHCP_POOL_HIGH_WATER_CRITICAL", clearedFields[5], cleared);
        assertTrue(clearedFields[7].contains(" change=\"cleared\"]"), cleared);
      } finally {
        alertLog.detachAppender(appender);
        alertLog.setLevel(before);
        appender.stop();
      }
    }
  }

  @Test
  void msgidIsTheLeadingEventNameOrNil() {
    assertEquals(
        "BUS_JOURNAL_TAIL_TRUNCATED",
        Rfc5424SyslogAppender.eventName("BUS_JOURNAL_TAIL_TRUNCATED segment=3 cut=12"));
    assertEquals(
        "DATA_DIR_UNLOCK_FAILED", Rfc5424SyslogAppender.eventName("DATA_DIR_UNLOCK_FAILED: x"));
    assertNull(Rfc5424SyslogAppender.eventName("started in 3 s"));
    assertNull(Rfc5424SyslogAppender.eventName("OK"));
  }
}
