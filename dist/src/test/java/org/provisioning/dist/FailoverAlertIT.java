package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * The failover pair tells the NOC when it loses a partner: after kill -9 of the primary, the
 * secondary's FAILOVER_PARTNER_DOWN arrives by e-mail (GreenMail) and as an SNMP v2c trap (an
 * SNMP4J receiver), through the channels configured once on the pair and replicated to both.
 */
class FailoverAlertIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private ProvisiondPair pair;
  private GreenMail mail;
  private Snmp trapReceiver;

  @AfterEach
  void stop() throws Exception {
    if (pair != null) {
      pair.close();
    }
    if (mail != null) {
      mail.stop();
    }
    if (trapReceiver != null) {
      trapReceiver.close();
    }
  }

  @Test
  void killingThePrimaryIsMailedAndTrappedBySecondary() throws Exception {
    ServerSetup smtp = new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort();
    smtp.setServerStartupTimeout(15_000);
    mail = new GreenMail(smtp);
    mail.start();
    List<PDU> traps = new CopyOnWriteArrayList<>();
    DefaultUdpTransportMapping transport =
        new DefaultUdpTransportMapping(new UdpAddress("127.0.0.1/0"));
    trapReceiver = new Snmp(transport);
    trapReceiver.addCommandResponder(
        new CommandResponder() {
          @Override
          public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
            traps.add(event.getPDU());
          }
        });
    trapReceiver.listen();
    int trapPort = transport.getListenAddress().getPort();

    pair = ProvisiondPair.start(dir, ProvisiondPair.ONE_BIG_POOL);
    // Channels configured once, on the primary: the config replicates to the secondary.
    ObjectNode config = (ObjectNode) pair.primary().api("/config").path("config");
    ObjectNode alerts = (ObjectNode) config.path("alerts");
    alerts.set(
        "email",
        JSON.readTree(
            "{\"host\": \"127.0.0.1\", \"port\": "
                + mail.getSmtp().getPort()
                + ", \"security\": \"none\", \"from\": \"provisiond@pair.example.net\","
                + " \"to\": [\"noc@example.net\"], \"minSeverity\": \"critical\"}"));
    ObjectNode snmp = (ObjectNode) alerts.path("snmp");
    snmp.put("minSeverity", "critical");
    snmp.set(
        "traps",
        JSON.readTree(
            "[{\"address\": \"127.0.0.1\", \"port\": "
                + trapPort
                + ", \"version\": \"v2c\", \"community\": \"noc-traps\"}]"));
    Path document = Files.writeString(dir.resolve("with-channels.json"), config.toString());
    var set = pair.primary().ctl("config", "set", document.toString());
    assertEquals(0, set.exit(), set.out() + set.err());
    await()
        .atMost(10, SECONDS)
        .until(
            () -> pair.secondary().api("/config").path("config").path("alerts").path("email"),
            email -> email.path("port").asInt() == mail.getSmtp().getPort());

    pair.primary().kill();

    await()
        .atMost(20, SECONDS)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> partnerDownMail() != null);
    MimeMessage partnerDown = partnerDownMail();
    assertEquals("[secondary] CRITICAL FAILOVER_PARTNER_DOWN failover", partnerDown.getSubject());
    String body = (String) partnerDown.getContent();
    assertTrue(body.contains("out of contact"), body);
    assertTrue(body.contains("What to do:"), body);
    await()
        .atMost(20, SECONDS)
        .until(() -> traps.stream().anyMatch(p -> p.toString().contains("FAILOVER_PARTNER_DOWN")));
    JsonNode stats = pair.secondary().api("/stats?prefix=alerts.channel");
    assertTrue(stats.path("alerts.channel.email.sent").asLong() >= 1, stats.toString());
  }

  private MimeMessage partnerDownMail() throws Exception {
    for (MimeMessage m : mail.getReceivedMessages()) {
      if (m.getSubject().contains("FAILOVER_PARTNER_DOWN")) {
        return m;
      }
    }
    return null;
  }
}
