package org.provisioning.dns.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.util.List;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.engine.DnsEngine;
import org.provisioning.dns.engine.DnsStatistics;
import org.provisioning.dns.engine.DnsTransport;
import org.provisioning.dns.zone.DnsKeys;
import org.provisioning.dns.zone.DnsZones;
import org.xbill.DNS.Message;

/**
 * Jazzer fuzz target for the whole message path a client's bytes reach (parse, TSIG, query, update,
 * transfer). A normal test run replays the seed corpus in DnsFuzzTestInputs/; {@code JAZZER_FUZZ=1
 * ./mvnw -pl dns test -Dtest=DnsFuzzTest} fuzzes for real.
 */
class DnsFuzzTest {
  private static final DnsEngine ENGINE = engine();

  private static DnsEngine engine() {
    try {
      DnsConfig config =
          new ConfigCodec()
              .parse(
                  """
                  dns:
                    enabled: true
                    keys: [{name: k, secret: c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0}]
                    zones:
                      - name: cable.example.net
                        nameServers: [ns1.cable.example.net]
                        records: ["www A 127.0.0.5", "alias CNAME www", "loop CNAME loop"]
                        updateKeys: [k]
                        transferKeys: [k]
                  """)
              .dns();
      DnsZones zones = DnsZones.fromConfig(config, Clock.systemUTC());
      DnsKeys keys = new DnsKeys(config.keys(), Clock.systemUTC());
      return new DnsEngine(
          () -> zones, () -> keys, new DnsStatistics(new StatisticsRegistry()), 1232);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Any bytes get nothing (no readable header) or well-formed answers: a UDP answer fits the
   * 512/EDNS limit, and every answer parses again with the request's ID.
   */
  @FuzzTest(maxDuration = "60s")
  void engineAnswersEveryMessageOrDropsIt(FuzzedDataProvider data) throws Exception {
    boolean tcp = data.consumeBoolean();
    byte[] wire = data.consumeRemainingAsBytes();
    List<byte[]> answers = ENGINE.handle(wire, tcp ? DnsTransport.TCP : DnsTransport.UDP);
    for (byte[] answer : answers) {
      if (!tcp && answer.length > 1232) {
        throw new AssertionError("a UDP answer of " + answer.length + " octets");
      }
      Message parsed = new Message(answer);
      int id = ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
      if (parsed.getHeader().getID() != id) {
        throw new AssertionError("answer ID " + parsed.getHeader().getID() + " for request " + id);
      }
    }
  }
}
