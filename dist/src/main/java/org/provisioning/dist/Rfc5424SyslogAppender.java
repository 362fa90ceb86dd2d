package org.provisioning.dist;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.provisioning.common.config.SyslogAlertsConfig;
import org.provisioning.console.alert.SyslogMessage;

/**
 * An optional Logback appender that sends provisiond's whole log to a syslog collector as RFC 5424
 * messages over UDP (RFC 5426), the stable event name that starts each log line as the MSGID
 * ({@code DHCP_POOL_HIGH_WATER_CRITICAL}, {@code BUS_JOURNAL_TAIL_TRUNCATED}; {@code -} for a line
 * without one). Logback's own SyslogAppender speaks only the older BSD format (RFC 3164), which has
 * no MSGID. UDP only: logging must never wait for a collector. Configured in a logback file ({@code
 * conf/logback-syslog.xml}):
 *
 * <pre>{@code
 * <appender name="syslog" class="org.provisioning.dist.Rfc5424SyslogAppender">
 *   <host>syslog.example.net</host>
 *   <port>514</port>
 *   <facility>local0</facility>
 * </appender>
 * }</pre>
 */
public final class Rfc5424SyslogAppender extends AppenderBase<ILoggingEvent> {
  private static final Pattern EVENT = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)+");

  /** The alert center's line for a change of an alert: {@code EVENT_CLEARED id=7 ...}. */
  private static final Pattern ALERT_CHANGE =
      Pattern.compile("([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)_(CLEARED|ACKNOWLEDGED|REMINDER) id=\\d+ ");

  private String host = "127.0.0.1";
  private int port = 514;
  private String facility = "local0";
  private String hostname;
  private String appName = "provisiond";
  private int facilityCode;
  private InetSocketAddress collector;
  private DatagramSocket socket;
  private final String procId = Long.toString(ProcessHandle.current().pid());

  public void setHost(String host) {
    this.host = host;
  }

  public void setPort(int port) {
    this.port = port;
  }

  /** {@code kern}, {@code user}, {@code daemon}, {@code local0}...{@code local7}. */
  public void setFacility(String facility) {
    this.facility = facility;
  }

  /** The HOSTNAME field; this machine's name unless given. */
  public void setHostname(String hostname) {
    this.hostname = hostname;
  }

  public void setAppName(String appName) {
    this.appName = appName;
  }

  @Override
  public void start() {
    facilityCode = SyslogAlertsConfig.FACILITIES.indexOf(facility);
    if (facilityCode < 0) {
      addError("facility '" + facility + "' is not one of " + SyslogAlertsConfig.FACILITIES);
      return;
    }
    collector = new InetSocketAddress(host, port);
    if (collector.isUnresolved()) {
      addError("cannot resolve the syslog collector " + host);
      return;
    }
    if (hostname == null) {
      try {
        hostname = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        hostname = "-";
      }
    }
    try {
      socket = new DatagramSocket();
    } catch (SocketException e) {
      addError("cannot open a UDP socket for syslog", e);
      return;
    }
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    if (socket != null) {
      socket.close();
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (event.getThrowableProxy() != null) {
      message += " " + event.getThrowableProxy().getClassName();
      if (event.getThrowableProxy().getMessage() != null) {
        message += ": " + event.getThrowableProxy().getMessage();
      }
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("logger", event.getLoggerName());
    params.put("thread", event.getThreadName());
    String msgId = eventName(message);
    Matcher change = ALERT_CHANGE.matcher(message);
    if (change.lookingAt()) {
      // The alert's own event as MSGID, as when it was raised: with its suffix a long event name
      // would be cut at 32 characters (DHCP_POOL_HIGH_WATER_CRITICAL_CL).
      msgId = change.group(1);
      params.put("change", change.group(2).toLowerCase(Locale.ROOT));
    }
    byte[] bytes =
        SyslogMessage.format(
            facilityCode,
            severity(event.getLevel()),
            Instant.ofEpochMilli(event.getTimeStamp()),
            hostname,
            appName,
            procId,
            msgId,
            "log@" + SyslogMessage.ENTERPRISE,
            params,
            message);
    try {
      socket.send(new DatagramPacket(bytes, bytes.length, collector));
    } catch (IOException e) {
      addWarn("syslog datagram not sent: " + e.getMessage());
    }
  }

  /** The log line's first word if it is an event name, else null (the nil MSGID). */
  static String eventName(String message) {
    int end = message.indexOf(' ');
    String first = end < 0 ? message : message.substring(0, end);
    if (first.endsWith(":")) {
      first = first.substring(0, first.length() - 1);
    }
    return EVENT.matcher(first).matches() ? first : null;
  }

  private static int severity(Level level) {
    if (level.isGreaterOrEqual(Level.ERROR)) {
      return SyslogMessage.ERROR;
    }
    if (level.isGreaterOrEqual(Level.WARN)) {
      return SyslogMessage.WARNING;
    }
    if (level.isGreaterOrEqual(Level.INFO)) {
      return SyslogMessage.INFORMATIONAL;
    }
    return SyslogMessage.DEBUG;
  }
}
