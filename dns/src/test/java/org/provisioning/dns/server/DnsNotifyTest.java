package org.provisioning.dns.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.notify.DnsNotifier;
import org.provisioning.dns.zone.DnsZone;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * RFC 1996 both ways: the server NOTIFYs a secondary (a plain socket reading with dnsjava's {@link
 * Message}) when a zone loads or changes, retransmits until answered; and it answers NOTIFYs it
 * receives.
 */
class DnsNotifyTest {
  private static final String SECRET = DnsServerTest.SECRET;
  private static final Name ZONE = name("cable.example.net.");

  private final StatisticsRegistry stats = new StatisticsRegistry();
  private DatagramSocket secondary;
  private DnsServer server;

  private static Name name(String text) {
    try {
      return Name.fromString(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private String yaml(String records) {
    return """
        dns:
          enabled: true
          listen: 127.0.0.1
          port: 1053
          keys: [{name: ddns-key, secret: %s}]
          zones:
            - name: cable.example.net
              nameServers: [ns1.cable.example.net]
              records: [%s]
              updateKeys: [ddns-key]
              alsoNotify: [{address: 127.0.0.1, port: %d}]
            - name: quiet.example.net
              nameServers: [ns1.cable.example.net]
        """
        .formatted(SECRET, records, secondary.getLocalPort());
  }

  private DnsConfig config(String records) throws Exception {
    DnsConfig parsed = new ConfigCodec().parse(yaml(records)).dns();
    return DnsServerTest.onAnyPort(parsed);
  }

  @BeforeEach
  void start() throws Exception {
    secondary = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    secondary.setSoTimeout(5000);
  }

  private void startServer(Duration firstRetry, int retransmissions) throws Exception {
    server = new DnsServer(config("\"www A 127.0.0.5\""), Clock.systemUTC(), stats);
    server.setNotifyTiming(new DnsNotifier.Timing(firstRetry, retransmissions, Duration.ZERO));
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    secondary.close();
  }

  /** One NOTIFY as the secondary sees it, with where it came from. */
  private record Received(Message message, InetSocketAddress from) {}

  private Received receive() throws Exception {
    DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
    secondary.receive(packet);
    return new Received(
        new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength())),
        (InetSocketAddress) packet.getSocketAddress());
  }

  /** The next NOTIFY with a newer serial, past retransmissions of the one answered before. */
  private Received receiveNewerThan(long serial) throws Exception {
    while (true) {
      Received notify = receive();
      if (DnsZone.serialGreater(serialOf(notify.message()), serial)) {
        return notify;
      }
    }
  }

  private void answer(Received notify, int rcode) throws Exception {
    Message response = new Message(notify.message().getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setOpcode(Opcode.NOTIFY);
    response.getHeader().setRcode(rcode);
    response.addRecord(notify.message().getQuestion(), Section.QUESTION);
    byte[] wire = response.toWire();
    secondary.send(new DatagramPacket(wire, wire.length, notify.from()));
  }

  private static long serialOf(Message notify) {
    return ((SOARecord) notify.getSection(Section.ANSWER).get(0)).getSerial();
  }

  private long counter(String name) {
    return stats.snapshot().getOrDefault(name, 0L);
  }

  @Test
  void notifiesItsSecondaryWhenItStartsAndStopsOnceAnswered() throws Exception {
    startServer(Duration.ofMillis(300), 5);
    Received notify = receive();
    Message message = notify.message();
    assertEquals(Opcode.NOTIFY, message.getHeader().getOpcode());
    assertTrue(message.getHeader().getFlag(Flags.AA));
    assertEquals(ZONE, message.getQuestion().getName());
    assertEquals(Type.SOA, message.getQuestion().getType());
    assertEquals(
        server.servedZones().exactly(ZONE).orElseThrow().soa().getSerial(), serialOf(message));
    assertEquals(InetAddress.getLoopbackAddress(), notify.from().getAddress());
    assertEquals(server.notifySource(), notify.from());
    answer(notify, Rcode.NOERROR);
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("dns.notify.answered") == 1);
    long sent = counter("dns.notify.sent");
    // Three retry periods without another NOTIFY: the round is over.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> counter("dns.notify.sent") == sent);
    // Whatever came meanwhile (a retransmission sent before the answer arrived) is that NOTIFY:
    // quiet.example.net names no secondary.
    secondary.setSoTimeout(200);
    try {
      while (true) {
        Message more = receive().message();
        assertEquals(ZONE, more.getQuestion().getName());
        assertEquals(message.getHeader().getID(), more.getHeader().getID());
      }
    } catch (SocketTimeoutException drained) {
      // nothing more
    }
  }

  /**
   * While the leases' names are published again at start, the secondary hears nothing (changes
   * meanwhile included); once they are in, it is notified of the zone with them.
   */
  @Test
  void notifiesOnlyOnceTheNamesArePublishedAgain() throws Exception {
    server = new DnsServer(config("\"www A 127.0.0.5\""), Clock.systemUTC(), stats);
    server.setNotifyTiming(new DnsNotifier.Timing(Duration.ofMillis(300), 5, Duration.ZERO));
    CompletableFuture<Void> published = new CompletableFuture<>();
    server.holdUntilNamesPublished(published);
    server.start();
    DnsZone zone = server.servedZones().exactly(ZONE).orElseThrow();
    synchronized (zone) { // a lease's name, as DDNS publishes it
      zone.add(
          new ARecord(
              name("cm-1.cable.example.net."), DClass.IN, 300, InetAddress.getByName("127.0.0.7")));
      zone.commit();
    }
    secondary.setSoTimeout(1000);
    assertThrows(SocketTimeoutException.class, this::receive, "no NOTIFY while held");
    assertEquals(0, counter("dns.notify.sent"));

    published.complete(null);
    secondary.setSoTimeout(5000);
    Received notify = receive();
    assertEquals(zone.soa().getSerial(), serialOf(notify.message()));
    answer(notify, Rcode.NOERROR);
  }

  @Test
  void notifiesTheNewSerialAfterAnUpdate() throws Exception {
    startServer(Duration.ofMillis(300), 5);
    Received atStart = receive();
    answer(atStart, Rcode.NOERROR);
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("dns.notify.answered") == 1);

    Update update = new Update(ZONE);
    update.add(name("new.cable.example.net."), Type.A, 300, "127.0.0.9");
    SimpleResolver resolver = new SimpleResolver(server.localAddress());
    resolver.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));
    assertEquals(Rcode.NOERROR, resolver.send(update).getRcode());

    Received afterUpdate = receiveNewerThan(serialOf(atStart.message()));
    long serial = serialOf(afterUpdate.message());
    assertTrue(DnsZone.serialGreater(serial, serialOf(atStart.message())));
    assertEquals(server.servedZones().exactly(ZONE).orElseThrow().soa().getSerial(), serial);
    answer(afterUpdate, Rcode.NOERROR);
  }

  @Test
  void notifiesAfterAConfigChangeOfTheZoneData() throws Exception {
    startServer(Duration.ofMillis(300), 5);
    Received atStart = receive();
    answer(atStart, Rcode.NOERROR);
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("dns.notify.answered") == 1);
    server.apply(config("\"www A 127.0.0.6\""));
    Received afterChange = receiveNewerThan(serialOf(atStart.message()));
    assertTrue(DnsZone.serialGreater(serialOf(afterChange.message()), serialOf(atStart.message())));
  }

  /**
   * An update that reaches a zone after a config change rebuilt it (the update had found the zone
   * just before) is not applied to the zone thrown away, answered NOERROR and lost: that zone
   * refuses it as replaced, and the update goes to the new one.
   */
  @Test
  void anUpdateToAZoneARebuildReplacedGoesToTheNewZone() throws Exception {
    startServer(Duration.ofMillis(300), 5);
    DnsZone old = server.servedZones().exactly(ZONE).orElseThrow();
    server.apply(config("\"www A 127.0.0.6\""));
    Update update = new Update(ZONE);
    update.add(name("late.cable.example.net."), Type.A, 300, "127.0.0.9");
    assertTrue(server.engine().updates().applyAndKeep(old, update, null).zoneReplaced());
    assertNull(old.data().findExactMatch(name("late.cable.example.net."), Type.A));

    SimpleResolver resolver = new SimpleResolver(server.localAddress());
    resolver.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));
    assertEquals(Rcode.NOERROR, resolver.send(update).getRcode());
    DnsZone now = server.servedZones().exactly(ZONE).orElseThrow();
    assertNotNull(now.data().findExactMatch(name("late.cable.example.net."), Type.A));
  }

  @Test
  void retransmitsWithTheSameIdUntilTheSecondaryAnswers() throws Exception {
    startServer(Duration.ofMillis(200), 5);
    Received first = receive();
    Received second = receive();
    Received third = receive();
    int id = first.message().getHeader().getID();
    assertEquals(id, second.message().getHeader().getID());
    assertEquals(id, third.message().getHeader().getID());
    answer(third, Rcode.NOERROR);
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("dns.notify.answered") == 1);
    assertTrue(counter("dns.notify.sent") >= 3, "two retransmissions before the answer");
    assertEquals(0, counter("dns.notify.failed"));
  }

  @Test
  void givesUpAfterItsRetransmissionsAndCountsIt() throws Exception {
    startServer(Duration.ofMillis(50), 2);
    receive();
    receive();
    receive();
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("dns.notify.failed") == 1);
    assertEquals(3, counter("dns.notify.sent"), "one NOTIFY and two retransmissions");
  }

  @Test
  void aRefusingSecondaryEndsTheRoundAndIsCounted() throws Exception {
    startServer(Duration.ofMillis(300), 5);
    answer(receive(), Rcode.NOTAUTH);
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("dns.notify.refused") == 1);
  }

  @Test
  void answersNotifyForItsZonesAndRefusesOthers() throws Exception {
    startServer(Duration.ofSeconds(5), 0);
    SimpleResolver resolver = new SimpleResolver(server.localAddress());
    resolver.setTimeout(Duration.ofSeconds(2));
    Message served = resolver.send(notify("cable.example.net.", Type.SOA));
    assertEquals(Rcode.NOERROR, served.getRcode());
    assertEquals(Opcode.NOTIFY, served.getHeader().getOpcode());
    assertTrue(served.getHeader().getFlag(Flags.AA));
    assertEquals(ZONE, served.getQuestion().getName());
    assertEquals(Rcode.NOTAUTH, resolver.send(notify("example.com.", Type.SOA)).getRcode());
    assertEquals(Rcode.FORMERR, resolver.send(notify("cable.example.net.", Type.A)).getRcode());
    assertEquals(3, counter("dns.notify.received"));
  }

  private static Message notify(String zone, int type) {
    Message message = Message.newQuery(Record.newRecord(name(zone), type, DClass.IN));
    message.getHeader().setOpcode(Opcode.NOTIFY);
    message.getHeader().unsetFlag(Flags.RD);
    message.getHeader().setFlag(Flags.AA);
    return message;
  }
}
