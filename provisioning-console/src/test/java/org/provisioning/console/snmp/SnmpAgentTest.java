package org.provisioning.console.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.PoolConfig;
import org.provisioning.common.config.SnmpAgentConfig;
import org.provisioning.common.config.SnmpUserConfig;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;
import org.provisioning.common.stats.ProcessStatistics;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.snmp4j.PDU;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.VariableBinding;

class SnmpAgentTest {
  private static final String COMMUNITY = "ro-community";
  private static final String AUTH = "poller-auth-key";
  private static final String PRIV = "poller-priv-key";

  @TempDir Path dir;
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final List<PoolConfig> pools = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AlertCenter alerts = new AlertCenter("alpha", Clock.systemUTC(), 100);
  private final AtomicLong used = new AtomicLong(3);
  private final AtomicLong highWaterLevel = new AtomicLong();
  private MibSources sources;
  private SnmpEngine engine;
  private SnmpAgent agent;
  private SnmpTestClient client;

  @BeforeEach
  void start() throws IOException {
    ProcessStatistics.register(stats);
    alerts.registerStatistics(stats);
    stats.declare(
        List.of(
            counter("dhcp.received.{type}", "messages", "DHCP messages received."),
            gauge("dhcp.pool.{pool}.size", "addresses", "Addresses in the pool."),
            gauge("dhcp.pool.{pool}.used", "addresses", "Addresses in use."),
            gauge("dhcp.pool.{pool}.free", "addresses", "Addresses free."),
            gauge("dhcp.pool.{pool}.utilisation_percent", "percent", "Share in use."),
            gauge("dhcp.pool.{pool}.high_water_level", "level", "Mark reached."),
            gauge("test.signed", "milliseconds", "A gauge that can be negative.")));
    stats.counter("dhcp.received.discover").add(7);
    stats.gauge("dhcp.pool.cm-north.size", () -> 10);
    stats.gauge("dhcp.pool.cm-north.used", used::get);
    stats.gauge("dhcp.pool.cm-north.free", () -> 10 - used.get());
    stats.gauge("dhcp.pool.cm-north.utilisation_percent", () -> used.get() * 10);
    stats.gauge("dhcp.pool.cm-north.high_water_level", highWaterLevel::get);
    stats.gauge("test.signed", () -> -1234);
    pools.add(new PoolConfig("cm-north", Ipv4Range.parse("127.16.0.10-127.16.0.19"), null, 80, 95));
    FailoverStatus failover =
        new FailoverStatus(
            "primary",
            "NORMAL",
            Instant.now().minusSeconds(30),
            "127.0.0.9",
            "NORMAL",
            20,
            5,
            5,
            0,
            2,
            1,
            -3,
            0);
    sources =
        new MibSources(
            stats, () -> pools, () -> Optional.of(failover), () -> "alpha", "provisiond test");
    engine = SnmpEngine.boot(SnmpEngine.engineId(null, "alpha"), dir.resolve("boots"));
    agent =
        SnmpAgent.start(
            new SnmpAgentConfig(
                true,
                Ipv4Address.parse("127.0.0.1"),
                0,
                COMMUNITY,
                List.of(new SnmpUserConfig("poller", null, AUTH, null, PRIV))),
            engine,
            sources,
            stats);
    client = new SnmpTestClient(agent.localAddress());
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    agent.close();
  }

  private long stat(String name) {
    return stats.snapshot().getOrDefault(name, -1L);
  }

  private static OID row(OID column, String index) {
    return SuiteMib.implied(column, index);
  }

