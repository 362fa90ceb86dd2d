package org.provisioning.dns.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.stats.StatisticsRegistry;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** A flood of idle TCP connections, and slow ones, do not stop the server (RFC 7766). */
class DnsTcpLimitTest {
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final List<Socket> sockets = new ArrayList<>();
  private DnsServer server;

  private void start(int maxTcpConnections, int tcpIdleSeconds) throws Exception {
    server =
        new DnsServer(
            DnsServerTest.onAnyPort(
                new ConfigCodec()
                    .parse(
                        """
                        dns:
                          enabled: true
                          listen: 127.0.0.1
                          maxTcpConnections: %d
                          tcpIdleSeconds: %d
                          zones:
                            - name: cable.example.net
                              nameServers: [ns1.cable.example.net]
                              records: ["www A 127.0.0.5"]
                        """
                            .formatted(maxTcpConnections, tcpIdleSeconds))
                    .dns()),
            Clock.systemUTC(),
            stats);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    server.stop();
  }

  private Socket connect() throws Exception {
    Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
    socket.setSoTimeout(5000);
    sockets.add(socket);
    return socket;
  }

  private Message ask(boolean tcp) throws Exception {
    SimpleResolver resolver = new SimpleResolver(server.localAddress());
    resolver.setTCP(tcp);
    resolver.setTimeout(Duration.ofSeconds(2));
    return resolver.send(
        Message.newQuery(
            Record.newRecord(Name.fromString("www.cable.example.net."), Type.A, DClass.IN)));
  }

  /** A query for www's A record with its two-octet TCP length prefix (RFC 7766). */
  private static byte[] framedQuery() throws Exception {
    byte[] query =
        Message.newQuery(
                Record.newRecord(Name.fromString("www.cable.example.net."), Type.A, DClass.IN))
            .toWire();
    byte[] framed = new byte[query.length + 2];
    framed[0] = (byte) (query.length >> 8);
    framed[1] = (byte) query.length;
    System.arraycopy(query, 0, framed, 2, query.length);
    return framed;
  }

  private long counter(String name) {
    return stats.snapshot().getOrDefault(name, 0L);
  }

