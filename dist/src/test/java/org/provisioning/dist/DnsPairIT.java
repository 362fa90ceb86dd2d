package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dist.Distribution.Result;
import org.provisioning.dist.ProvisiondPair.Server;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Both servers of a packaged pair serve DNS, each on its own address: what nsupdate (which nobody
 * here wrote) changes on one is answered by the other, and a change made on the secondary while the
 * primary is dead is on the primary once it returns.
 */
class DnsPairIT {
  private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";

  @TempDir Path dir;
  private ProvisiondPair pair;
  private int dnsPort;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void clientsUpdatesReachThePartnerAndAReturningPrimary() throws Exception {
    dnsPort = FreePorts.tcp();
    // Numbers with %s: this text must not follow the locale's digits.
    String services =
        """
        dns:
          enabled: true
          listen: {address}
          port: %s
          keys: [{name: ddns-key, algorithm: hmac-sha256, secret: %s}]
          zones:
            - name: cable.example.net
              nameServers: [ns1.cable.example.net]
              records: ["ns1 A 127.0.0.1"]
              updateKeys: [ddns-key]
        """
            .formatted(dnsPort, SECRET);
    pair = ProvisiondPair.startWith(dir, ProvisiondPair.ONE_BIG_POOL, services);
    Server primary = pair.primary();
    Server secondary = pair.secondary();

    nsupdate(primary, "update add printer.cable.example.net 300 A 127.0.0.44");
    awaitAnswer(secondary, "printer", "127.0.0.44");

    primary.kill();
    await().atMost(10, SECONDS).until(() -> "PARTNER_DOWN".equals(secondary.state()));
    nsupdate(
        secondary,
        "update delete printer.cable.example.net A",
        "update add scanner.cable.example.net 300 A 127.0.0.45");
    awaitAnswer(secondary, "scanner", "127.0.0.45");

    primary.start();
    pair.awaitNormal(Duration.ofSeconds(30));
    awaitAnswer(primary, "scanner", "127.0.0.45");
    assertEquals(Rcode.NXDOMAIN, ask(primary, "printer").getRcode(), "deleted on the secondary");
  }

  private void nsupdate(Server server, String... updates) throws Exception {
    String nsupdate = HostTools.require("nsupdate", "bind9-dnsutils");
    StringBuilder script =
        new StringBuilder("server " + server.address() + " " + dnsPort + "\n")
            .append("zone cable.example.net\n");
    for (String update : updates) {
      script.append(update).append('\n');
    }
    script.append("send\n");
    Path file = Files.writeString(dir.resolve("update-" + System.nanoTime() + ".txt"), script);
    Result result =
        HostTools.run(
            Duration.ofSeconds(30),
            List.of(nsupdate, "-y", "hmac-sha256:ddns-key:" + SECRET, file.toString()));
    assertEquals(0, result.exit(), result.out() + result.err());
  }

  private void awaitAnswer(Server server, String host, String address) {
    await()
        .atMost(10, SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> address.equals(firstA(ask(server, host))));
  }

  private Message ask(Server server, String host) throws Exception {
    SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(server.address(), dnsPort));
    resolver.setTimeout(Duration.ofSeconds(2));
    Name name = Name.fromString(host + ".cable.example.net.");
    return resolver.send(Message.newQuery(Record.newRecord(name, Type.A, DClass.IN)));
  }

  private static String firstA(Message answer) {
    List<Record> records = answer.getSection(Section.ANSWER);
    return records.isEmpty() ? null : records.get(0).rdataToString();
  }
}