  @Test
  void answersGetOfPoolsStatisticsAndFailoverOverV2c() throws IOException {
    highWaterLevel.set(2);
    PDU response =
        client.request(
            client.v2c(COMMUNITY),
            PDU.GET,
            row(SuiteMib.POOL_USED, "cm-north"),
            row(SuiteMib.POOL_SIZE, "cm-north"),
            row(SuiteMib.POOL_STATE, "cm-north"),
            row(SuiteMib.POOL_CRITICAL_MARK, "cm-north"),
            row(SuiteMib.STAT_COUNTER, "dhcp.received.discover"),
            row(SuiteMib.STAT_GAUGE, "dhcp.pool.cm-north.used"),
            row(SuiteMib.STAT_GAUGE, "test.signed"),
            row(SuiteMib.STAT_VALUE, "test.signed"),
            SuiteMib.scalar(SuiteMib.FAILOVER_STATE),
            SuiteMib.scalar(SuiteMib.FAILOVER_CLOCK_SKEW));
    assertNotNull(response, "answered");
    assertEquals(PDU.noError, response.getErrorStatus());
    assertEquals(new Gauge32(3), response.get(0).getVariable());
    assertEquals(new Gauge32(10), response.get(1).getVariable());
    assertEquals(new Integer32(SuiteMib.POOL_CRITICAL), response.get(2).getVariable());
    assertEquals(new Integer32(95), response.get(3).getVariable());
    assertEquals(new Counter64(7), response.get(4).getVariable());
    assertEquals(new Gauge32(3), response.get(5).getVariable());
    assertEquals(new Gauge32(0), response.get(6).getVariable(), "a Gauge32 latches at 0");
    assertEquals("-1234", response.get(7).getVariable().toString());
    assertEquals(new Integer32(3), response.get(8).getVariable(), "normal(3)");
    assertEquals(new Integer32(-3), response.get(9).getVariable());
  }

  /**
   * Past 2^32 datagrams the agent's own counters wrap as SNMP's Counter32s do: the first datagram
   * beyond used to kill the agent's receive thread, and every later one went unanswered.
   */
  @Test
  void answersStillOnceItsMessageCountersPassTwoToTheThirtyTwo() throws IOException {
    stats.counter("snmp.agent.in.pkts").add(0xffff_ffffL);
    for (int i = 0; i < 3; i++) {
      PDU response =
          client.request(client.v2c(COMMUNITY), PDU.GET, row(SuiteMib.POOL_SIZE, "cm-north"));
      assertNotNull(response, "answered");
      assertEquals(new Gauge32(10), response.get(0).getVariable());
    }
    assertEquals(
        0xffff_ffffL + 3, stat("snmp.agent.in.pkts"), "the statistic itself does not wrap");
  }

  /**
   * A pool's row is indexed by its name's UTF-8 octets: a name of 60 Cyrillic letters (120 octets,
   * over psPoolName's 100) has no row, and the walk goes on past where it would be. It was let in
   * by its 60 characters, and its 130-part OIDs (over the 128 managers take) broke every walk.
   */
  @Test
  void aPoolWhoseNameIsTooLongInOctetsHasNoRowAndTheWalkGoesOn() throws IOException {
    String name = "\u043f".repeat(60);
    pools.add(new PoolConfig(name, Ipv4Range.parse("127.16.1.10-127.16.1.19"), null, 80, 95));
    String prefix = "dhcp.pool." + StatisticDefinition.labelValue(name) + ".";
    stats.gauge(prefix + "size", () -> 10);
    stats.gauge(prefix + "used", () -> 1);

    List<VariableBinding> walk = walk(PDU.GETNEXT);
    assertTrue(walk.stream().allMatch(vb -> vb.getOid().size() <= 128), "no OID over 128 parts");
    assertTrue(
        walk.stream().anyMatch(vb -> vb.getOid().equals(row(SuiteMib.POOL_SIZE, "cm-north"))));
    assertTrue(
        walk.stream().noneMatch(vb -> vb.getOid().startsWith(row(SuiteMib.POOL_SIZE, name))));
    assertTrue(walk.stream().anyMatch(vb -> vb.getOid().startsWith(SuiteMib.STAT_KIND)));
  }

