package org.provisioning.console.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.ManagementApi;

/**
 * The console's static files over real HTTP, written byte for byte on a socket so that no client
 * library tidies a hostile path first: pages and scripts served with the security headers and an
 * ETag, and no request path reaching anything outside the console's resources.
 */
class ConsolePagesTest {
  @TempDir Path dataDir;
  private ManagementServer server;

  @BeforeEach
  void start() throws Exception {
    ConfigService config = new ConfigService(new ConfigCodec(), Clock.systemUTC());
    config.attach(
        (type, payload) ->
            CompletableFuture.completedFuture(new BusRecord(1, 1, 0, type, payload)));
    config.seedFromFile("server: {name: alpha}\n");
    ManagementApi api =
        new ManagementApi(
            ApiToken.loadOrCreate(dataDir),
            () ->
                new ServerStatus(
                    "alpha",
                    "test",
                    Instant.now(),
                    Duration.ZERO,
                    Map.of("management", ServiceState.RUNNING)),
            new StatisticsRegistry(),
            new AlertCenter(Clock.systemUTC(), 10),
            config);
    server =
        new ManagementServer(api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  /** Sends one raw request and returns the whole response (the connection is closed). */
  private String raw(String requestLine, String... headers) throws Exception {
    try (Socket socket =
        new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  private static String header(String response, String name) {
    for (String line : response.split("\r\n")) {
      if (line.toLowerCase().startsWith(name.toLowerCase() + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    return null;
  }

  @Test
  void theRootLeadsToTheConsoleAndItsPagesComeWithTheSecurityHeaders() throws Exception {
    String root = raw("GET / HTTP/1.1");
    assertEquals(302, status(root));
    assertEquals("/console/", header(root, "Location"));

    String index = raw("GET /console/ HTTP/1.1");
    assertEquals(200, status(index), index);
    assertTrue(header(index, "Content-Type").startsWith("text/html"));
    assertTrue(index.contains("<script type=\"module\" src=\"js/tree.js\"></script>"));
    assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY, header(index, "Content-Security-Policy"));
    assertEquals("DENY", header(index, "X-Frame-Options"));
    assertEquals("nosniff", header(index, "X-Content-Type-Options"));

    String script = raw("GET /console/js/console.js HTTP/1.1");
    assertEquals(200, status(script));
    assertTrue(header(script, "Content-Type").startsWith("text/javascript"));
    assertFalse(script.contains("innerHTML"), "the console never parses strings as HTML");

    String chart = raw("GET /console/lib/uplot/uPlot.iife.min.js HTTP/1.1");
    assertEquals(200, status(chart), "uPlot comes from its WebJar, not a CDN");
  }

  /**
   * A method a console page does not take is refused with a JSON body whose message holds the
   * decoded path: escaped, a quote in the path no longer adds fields of its own to the body.
   */
  @Test
  void aRefusedMethodsBodyIsJsonWhateverThePath() throws Exception {
    String response =
        raw("PUT /console/a%22,%22admin%22:true,%22x%22:%22 HTTP/1.1", "Content-Length: 0");
    assertEquals(405, status(response));
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    com.fasterxml.jackson.databind.JsonNode json =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
    assertEquals(1, json.size(), body);
    assertTrue(json.path("error").asText().contains("/console/a\",\"admin\":true"), body);
  }

  @Test
  void anUnchangedFileIsNotSentTwice() throws Exception {
    String first = raw("GET /console/css/console.css HTTP/1.1");
    String etag = header(first, "ETag");
    String again = raw("GET /console/css/console.css HTTP/1.1", "If-None-Match: " + etag);
    assertEquals(304, status(again));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/console/../api/v1/status",
        "/console/js/../../META-INF/MANIFEST.MF",
        "/console/%2e%2e/api-token",
        "/console/..%2fapi-token",
        "/console/js%2f..%2f..%2forg/provisioning/console/api/ApiToken.class",
        "/console/lib/uplot/../../../../../META-INF/MANIFEST.MF",
        "/console/..\\..\\etc\\passwd",
        "/console/.hidden.js",
        "/console//etc/passwd",
        "/console/org/provisioning/console/api/ApiToken.class",
        "/console/lib/uplot/uPlot.d.ts",
        "/console/no-such-page.html"
      })
  void noPathLeavesTheConsolesResources(String path) throws Exception {
    String response = raw("GET " + path + " HTTP/1.1");
    assertEquals(404, status(response), path + " -> " + response);
  }

  @Test
  void pagesAreOnlyRead() throws Exception {
    assertEquals(405, status(raw("POST /console/index.html HTTP/1.1", "Content-Length: 0")));
  }
}
