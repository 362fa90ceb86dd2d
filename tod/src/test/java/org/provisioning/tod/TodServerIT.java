package org.provisioning.tod;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.net.time.TimeTCPClient;
import org.apache.commons.net.time.TimeUDPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.TodConfig;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;

/** The server on a loopback port, asked by Commons Net's time clients, which nobody here wrote. */
class TodServerIT {
  private static final Instant AFTER_WRAP = Instant.parse("2036-02-07T07:28:16Z");
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AtomicBoolean synced = new AtomicBoolean(true);
  private TodServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private InetSocketAddress start(Instant now, boolean requireSync) throws Exception {
    server =
        new TodServer(
            config(requireSync, 0),
            Clock.fixed(now, ZoneOffset.UTC),
            stats,
            c -> c.requireSync() ? synced::get : ClockSyncCheck.ALWAYS);
    server.start();
    assertEquals(ServiceState.RUNNING, server.state());
    return server.localAddress();
  }

  private static TodConfig config(boolean requireSync, int port) {
    return new TodConfig(true, Ipv4Address.parse("127.0.0.1"), port, requireSync, null, null);
  }

  @Test
  void tcpClientReadsTheTimeAcrossThe2036Wrap() throws Exception {
    InetSocketAddress address = start(AFTER_WRAP, false);
    TimeTCPClient client = new TimeTCPClient();
    client.setDefaultTimeout(2000);
    client.connect(address.getAddress(), address.getPort());
    try {
      long seconds = client.getTime();
      assertEquals(3600L, seconds);
      assertEquals(
          AFTER_WRAP, TodTime.decode((int) seconds, Instant.parse("2036-02-01T00:00:00Z")));
    } finally {
      client.disconnect();
    }
    await().atMost(5, SECONDS).until(() -> stats.snapshot().get("tod.tcp.served") == 1L);
  }

  @Test
  void udpClientReadsTheTime() throws Exception {
    Instant now = Instant.parse("2025-06-01T12:00:00Z");
    InetSocketAddress address = start(now, false);
    TimeUDPClient client = new TimeUDPClient();
    client.setDefaultTimeout(2000);
    client.open();
    try {
      assertEquals(now, client.getDate(address.getAddress(), address.getPort()).toInstant());
    } finally {
      client.close();
    }
    assertEquals(1L, stats.snapshot().get("tod.udp.served"));
  }

  @Test
  void answersAnyDatagramWhateverItHoldsEvenAnEmptyOne() throws Exception {
    Instant now = Instant.parse("2025-06-01T12:00:00Z");
    InetSocketAddress address = start(now, false);
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(2000);
      for (byte[] payload : List.of(new byte[0], new byte[] {1, 2, 3}, new byte[1400])) {
        socket.send(new DatagramPacket(payload, payload.length, address));
        DatagramPacket reply = new DatagramPacket(new byte[16], 16);
        socket.receive(reply);
        assertEquals(4, reply.getLength());
        assertEquals(TodTime.encode(now), ByteBuffer.wrap(reply.getData(), 0, 4).getInt());
      }
    }
    assertEquals(3L, stats.snapshot().get("tod.udp.served"));
  }

  @Test
  void aDatagramFromAServersPortIsNotAnsweredSoNoLoopStarts() throws Exception {
    InetSocketAddress address = start(Instant.parse("2025-06-01T12:00:00Z"), false);
    // Another RFC 868 server (port 37 on a loopback address of its own, as root may bind), which
    // answers whatever reaches it: a datagram spoofed as coming from it would start the loop.
    try (DatagramSocket other =
        new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.37"), 37))) {
      other.setSoTimeout(500);
      other.send(new DatagramPacket(new byte[0], 0, address));
      assertThrows(
          SocketTimeoutException.class,
          () -> other.receive(new DatagramPacket(new byte[16], 16)),
          "no answer to a server's port");
    }
    assertEquals(1L, stats.snapshot().get("tod.udp.dropped.server_port"));
    assertEquals(0L, stats.snapshot().get("tod.udp.served"));
  }

  /**
   * Listening above 1024 (an unprivileged install; the tests' ephemeral port), a datagram from the
   * server's own port, another address's (the partner's ToD) or its own spoofed, is not answered:
   * the privileged-port check alone let one datagram start a loop between the two.
   */
  @Test
  void aDatagramFromTheServersOwnPortIsNotAnswered() throws Exception {
    InetSocketAddress address = start(Instant.parse("2025-06-01T12:00:00Z"), false);
    try (DatagramSocket other =
        new DatagramSocket(
            new InetSocketAddress(InetAddress.getByName("127.0.0.38"), address.getPort()))) {
      other.setSoTimeout(500);
      other.send(new DatagramPacket(new byte[0], 0, address));
      assertThrows(
          SocketTimeoutException.class,
          () -> other.receive(new DatagramPacket(new byte[16], 16)),
          "no answer to the server's own port");
    }
    assertEquals(1L, stats.snapshot().get("tod.udp.dropped.server_port"));
    assertEquals(0L, stats.snapshot().get("tod.udp.served"));
  }

  @Test
  void sendsNothingWhileTheClockIsUnsynchronisedIfAskedTo() throws Exception {
    InetSocketAddress address = start(Instant.parse("2025-06-01T12:00:00Z"), true);
    synced.set(false);
    assertEquals(0L, stats.snapshot().get("tod.clock.synchronised"));

    TimeTCPClient tcp = new TimeTCPClient();
    tcp.setDefaultTimeout(2000);
    tcp.connect(address.getAddress(), address.getPort());
    try {
      assertThrows(IOException.class, tcp::getTime);
    } finally {
      tcp.disconnect();
    }
    TimeUDPClient udp = new TimeUDPClient();
    udp.setDefaultTimeout(300);
    udp.open();
    try {
      assertThrows(
          SocketTimeoutException.class, () -> udp.getTime(address.getAddress(), address.getPort()));
    } finally {
      udp.close();
    }
    await().atMost(5, SECONDS).until(() -> stats.snapshot().get("tod.tcp.withheld") == 1L);
    assertEquals(1L, stats.snapshot().get("tod.udp.withheld"));

    synced.set(true);
    udp.open();
    try {
      udp.setSoTimeout(2000);
      assertEquals(
          Integer.toUnsignedLong(TodTime.encode(Instant.parse("2025-06-01T12:00:00Z"))),
          udp.getTime(address.getAddress(), address.getPort()));
    } finally {
      udp.close();
    }
  }

  @Test
  void aDisabledServerBindsNothingAndAConfigChangeRebindsIt() throws Exception {
    server =
        new TodServer(new TodConfig(false, null, 0, null, null, null), Clock.systemUTC(), stats);
    server.start();
    assertEquals(ServiceState.DISABLED, server.state());
    server.apply(config(false, 0));
    assertEquals(ServiceState.RUNNING, server.state());
    TimeUDPClient udp = new TimeUDPClient();
    udp.setDefaultTimeout(2000);
    udp.open();
    try {
      InetSocketAddress address = server.localAddress();
      udp.getTime(address.getAddress(), address.getPort());
    } finally {
      udp.close();
    }
  }
}