  /**
   * A v2c GET whose answer would not fit one frame (the help texts of many statistics) is answered
   * tooBig, as GETBULK's is cut: a small request with a spoofed source must not become a large
   * answer towards its victim. Over v3 (authenticated) the same GET is answered whole.
   */
  @Test
  void aV2cGetWhoseAnswerExceedsOneFrameIsTooBig() throws IOException {
    List<OID> helps =
        stats.statistics().stream().limit(40).map(s -> row(SuiteMib.STAT_HELP, s.name())).toList();
    PDU v2c = client.request(client.v2c(COMMUNITY), PDU.GET, helps.toArray(new OID[0]));
    assertNotNull(v2c, "answered");
    assertEquals(PDU.tooBig, v2c.getErrorStatus());
    assertEquals(0, v2c.size());
    PDU v3 =
        client.request(
            client.v3("poller", AUTH, PRIV, SecurityLevel.AUTH_PRIV),
            PDU.GET,
            helps.toArray(new OID[0]));
    assertEquals(PDU.noError, v3.getErrorStatus());
    assertEquals(helps.size(), v3.size());
  }

  @Test
  void getOfAMissingInstanceOrObjectSaysWhich() throws IOException {
    PDU response =
        client.request(
            client.v2c(COMMUNITY),
            PDU.GET,
            row(SuiteMib.STAT_COUNTER, "dhcp.pool.cm-north.used"),
            new OID("1.3.6.1.4.1.32473.9.9.0"));
    assertEquals(Null.noSuchInstance, response.get(0).getVariable(), "a gauge has no counter");
    assertEquals(Null.noSuchObject, response.get(1).getVariable());
  }

  @Test
  void walkReturnsEveryStatisticOfTheRegistry() throws IOException {
    List<VariableBinding> walk = walk(PDU.GETNEXT);
    Set<String> names = new TreeSet<>();
    for (VariableBinding vb : walk) {
      if (vb.getOid().startsWith(SuiteMib.STAT_KIND)) {
        names.add(indexText(vb.getOid(), SuiteMib.STAT_KIND));
      }
    }
    Set<String> registry = new TreeSet<>();
    stats.statistics().forEach(s -> registry.add(s.name()));
    assertEquals(registry, names);
    assertTrue(names.contains("snmp.agent.usm.wrong_digests"), "the agent's own counters too");
    // Every row has exactly one of the counter and gauge columns.
    long counters =
        walk.stream().filter(vb -> vb.getOid().startsWith(SuiteMib.STAT_COUNTER)).count();
    long gauges = walk.stream().filter(vb -> vb.getOid().startsWith(SuiteMib.STAT_GAUGE)).count();
    assertEquals(registry.size(), counters + gauges);
    assertEquals(
        new Gauge32(registry.size()),
        walk.stream()
            .filter(vb -> vb.getOid().equals(SuiteMib.scalar(SuiteMib.STAT_COUNT)))
            .findFirst()
            .orElseThrow()
            .getVariable());
  }

  @Test
  void getBulkWalksTheSameInstancesAsGetNext() throws IOException {
    List<OID> next = walk(PDU.GETNEXT).stream().map(VariableBinding::getOid).toList();
    List<OID> bulk = walk(PDU.GETBULK).stream().map(VariableBinding::getOid).toList();
    assertEquals(next, bulk);
    assertTrue(
        next.size() > 5 * stats.statistics().size(), "statistics, pools, failover: " + next.size());
  }

  @Test
  void getBulkAnswersAHundredVariablesAtMostAndOneFrameOverV2c() throws IOException {
    PDU v2c = client.bulk(client.v2c(COMMUNITY), 100_000, SuiteMib.ROOT);
    assertNotNull(v2c, "answered");
    assertTrue(v2c.size() > 10, "as many as fit: " + v2c.size());
    assertTrue(v2c.getBERLength() <= SnmpAgent.V2C_BULK_RESPONSE_OCTETS, v2c.getBERLength() + "");
    PDU v3 =
        client.bulk(
            client.v3("poller", AUTH, PRIV, SecurityLevel.AUTH_PRIV), 100_000, SuiteMib.ROOT);
    assertEquals(SnmpAgent.MAX_BULK_VARIABLES, v3.size());
  }

