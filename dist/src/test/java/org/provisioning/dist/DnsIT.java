package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dhcp.testing.RelayedDhcpClient;
import org.provisioning.dist.Distribution.Result;
import org.provisioning.dns.zone.DnsZone;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The packaged provisiond's DNS: leases bound through its DHCP resolve forward and reverse within a
 * second, a release removes both, a second client does not take a name (RFC 4703); and dig and
 * nsupdate, which nobody here wrote, query, transfer (AXFR, IXFR) with TSIG, update with and
 * without a key and send NOTIFY; a socket standing in for a secondary receives NOTIFY.
 */
class DnsIT {
  private static final String SECRET = DnsProbe.SECRET;

  @TempDir Path dir;
  private Process server;
  private int dnsPort;
  private int dhcpPort;
  private DatagramSocket secondary;
  private Path config;

  // Numbers go into configs and nsupdate scripts with %s, never %d: CI also runs this test in
  // Egyptian Arabic, where %d writes digits nsupdate does not read.
  @BeforeEach
  void start() throws Exception {
    dnsPort = FreePorts.tcp();
    // A secondary of cable.example.net, as far as NOTIFY goes: a socket the test reads.
    secondary = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
    secondary.setSoTimeout(10_000);
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      dhcpPort = socket.getLocalPort();
    }
    config =
        Files.writeString(
            dir.resolve("provisiond.yaml"),
            """
            server: {name: dns-it, dataDir: %s}
            management: {port: %s}
            dhcp:
              enabled: true
              listen: 127.0.0.1
              port: %s
              serverIdentifier: 127.0.0.1
              subnets:
                - subnet: 127.16.0.0/16
                  relays: [127.0.0.2]
                  pools: [{range: 127.16.0.10-127.16.0.250}]
            dns:
              enabled: true
              listen: 127.0.0.1
              port: %s
              keys:
                - {name: ddns-key, algorithm: hmac-sha256, secret: %s}
              zones:
                - name: cable.example.net
                  nameServers: [ns1.cable.example.net]
                  # the TXT records outweigh the IXFR test's changes (a larger IXFR is sent whole)
                  records: ["ns1 A 127.0.0.1", "www A 127.0.0.5", "t1 TXT a", "t2 TXT b",
                            "t3 TXT c", "t4 TXT d", "t5 TXT e", "t6 TXT f", "t7 TXT g"]
                  updateKeys: [ddns-key]
                  transferKeys: [ddns-key]
                  alsoNotify: [{address: 127.0.0.1, port: %s}]
                - name: 16.127.in-addr.arpa
                  nameServers: [ns1.cable.example.net]
              ddns:
                enabled: true
                forwardZone: cable.example.net
            """
                .formatted(
                    dir.resolve("data"),
                    FreePorts.tcp(),
                    dhcpPort,
                    dnsPort,
                    SECRET,
                    secondary.getLocalPort()));
    server = Distribution.startServer(config, dir.resolve("provisiond.log"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (secondary != null) {
      secondary.close();
    }
    if (server != null) {
      server.destroy();
      if (!server.waitFor(10, SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private Message ask(String name, int type) throws Exception {
    return new DnsProbe("127.0.0.1", dnsPort).ask(name, type);
  }

  private String answer(String name, int type) throws Exception {
    return new DnsProbe("127.0.0.1", dnsPort).answer(name, type);
  }

  /**
   * DNS serves on Netty's native epoll transport, loaded with {@code System.loadLibrary}: from JDK
   * 24 on the JVM warns about that unless native access is enabled, and a later JDK will refuse it.
   * bin/provisiond enables it; CI runs this test again on the newest JDK it finds.
   */
  @Test
  void servesOnTheNativeTransportWithoutAJvmWarning() {
    String log = Distribution.read(dir.resolve("provisiond.log"));
    assertTrue(log.contains("DNS_STARTED") && log.contains("transport=epoll"), log);
    assertFalse(log.contains("WARNING: A restricted method"), log);
  }

  @Test
  void leasesResolveForwardAndReverseAndAReleaseRemovesThem() throws Exception {
    try (RelayedDhcpClient relay =
        new RelayedDhcpClient(
            Ipv4Address.parse("127.0.0.2"), new InetSocketAddress("127.0.0.1", dhcpPort))) {
      Ipv4Address address = relay.bind(1, "laptop", System.currentTimeMillis() + 10_000);
      assertNotNull(address, "the client was acknowledged");
      String reverse = ReverseMap.fromAddress(address.toInetAddress()).toString();
      await()
          .atMost(1, SECONDS)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () ->
                  address.toString().equals(answer("laptop.cable.example.net.", Type.A))
                      && "laptop.cable.example.net.".equals(answer(reverse, Type.PTR)));

      Result zone =
          Distribution.run(
              "provisionctl",
              "--config",
              dir.resolve("provisiond.yaml").toString(),
              "dns",
              "zone",
              "cable.example.net");
      assertEquals(0, zone.exit(), zone.err());
      assertTrue(
          zone.out().contains("laptop.cable.example.net.") && zone.out().contains("DHCID"),
          zone.out());

      Ipv4Address second = relay.bind(2, "laptop", System.currentTimeMillis() + 10_000);
      assertNotNull(second);
      assertNotEquals(address, second);
      String secondReverse = ReverseMap.fromAddress(second.toInetAddress()).toString();
      // Lease changes reach DNS in order: once a third client's name resolves, the second's
      // claim has been judged.
      Ipv4Address third = relay.bind(3, "desktop", System.currentTimeMillis() + 10_000);
      assertNotNull(third);
      await()
          .atMost(1, SECONDS)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> third.toString().equals(answer("desktop.cable.example.net.", Type.A)));
      assertEquals(address.toString(), answer("laptop.cable.example.net.", Type.A));
      assertEquals(Rcode.NXDOMAIN, ask(secondReverse, Type.PTR).getRcode());

      relay.release(1, address);
      await()
          .atMost(1, SECONDS)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () ->
                  ask("laptop.cable.example.net.", Type.A).getRcode() == Rcode.NXDOMAIN
                      && ask(reverse, Type.PTR).getRcode() == Rcode.NXDOMAIN);
    }
  }

  @Test
  void digQueriesAndTransfersWithTsig() throws Exception {
    String dig = HostTools.require("dig", "bind9-dnsutils");
    String port = String.valueOf(dnsPort);
    String a =
        HostTools.check(dig, "@127.0.0.1", "-p", port, "+short", "www.cable.example.net", "A");
    assertEquals("127.0.0.5", a.trim());
    String refused = HostTools.check(dig, "@127.0.0.1", "-p", port, "www.example.com", "A");
    assertTrue(refused.contains("status: REFUSED"), refused);
    String nx = HostTools.check(dig, "@127.0.0.1", "-p", port, "nope.cable.example.net", "A");
    assertTrue(nx.contains("status: NXDOMAIN") && nx.contains("SOA"), nx);
    String axfr =
        HostTools.check(
            dig,
            "@127.0.0.1",
            "-p",
            port,
            "-y",
            "hmac-sha256:ddns-key:" + SECRET,
            "cable.example.net",
            "AXFR");
    assertTrue(axfr.contains("www.cable.example.net.") && !axfr.contains("failed"), axfr);
    String unsigned = HostTools.check(dig, "@127.0.0.1", "-p", port, "cable.example.net", "AXFR");
    assertTrue(unsigned.contains("Transfer failed"), unsigned);
  }

  @Test
  void nsupdateWithTheKeyChangesTheZoneAndWithoutItIsRefused() throws Exception {
    String nsupdate = HostTools.require("nsupdate", "bind9-dnsutils");
    String script =
        """
        server 127.0.0.1 %s
        zone cable.example.net
        update add printer.cable.example.net 300 A 127.0.0.44
        send
        """
            .formatted(dnsPort);
    Path file = Files.writeString(dir.resolve("update.txt"), script);
    Result signed = DnsProbe.nsupdate(file);
    assertEquals(0, signed.exit(), signed.err());
    assertEquals("127.0.0.44", answer("printer.cable.example.net.", Type.A));

    // RFC 2136 section 3.4.2.2: a CNAME beside the A is ignored, the update still succeeds.
    Path cname =
        Files.writeString(
            dir.resolve("cname.txt"),
            script.replace(
                "update add printer.cable.example.net 300 A 127.0.0.44",
                "update add printer.cable.example.net 300 CNAME www.cable.example.net."));
    Result ignored = DnsProbe.nsupdate(cname);
    assertEquals(0, ignored.exit(), ignored.err());
    assertEquals(Rcode.NOERROR, ask("printer.cable.example.net.", Type.CNAME).getRcode());
    assertTrue(ask("printer.cable.example.net.", Type.CNAME).getSection(Section.ANSWER).isEmpty());
    assertEquals("127.0.0.44", answer("printer.cable.example.net.", Type.A));

    Path evil =
        Files.writeString(
            dir.resolve("evil.txt"), script.replace("printer", "evil").replace(".44", ".66"));
    Result unsigned = HostTools.run(Duration.ofSeconds(30), List.of(nsupdate, evil.toString()));
    assertNotEquals(0, unsigned.exit());
    assertTrue(unsigned.err().contains("REFUSED"), unsigned.err());
    Result wrongKey =
        HostTools.run(
            Duration.ofSeconds(30),
            List.of(
                nsupdate,
                "-y",
                "hmac-sha256:ddns-key:b3RoZXItb3RoZXItb3RoZXItb3RoZXI=",
                evil.toString()));
    assertNotEquals(0, wrongKey.exit());
    assertEquals(Rcode.NXDOMAIN, ask("evil.cable.example.net.", Type.A).getRcode());
  }

  @Test
  void notifiesItsSecondaryOfAnUpdateAndAnswersDigsNotify() throws Exception {
    String dig = HostTools.require("dig", "bind9-dnsutils");
    Path file =
        Files.writeString(
            dir.resolve("update.txt"),
            """
            server 127.0.0.1 %s
            zone cable.example.net
            update add notified.cable.example.net 300 A 127.0.0.45
            send
            """
                .formatted(dnsPort));
    Result signed = DnsProbe.nsupdate(file);
    assertEquals(0, signed.exit(), signed.err());
    long serial = serial();
    // The NOTIFY sent at start (and its retransmissions) may come first; answer each as a
    // secondary would, until one carries the serial the update made.
    long notified = -1;
    while (notified != serial) {
      java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[4096], 4096);
      secondary.receive(packet);
      Message notify = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
      assertEquals(org.xbill.DNS.Opcode.NOTIFY, notify.getHeader().getOpcode());
      assertEquals(Name.fromString("cable.example.net."), notify.getQuestion().getName());
      notified = ((org.xbill.DNS.SOARecord) notify.getSection(Section.ANSWER).get(0)).getSerial();
      Message response = new Message(notify.getHeader().getID());
      response.getHeader().setFlag(org.xbill.DNS.Flags.QR);
      response.getHeader().setOpcode(org.xbill.DNS.Opcode.NOTIFY);
      response.addRecord(notify.getQuestion(), Section.QUESTION);
      byte[] wire = response.toWire();
      secondary.send(new java.net.DatagramPacket(wire, wire.length, packet.getSocketAddress()));
    }

    String port = String.valueOf(dnsPort);
    String served =
        HostTools.check(
            dig, "@127.0.0.1", "-p", port, "+opcode=notify", "cable.example.net", "SOA");
    assertTrue(served.contains("opcode: NOTIFY, status: NOERROR"), served);
    String other =
        HostTools.check(dig, "@127.0.0.1", "-p", port, "+opcode=notify", "example.com", "SOA");
    assertTrue(other.contains("opcode: NOTIFY, status: NOTAUTH"), other);
  }

  @Test
  void digIxfrGetsOnlyTheChangesSinceItsSerial() throws Exception {
    String dig = HostTools.require("dig", "bind9-dnsutils");
    String nsupdate = HostTools.require("nsupdate", "bind9-dnsutils");
    String port = String.valueOf(dnsPort);
    String key = "hmac-sha256:ddns-key:" + SECRET;
    String soa =
        HostTools.check(dig, "@127.0.0.1", "-p", port, "+short", "cable.example.net", "SOA");
    long before = Long.parseLong(soa.trim().split("\\s+")[2]);
    Path file =
        Files.writeString(
            dir.resolve("update.txt"),
            """
            server 127.0.0.1 %s
            zone cable.example.net
            update add printer.cable.example.net 300 A 127.0.0.44
            send
            update delete www.cable.example.net A
            send
            """
                .formatted(dnsPort));
    Result updated =
        HostTools.run(Duration.ofSeconds(30), List.of(nsupdate, "-y", key, file.toString()));
    assertEquals(0, updated.exit(), updated.err());

    String ixfr =
        HostTools.check(
            dig, "@127.0.0.1", "-p", port, "-y", key, "cable.example.net", "IXFR=" + before);
    assertTrue(!ixfr.contains("failed") && ixfr.contains("printer.cable.example.net."), ixfr);
    List<String> answers = records(ixfr);
    // Current SOA, then per update the old SOA, deletions, the new SOA, additions; current SOA.
    assertEquals(
        List.of("SOA", "SOA", "SOA", "A", "SOA", "A", "SOA", "SOA"),
        answers.stream().map(l -> l.split("\\s+")[3]).toList(),
        ixfr);
    assertTrue(answers.get(4).startsWith("cable.example.net."), ixfr);
    assertTrue(answers.get(5).startsWith("www.cable.example.net."), "www deleted: " + ixfr);
    assertTrue(!ixfr.contains("ns1.cable.example.net.\t"), "no unchanged record: " + ixfr);

    String current = answers.get(0).split("\\s+")[6]; // the serial field of the SOA
    String upToDate =
        HostTools.check(
            dig, "@127.0.0.1", "-p", port, "-y", key, "cable.example.net", "IXFR=" + current);
    assertEquals(
        List.of("SOA"), records(upToDate).stream().map(l -> l.split("\\s+")[3]).toList(), upToDate);
    String unsigned =
        HostTools.check(dig, "@127.0.0.1", "-p", port, "cable.example.net", "IXFR=" + before);
    assertTrue(unsigned.contains("Transfer failed"), unsigned);
  }

  /**
   * nsupdate's changes outlive kill -9: answered only once journaled, they are laid over the zone
   * the restart builds again from the config. And a burst of them takes the serial past the clock
   * (one step each, BIND's unixtime rule); after the restart the serial is still above it, as RFC
   * 1982 reads it, so a secondary holding the burst's serial transfers the zone again.
   */
  @Test
  void updatesAndTheirSerialOutliveKillDashNine() throws Exception {
    StringBuilder script =
        new StringBuilder("server 127.0.0.1 %s\nzone cable.example.net\n".formatted(dnsPort));
    script.append("update delete www.cable.example.net A\nsend\n");
    for (int i = 0; i < 300; i++) {
      script.append("update add burst%s.cable.example.net 300 A 127.0.0.46\nsend\n".formatted(i));
    }
    script.append("update add burst0.cable.example.net 86400 A 127.0.0.46\nsend\n"); // TTL only
    Path file = Files.writeString(dir.resolve("burst.txt"), script);
    Result signed = DnsProbe.nsupdate(file);
    assertEquals(
        0,
        signed.exit(),
        signed.err()
            + "\nthe server's log:\n"
            + Distribution.logTail(dir.resolve("provisiond.log")));
    long beforeRestart = serial();
    long unixTime = System.currentTimeMillis() / 1000;
    assertTrue(beforeRestart > unixTime + 100, beforeRestart + " is ahead of " + unixTime);

    server.destroyForcibly();
    assertTrue(server.waitFor(10, SECONDS));
    server = Distribution.startServer(config, dir.resolve("provisiond.log"));
    long afterRestart = serial();
    assertTrue(
        DnsZone.serialGreater(afterRestart, beforeRestart),
        afterRestart + " after a restart from " + beforeRestart);
    assertEquals("127.0.0.46", answer("burst0.cable.example.net.", Type.A));
    assertEquals("127.0.0.46", answer("burst299.cable.example.net.", Type.A));
    Record raised = ask("burst0.cable.example.net.", Type.A).getSection(Section.ANSWER).get(0);
    assertEquals(86400, raised.getTTL(), "a change of the TTL alone lasts too");
    // Negative answers are SERVFAIL until the leases' names are laid in again after the start.
    await()
        .atMost(10, SECONDS)
        .until(() -> ask("www.cable.example.net.", Type.A).getRcode() == Rcode.NXDOMAIN);
  }

  private long serial() throws Exception {
    return new DnsProbe("127.0.0.1", dnsPort).serial("cable.example.net.");
  }

  /** The records dig printed: no comments, no blank lines, no TSIG. */
  private static List<String> records(String digOutput) {
    return digOutput
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith(";"))
        .filter(l -> !l.split("\\s+")[3].equals("TSIG"))
        .toList();
  }
}
