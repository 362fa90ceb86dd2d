package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dist.Distribution.Result;
import org.provisioning.dist.ProvisiondPair.Server;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Both servers of a packaged pair serve DNS, each on its own address: what nsupdate (which nobody
 * here wrote) changes on one is answered by the other, and a change made on the secondary while the
 * primary is dead is on the primary once it returns.
 */
class DnsPairIT {
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
            .formatted(dnsPort, DnsProbe.SECRET);
    pair = ProvisiondPair.startWith(dir, ProvisiondPair.ONE_BIG_POOL, services);
    Server primary = pair.primary();
    Server secondary = pair.secondary();

    Result added = nsupdate(primary, "update add printer.cable.example.net 300 A 127.0.0.44");
    assertEquals(0, added.exit(), added.out() + added.err());
    awaitAnswer(secondary, "printer", "127.0.0.44");

    primary.kill();
    await().atMost(10, SECONDS).until(() -> "PARTNER_DOWN".equals(secondary.state()));
    Result changed =
        nsupdate(
            secondary,
            "update delete printer.cable.example.net A",
            "update add scanner.cable.example.net 300 A 127.0.0.45");
    assertEquals(0, changed.exit(), changed.out() + changed.err());
    awaitAnswer(secondary, "scanner", "127.0.0.45");

    primary.start();
    pair.awaitNormal(Duration.ofSeconds(30));
    awaitAnswer(primary, "scanner", "127.0.0.45");
    // deleted on the secondary (SERVFAIL until the primary's leases' names are laid in again)
    await()
        .atMost(10, SECONDS)
        .until(
            () ->
                probe(primary).ask("printer.cable.example.net.", Type.A).getRcode()
                    == Rcode.NXDOMAIN);
  }

  private Result nsupdate(Server server, String... updates) throws Exception {
    return probe(server).update(dir, "cable.example.net", updates);
  }

  private DnsProbe probe(Server server) {
    return new DnsProbe(server.address(), dnsPort);
  }

  private void awaitAnswer(Server server, String host, String address) {
    await()
        .atMost(10, SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> address.equals(probe(server).answer(host + ".cable.example.net.", Type.A)));
  }
}