  @Test
  void getNextPastTheLastInstanceIsEndOfMibView() throws IOException {
    PDU response = client.request(client.v2c(COMMUNITY), PDU.GETNEXT, new OID("1.3.6.2"));
    assertEquals(Null.endOfMibView, response.get(0).getVariable());
  }

  @Test
  void v3AuthPrivUserIsAnsweredAfterDiscovery() throws IOException {
    PDU response =
        client.request(
            client.v3("poller", AUTH, PRIV, SecurityLevel.AUTH_PRIV),
            PDU.GET,
            row(SuiteMib.POOL_FREE, "cm-north"));
    assertNotNull(response, "answered");
    assertEquals(new Gauge32(7), response.get(0).getVariable());
    assertEquals(1, stat("snmp.agent.usm.unknown_engine_ids"), "one discovery probe");
    assertEquals(1, stat("snmp.agent.usm.not_in_time_windows"), "one time probe");
  }

  @Test
  void v3WithAWrongAuthKeyIsDroppedAndCounted() throws IOException {
    assertNull(
        client.request(
            client.v3("poller", "not-the-auth-key", PRIV, SecurityLevel.AUTH_PRIV),
            PDU.GET,
            SuiteMib.SYS_NAME));
    assertEquals(1, stat("snmp.agent.usm.wrong_digests"));
  }

  @Test
  void v3WithAWrongPrivKeyIsDroppedAndCounted() throws IOException {
    assertNull(
        client.request(
            client.v3("poller", AUTH, "not-the-priv-key", SecurityLevel.AUTH_PRIV),
            PDU.GET,
            SuiteMib.SYS_NAME));
    assertTrue(
        stat("snmp.agent.usm.decryption_errors") + stat("snmp.agent.in.asn_parse_errs") >= 1,
        stats.snapshot().toString());
  }

  @Test
  void v3UnknownUserAndNoPrivacyAreDroppedAndCounted() throws IOException {
    assertNull(
        client.request(
            client.v3("stranger", AUTH, PRIV, SecurityLevel.AUTH_PRIV),
            PDU.GET,
            SuiteMib.SYS_NAME));
    assertEquals(1, stat("snmp.agent.usm.unknown_user_names"));
    assertNull(
        client.request(
            client.v3("poller", AUTH, PRIV, SecurityLevel.AUTH_NOPRIV),
            PDU.GET,
            SuiteMib.SYS_NAME));
    assertEquals(
        1,
        stat("snmp.agent.usm.unsupported_sec_levels"),
        stats.snapshot().tailMap("snmp").toString());
  }

  /**
   * A manager that stays running knew the engine before it restarted (one boot more now): its next
   * request is outside the time window and is told so (usmStatsNotInTimeWindows, RFC 3414 §3.2 step
   * 7), learns the new boots and is answered. The report was withheld, and such a manager timed out
   * at every request until it was restarted itself.
   */
  @Test
  void v3FromAManagerThatKnewTheEngineBeforeItRestartedIsAnsweredAgain() throws IOException {
    var target = client.v3("poller", AUTH, PRIV, SecurityLevel.AUTH_PRIV);
    assertNotNull(client.request(target, PDU.GET, SuiteMib.SYS_NAME), "answered before");
    int port = agent.localAddress().getPort();
    agent.close();
    engine = SnmpEngine.boot(SnmpEngine.engineId(null, "alpha"), dir.resolve("boots"));
    agent =
        SnmpAgent.start(
            new SnmpAgentConfig(
                true,
                Ipv4Address.parse("127.0.0.1"),
                port,
                COMMUNITY,
                List.of(new SnmpUserConfig("poller", null, AUTH, null, PRIV))),
            engine,
            sources,
            stats);
    long staleBefore = stat("snmp.agent.usm.not_in_time_windows");
    PDU answer = null;
    for (int attempt = 0;
        attempt < 3 && (answer == null || answer.getType() != PDU.RESPONSE);
        attempt++) {
      answer = client.request(target, PDU.GET, SuiteMib.SYS_NAME);
    }
    assertNotNull(answer, "answered after the restart");
    assertEquals(PDU.RESPONSE, answer.getType(), answer.toString());
    assertEquals(new OctetString("alpha"), answer.get(0).getVariable());
    assertTrue(stat("snmp.agent.usm.not_in_time_windows") > staleBefore, "told it was stale");
  }

