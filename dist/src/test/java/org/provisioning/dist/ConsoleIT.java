package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.console.tls.PemFiles;
import org.provisioning.dist.Distribution.Result;

/**
 * The packaged provisiond with its console secured, as an operator meets it: the listener forced to
 * HTTPS on loopback by its config, the certificate made at first start and its fingerprint in the
 * log, in {@code provisionctl status} and {@code tls fingerprint}; the first admin and a viewer
 * made with {@code provisionctl user add}; a viewer refused on every changing route provisiond
 * really registers (read from {@code /api/v1/routes}); users and the audit log kept across a {@code
 * kill -9}.
 */
class ConsoleIT {
  private static final Pattern LOGGED_FINGERPRINT =
      Pattern.compile("MANAGEMENT_TLS_CERTIFICATE sha256=([0-9A-F:]{95})");

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stopEverythingStarted() throws InterruptedException {
    for (Process process : started) {
      process.destroyForcibly();
      process.waitFor(10, SECONDS);
    }
  }

  private Path config() throws IOException {
    return Files.writeString(
        dir.resolve("provisiond.yaml"),
        "server: {name: alpha, dataDir: "
            + dir.resolve("data")
            + "}\n"
            + "management: {port: "
            + FreePorts.tcp()
            + ", tls: {enabled: true}}\n"
            + "dhcp: {enabled: true, listen: 127.0.0.1, port: "
            + FreePorts.tcp()
            + ", serverIdentifier: 127.0.0.1}\n");
  }

  private Process startServer(Path config) throws IOException {
    Process process = Distribution.startServer(config, dir.resolve("provisiond.log"));
    started.add(process);
    return process;
  }

  private String log() {
    return Distribution.read(dir.resolve("provisiond.log"));
  }

  /** provisionctl with a password on its standard input. */
  private Result ctlWithStdin(String stdin, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(Distribution.HOME.resolve("bin/provisionctl").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(process.waitFor(60, SECONDS), "provisionctl finished");
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aViewerChangesNothingAndUsersAndTheAuditSurviveKillDashNine() throws Exception {
    Path config = config();
    Process first = startServer(config);

    // The certificate: made at first start, its fingerprint in the log and shown by provisionctl.
    Matcher logged = LOGGED_FINGERPRINT.matcher(log());
    assertTrue(logged.find(), log());
    String fingerprint = logged.group(1);
    Result status = Distribution.run("provisionctl", "--config", config.toString(), "status");
    assertTrue(status.out().contains("tls          sha256 " + fingerprint), status.out());
    Result tls =
        Distribution.run("provisionctl", "--config", config.toString(), "tls", "fingerprint");
    assertEquals(fingerprint, tls.out().strip(), tls.err());

    Result ada =
        ctlWithStdin(
            "ada's long password\n",
            "--config",
            config.toString(),
            "user",
            "add",
            "ada",
            "--role",
            "admin",
            "--password-stdin");
    assertEquals(0, ada.exit(), ada.err());
    assertEquals(
        0,
        ctlWithStdin(
                "victor's long password\n",
                "--config",
                config.toString(),
                "user",
                "add",
                "victor",
                "--role",
                "viewer",
                "--password-stdin")
            .exit());

    String port = Files.readString(config).replaceAll("(?s).*port: (\\d+), tls.*", "$1");
    String base = "https://127.0.0.1:" + port + "/api/v1";
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(trusting(dir.resolve("data/tls/management.crt")))
            .build();
    HttpResponse<String> login =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/session"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"victor\", \"password\": \"victor's long password\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, login.statusCode(), login.body());
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.contains("; Secure") && setCookie.contains("HttpOnly"), setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String csrf = json.readTree(login.body()).path("csrfToken").asText();

    JsonNode routes =
        json.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/routes"))
                        .header("Cookie", cookie)
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    List<String> refused = new ArrayList<>();
    for (JsonNode route : routes.path("routes")) {
      String method = route.path("method").asText();
      String role = route.path("role").asText();
      if (method.equals("GET") || role.equals("any") || role.equals("viewer")) {
        continue;
      }
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + port + route.path("path").asText()))
                  .header("Cookie", cookie)
                  .header("X-CSRF-Token", csrf)
                  .header("Content-Type", "application/json")
                  .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(403, response.statusCode(), route + ": " + response.body());
      assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""));
      refused.add(method + " " + route.path("path").asText());
    }
    assertTrue(refused.contains("PUT /api/v1/config"), refused.toString());
    assertTrue(refused.contains("POST /api/v1/failover/takeover"), refused.toString());
    assertTrue(refused.contains("DELETE /api/v1/users"), refused.toString());

    first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
    assertTrue(first.waitFor(10, SECONDS));
    startServer(config);

    Result users = Distribution.run("provisionctl", "--config", config.toString(), "user", "list");
    assertEquals(0, users.exit(), users.err());
    assertTrue(users.out().contains("ada ") && users.out().contains("victor "), users.out());
    Result audit = Distribution.run("provisionctl", "--config", config.toString(), "audit");
    assertTrue(audit.out().contains("POST /api/v1/users -> 201"), audit.out());
    assertTrue(
        audit.out().contains("victor (session)") && audit.out().contains("login"), audit.out());
    Matcher again = LOGGED_FINGERPRINT.matcher(log());
    while (again.find()) {
      assertEquals(fingerprint, again.group(1), "the same certificate after the restart");
    }
  }

  private static SSLContext trusting(Path certificate) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("provisiond", PemFiles.readCertificates(certificate).get(0));
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
