package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.testing.FreePorts;

/**
 * The packaged provisiond delivers its own alerts: with its failover port taken it raises
 * FAILOVER_START_FAILED, which arrives as a mail at GreenMail (an SMTP server nobody here wrote, in
 * this JVM on loopback) and as an RFC 5424 datagram whose MSGID is the event name.
 */
class AlertDeliveryIT {
  @TempDir Path dir;
  private GreenMail greenMail;
  private Process server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(20, SECONDS)) {
        server.destroyForcibly();
        server.waitFor(10, SECONDS);
      }
    }
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  @Test
  void failoverThatCannotStartIsMailedAndSentToSyslog() throws Exception {
    ServerSetup smtp = new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort();
    smtp.setServerStartupTimeout(15_000);
    greenMail = new GreenMail(smtp);
    greenMail.start();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      collector.setSoTimeout(30_000);
      int managementPort = FreePorts.tcp();
      Path config =
          Files.writeString(
              dir.resolve("provisiond.yaml"),
              "server: {name: headend-it, dataDir: "
                  + dir.resolve("data")
                  + "}\n"
                  + "management: {port: "
                  + managementPort
                  + "}\n"
                  + "tftp: {enabled: false}\n"
                  + "tod: {enabled: false}\n"
                  + "dns: {enabled: false}\n"
                  + "dhcp: {enabled: true, port: "
                  + FreePorts.tcp()
                  + "}\n"
                  + "failover: {role: secondary, port: "
                  + taken.getLocalPort()
                  + "}\n"
                  + "alerts:\n"
                  + "  email: {host: 127.0.0.1, port: "
                  + greenMail.getSmtp().getPort()
                  + ", security: none, from: provisiond@headend-it.example.net,"
                  + " to: [noc@example.net], minSeverity: critical}\n"
                  + "  syslog: {host: 127.0.0.1, port: "
                  + collector.getLocalPort()
                  + ", facility: local5}\n");
      server = Distribution.start(dir.resolve("provisiond.log"), "--config", config.toString());

      DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
      String message;
      do {
        collector.receive(packet);
        message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
      } while (!message.contains(" FAILOVER_START_FAILED "));
      String[] fields = message.split(" ", 7);
      assertEquals("<" + (21 * 8 + 2) + ">1", fields[0], "local5.crit: " + message);
      assertEquals("headend-it", fields[2]);
      assertEquals("FAILOVER_START_FAILED", fields[5], message);
      assertTrue(fields[6].contains("change=\"raised\""), message);

      await()
          .atMost(30, SECONDS)
          .until(() -> greenMail.getReceivedMessages().length >= 1 || !server.isAlive());
      assertTrue(server.isAlive(), () -> "provisiond died:\n" + log());
      MimeMessage mail = greenMail.getReceivedMessages()[0];
      assertEquals("[headend-it] CRITICAL FAILOVER_START_FAILED failover", mail.getSubject());
      String body = (String) mail.getContent();
      assertTrue(body.contains("What happened: failover cannot start"), body);
      assertTrue(body.contains("Where:         server headend-it, service failover"), body);
      assertTrue(body.contains("What to do:"), body);

      String token = Files.readString(dir.resolve("data/api-token")).strip();
      HttpRequest statsRequest =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + managementPort + "/api/v1/stats?prefix=alerts"))
              .header("Authorization", "Bearer " + token)
              .timeout(Duration.ofSeconds(10))
              .build();
      HttpClient http = HttpClient.newHttpClient();
      ObjectMapper json = new ObjectMapper();
      // Counted once the relay and the socket took them (just after the mail arrived).
      await()
          .atMost(10, SECONDS)
          .until(
              () -> {
                var c =
                    json.readTree(
                        http.send(statsRequest, HttpResponse.BodyHandlers.ofString()).body());
                return c.path("alerts.channel.email.sent").asLong() >= 1
                    && c.path("alerts.channel.syslog.sent").asLong() >= 1;
              });
      HttpResponse<String> stats = http.send(statsRequest, HttpResponse.BodyHandlers.ofString());
      var counters = json.readTree(stats.body());
      assertEquals(0, counters.path("alerts.channel.email.failed").asLong(), stats.body());
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("provisiond.log"));
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