  /** Whether the server closed the connection: EOF, or a reset, within the socket's timeout. */
  private static boolean closedByServer(Socket socket) throws Exception {
    InputStream in = socket.getInputStream();
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketException reset) {
      return true;
    }
  }

  @Test
  void aFloodOfIdleConnectionsCannotLockClientsOut() throws Exception {
    start(8, 30);
    for (int i = 0; i < 50; i++) {
      connect();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("dns.tcp.evicted") >= 42);
    assertTrue(
        counter("dns.tcp.connections") <= 8, () -> "open: " + counter("dns.tcp.connections"));
    for (int i = 0; i < 5; i++) {
      assertEquals(Rcode.NOERROR, ask(true).getRcode(), "a TCP client still gets its answer");
    }
    assertEquals(Rcode.NOERROR, ask(false).getRcode());
    assertTrue(closedByServer(sockets.get(0)), "the oldest idle connection made room");
  }

  /**
   * A client that pipelines queries and never reads its answers: they queued in the server's memory
   * without bound, and the connection, "still being written to", was never idle nor evicted.
   * Reading stops at the high-water mark now, and a connection whose client reads nothing for the
   * idle time is closed like an idle one.
   */
  @Test
  void aClientThatNeverReadsItsAnswersIsReadNoMoreAndClosed() throws Exception {
    start(8, 1);
    Socket greedy = new Socket();
    greedy.setReceiveBufferSize(4096);
    greedy.connect(server.localAddress());
    sockets.add(greedy);
    byte[] framed = framedQuery();
    java.io.OutputStream out = greedy.getOutputStream();
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 200_000; i++) { // about 10 MB of answers asked for
                  out.write(framed);
                }
              } catch (java.io.IOException closedOrStalled) {
                // the server stopped reading or closed the connection
              }
            });
    writer.setDaemon(true);
    writer.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> counter("dns.tcp.idle_closed") == 1);
    assertEquals(Rcode.NOERROR, ask(true).getRcode(), "other clients are served meanwhile");
    writer.join(5000);
    assertTrue(
        counter("dns.query.a") < 200_000,
        () -> "reading stopped: " + counter("dns.query.a") + " queries read");
  }

  /**
   * Every connection has answers queued (clients that pipeline and never read): a new client is
   * still answered, the oldest of them making room. Connections with answers queued were never
   * evicted, so the newcomer was, and every new TCP client was closed on connect.
   */
  @Test
  void connectionsWithAnswersQueuedCannotLockNewClientsOut() throws Exception {
    start(4, 30);
    byte[] framed = framedQuery();
    for (int c = 0; c < 4; c++) {
      Socket greedy = new Socket();
      greedy.setReceiveBufferSize(4096);
      greedy.connect(server.localAddress());
      sockets.add(greedy);
      OutputStream out = greedy.getOutputStream();
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 200_000; i++) { // answers far past every buffer
                    out.write(framed);
                  }
                } catch (java.io.IOException closedOrStalled) {
                  // the server stopped reading, or closed it
                }
              });
      writer.setDaemon(true);
      writer.start();
    }
    // Each stops being read once its answers pass the high-water mark: then no query is read.
    long[] seen = {-1};
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              long now = counter("dns.query.a");
              boolean stalled = now == seen[0] && now > 0;
              seen[0] = now;
              return stalled;
            });
    assertEquals(Rcode.NOERROR, ask(true).getRcode(), "a new client gets its answer");
    assertTrue(counter("dns.tcp.evicted") >= 1);
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTime() throws Exception {
    start(8, 1);
    Socket idle = connect();
    long started = System.nanoTime();
    assertTrue(closedByServer(idle));
    long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
    // Not before the idle time; not much after it either (the socket gives up after 5 s).
    assertTrue(waited >= 900, () -> "closed after " + waited + " ms");
    assertEquals(1, counter("dns.tcp.idle_closed"));
    await().atMost(Duration.ofSeconds(2)).until(() -> counter("dns.tcp.connections") == 0);
  }

  @Test
  void aClientTricklingBytesWithoutEndingAMessageIsIdleToo() throws Exception {
    start(8, 1);
    Socket slow = connect();
    OutputStream out = slow.getOutputStream();
    out.write(0); // the first octet of a length prefix, then one octet at a time
    Thread trickle =
        new Thread(
            () -> {
              try {
                out.write(40);
                for (int i = 0; i < 30; i++) {
                  Thread.sleep(200); // the pace of the attack under test, not a wait for a result
                  out.write(0);
                }
              } catch (Exception closed) {
                // the server hung up: what the test expects
              }
            });
    trickle.setDaemon(true);
    trickle.start();
    assertTrue(closedByServer(slow), "closed though bytes kept coming");
    assertEquals(1, counter("dns.tcp.idle_closed"));
  }

  @Test
  void aConnectionInUseStaysOpenAcrossQueries() throws Exception {
    start(8, 1);
    Socket socket = connect();
    byte[] query =
        Message.newQuery(
                Record.newRecord(Name.fromString("www.cable.example.net."), Type.A, DClass.IN))
            .toWire();
    for (int i = 0; i < 4; i++) {
      OutputStream out = socket.getOutputStream();
      out.write(new byte[] {(byte) (query.length >> 8), (byte) query.length});
      out.write(query);
      InputStream in = socket.getInputStream();
      int length = (in.read() << 8) | in.read();
      Message answer = new Message(in.readNBytes(length));
      assertEquals(Rcode.NOERROR, answer.getRcode());
      Thread.sleep(300); // well under the idle time, so the connection must stay: the test's point
    }
    assertEquals(0, counter("dns.tcp.idle_closed"));
  }
}
