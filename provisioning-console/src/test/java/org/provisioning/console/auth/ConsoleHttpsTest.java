package org.provisioning.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ManagementConfig;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.service.ServiceState;
import org.provisioning.console.api.Role;
import org.provisioning.console.http.ManagementServer;
import org.provisioning.console.tls.ManagementTls;
import org.provisioning.console.tls.TlsMaterial;
import org.slf4j.LoggerFactory;

/**
 * HTTPS on the management listener, over loopback only: the listener is bound to 127.0.0.1 with TLS
 * forced by the config (as any non-loopback address gets it), and a plain listener on the wildcard
 * address is refused before anything is bound.
 */
class ConsoleHttpsTest {
  @TempDir Path home;

  @Test
  void servesHttpsWithTheGeneratedCertificateWhoseFingerprintIsLogged() throws Exception {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(ManagementTls.class);
    logger.addAppender(logged);
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    logged.start();
    ManagementConfig management =
        new ConfigCodec().parse("management: {tls: {enabled: true}}").management();
    TlsMaterial tls;
    try {
      tls =
          ManagementTls.forListener(
                  management, "alpha", home, home.resolve("data"), Clock.systemUTC())
              .orElseThrow();
    } finally {
      logger.detachAppender(logged);
      logger.setLevel(null);
    }
    assertTrue(
        logged.list.stream()
            .anyMatch(
                e ->
                    e.getFormattedMessage().startsWith("MANAGEMENT_TLS_CERTIFICATE sha256=")
                        && e.getFormattedMessage().contains(tls.fingerprint())),
        logged.list.toString());

    try (ConsoleFixture console = new ConsoleFixture(home, tls)) {
      console.addUser("alice", Role.VIEWER);
      HttpResponse<String> status = console.withToken("GET", "/status", null);
      assertEquals(200, status.statusCode(), status.body());
      X509Certificate served =
          (X509Certificate) status.sslSession().orElseThrow().getPeerCertificates()[0];
      assertEquals(tls.fingerprint(), TlsMaterial.fingerprint(served));
      assertEquals(
          "max-age=31536000", status.headers().firstValue("Strict-Transport-Security").orElse(""));

      HttpResponse<String> login = console.loginAs("alice", ConsoleFixture.PASSWORD, null);
      String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.startsWith("__Host-provisiond-session="), cookie);
      assertTrue(List.of(cookie.split(";\\s*")).contains("Secure"), cookie);
      assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
      assertEquals(
          200,
          console
              .send("GET", "/status", null, "Cookie", ConsoleFixture.cookieOf(login))
              .statusCode());

      // Plain HTTP to the HTTPS port: told to use https, nothing served.
      HttpResponse<String> plain =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + console.server.localAddress().getPort()
                                  + "/api/v1/status"))
                      .header("Authorization", "Bearer " + console.token.value())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(400, plain.statusCode());
      assertTrue(plain.body().contains("HTTPS only"), plain.body());
      assertEquals("DENY", plain.headers().firstValue("X-Frame-Options").orElse(""));
    }
  }

  @Test
  void theGeneratedCertificateIsKeptAcrossRestarts() throws Exception {
    ManagementConfig management =
        new ConfigCodec().parse("management: {tls: {enabled: true}}").management();
    Path data = home.resolve("data");
    TlsMaterial first =
        ManagementTls.forListener(management, "alpha", home, data, Clock.systemUTC()).orElseThrow();
    TlsMaterial again =
        ManagementTls.forListener(management, "alpha", home, data, Clock.systemUTC()).orElseThrow();
    assertEquals(first.fingerprint(), again.fingerprint());
    assertEquals(
        Optional.of(data.resolve("tls/management.crt")),
        ManagementTls.certificateFile(management, home, data));
  }

  /**
   * A crash between the replacement of the generated key and of its certificate left a key beside
   * another key's certificate, and every start failed; so did an empty certificate after a power
   * loss. The generated pair is made again instead.
   */
  @Test
  void aGeneratedPairLeftHalfReplacedIsMadeAgain() throws Exception {
    ManagementConfig management =
        new ConfigCodec().parse("management: {tls: {enabled: true}}").management();
    Path data = home.resolve("data");
    Path tls = data.resolve("tls");
    TlsMaterial first =
        ManagementTls.forListener(management, "alpha", home, data, Clock.systemUTC()).orElseThrow();
    Path keptKey = home.resolve("first.key");
    Files.copy(tls.resolve("management.key"), keptKey);
    Files.delete(tls.resolve("management.key"));
    TlsMaterial second =
        ManagementTls.forListener(management, "alpha", home, data, Clock.systemUTC()).orElseThrow();
    // The crash's state: the first key back beside the second certificate.
    Files.copy(keptKey, tls.resolve("management.key"), StandardCopyOption.REPLACE_EXISTING);
    TlsMaterial third =
        ManagementTls.forListener(management, "alpha", home, data, Clock.systemUTC()).orElseThrow();
    assertTrue(
        !third.fingerprint().equals(first.fingerprint())
            && !third.fingerprint().equals(second.fingerprint()),
        "a new pair");
    Files.write(tls.resolve("management.crt"), new byte[0]); // a power loss's empty file
    TlsMaterial fourth =
        ManagementTls.forListener(management, "alpha", home, data, Clock.systemUTC()).orElseThrow();
    assertEquals(
        fourth.fingerprint(),
        ManagementTls.forListener(management, "alpha", home, data, Clock.systemUTC())
            .orElseThrow()
            .fingerprint(),
        "kept once made again");
  }

  @Test
  void anyAddressButLoopbackGetsHttpsAndAPlainListenerThereIsRefused() throws Exception {
    ManagementConfig wildcard =
        new ConfigCodec().parse("management: {listen: 0.0.0.0}").management();
    assertTrue(
        ManagementTls.forListener(wildcard, "alpha", home, home.resolve("data"), Clock.systemUTC())
            .isPresent());
    assertTrue(
        ManagementTls.forListener(
                new ConfigCodec().parse("").management(),
                "alpha",
                home,
                home.resolve("data"),
                Clock.systemUTC())
            .isEmpty(),
        "loopback: plain HTTP");

    try (ConsoleFixture console = new ConsoleFixture(home, null)) {
      ManagementServer plain =
          new ManagementServer(
              console.api, new InetSocketAddress(Ipv4Address.ANY.toInetAddress(), 0), 65536, null);
      IllegalStateException refused = assertThrows(IllegalStateException.class, plain::start);
      assertTrue(refused.getMessage().contains("loopback only"), refused.getMessage());
      assertEquals(ServiceState.FAILED, plain.state());
    }
  }

  /**
   * Over HTTPS any name is answered: a rebound name is not in the certificate, so a browser never
   * sends its request, and an operator past the warning of a self-signed certificate that lacks the
   * name used must still reach the console. Only plain HTTP checks the Host header.
   */
  @Test
  void overHttpsAnyHostNameIsAnswered() throws Exception {
    TlsMaterial tls =
        org.provisioning.console.tls.SelfSignedCertificates.generate(
            "alpha",
            List.of("alpha.example.net"),
            List.of(java.net.InetAddress.getLoopbackAddress()),
            java.time.Instant.now(),
            java.time.Duration.ofDays(1));
    try (ConsoleFixture console = new ConsoleFixture(home, tls)) {
      int port = console.server.localAddress().getPort();
      var sockets = ConsoleFixture.trusting(tls).getSocketFactory();
      for (String host :
          List.of("alpha.example.net:" + port, "dhcp1.headend.example", "127.0.0.1:" + port)) {
        assertTrue(statusLine(sockets, port, host).startsWith("HTTP/1.1 401"), host);
      }
    }
  }

  private static String statusLine(javax.net.ssl.SSLSocketFactory sockets, int port, String host)
      throws Exception {
    try (java.net.Socket socket = sockets.createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("GET /api/v1/status HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String reply =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return reply.isEmpty() ? "(nothing)" : reply.lines().findFirst().orElse("");
    }
  }
}