  @Test
  void wrongCommunityAndSnmpV1AreDroppedAndCounted() throws IOException {
    assertNull(client.request(client.v2c("public"), PDU.GET, SuiteMib.SYS_NAME));
    assertEquals(1, stat("snmp.agent.in.bad_community_names"));
    assertNull(client.request(client.v1(COMMUNITY), PDU.GET, SuiteMib.SYS_NAME));
    assertEquals(1, stat("snmp.agent.in.bad_versions"));
    // Served at their standard OIDs as well.
    PDU response =
        client.request(
            client.v2c(COMMUNITY),
            PDU.GET,
            new OID("1.3.6.1.2.1.11.4.0"),
            new OID("1.3.6.1.2.1.11.3.0"));
    assertEquals(1, response.get(0).getVariable().toLong());
    assertEquals(1, response.get(1).getVariable().toLong());
  }

  @Test
  void setIsRefusedWithNoAccess() throws IOException {
    PDU set = new PDU();
    set.setType(PDU.SET);
    set.add(new VariableBinding(SuiteMib.SYS_NAME, new org.snmp4j.smi.OctetString("mallory")));
    PDU response = client.snmp().send(set, client.v2c(COMMUNITY)).getResponse();
    assertEquals(PDU.noAccess, response.getErrorStatus());
    assertEquals(1, stat("snmp.agent.in.bad_community_uses"));
  }

  @Test
  void malformedDatagramsAreCountedAndTheAgentKeepsAnswering() throws IOException {
    byte[][] garbage = {
      {},
      {0x30},
      {0x30, 0x03, 0x02, 0x01, 0x01},
      {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x02, 0x01, 0x01},
      "GET / HTTP/1.0\r\n\r\n".getBytes(),
      {0x30, 0x10, 0x02, 0x01, 0x01, 0x04, 0x02, 'x', 'y', (byte) 0xa0, 0x07, 0x02, 0x01}
    };
    try (DatagramSocket socket = new DatagramSocket()) {
      for (byte[] datagram : garbage) {
        socket.send(new DatagramPacket(datagram, datagram.length, agent.localAddress()));
      }
    }
    PDU response = client.request(client.v2c(COMMUNITY), PDU.GET, SuiteMib.SYS_NAME);
    assertNotNull(response, "still answering");
    assertEquals("alpha", response.get(0).getVariable().toString());
    long counted =
        stat("snmp.agent.in.asn_parse_errs")
            + stat("snmp.agent.in.invalid_msgs")
            + stat("snmp.agent.in.bad_community_names");
    assertTrue(counted >= garbage.length - 1, stats.snapshot().toString());
  }

  private List<VariableBinding> walk(int type) throws IOException {
    List<VariableBinding> all = new ArrayList<>();
    OID cursor = SuiteMib.ROOT;
    while (true) {
      PDU response = client.request(client.v2c(COMMUNITY), type, cursor);
      assertNotNull(response, "answered at " + cursor);
      for (VariableBinding vb : response.getVariableBindings()) {
        if (!vb.getOid().startsWith(SuiteMib.ROOT) || vb.isException()) {
          return all;
        }
        all.add(vb);
        cursor = vb.getOid();
      }
    }
  }

  private static String indexText(OID oid, OID column) {
    StringBuilder text = new StringBuilder();
    for (int i = column.size(); i < oid.size(); i++) {
      text.append((char) oid.get(i));
    }
    return text.toString();
  }
}
