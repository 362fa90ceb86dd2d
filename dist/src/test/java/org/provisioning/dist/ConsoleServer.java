package org.provisioning.dist;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.provisioning.common.testing.FreePorts;

/**
 * The packaged provisiond for the console's tests: plain HTTP on loopback, DHCP on loopback with
 * the subnets a test gives, console users made with {@code provisionctl user add} as an operator
 * makes them, and the API token for what a test checks behind the browser's back.
 */
final class ConsoleServer implements AutoCloseable {
  final Path dir;
  final Path config;
  final int managementPort;
  final int dhcpPort;
  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  private ConsoleServer(Path dir, Path config, int managementPort, int dhcpPort, Process process) {
    this.dir = dir;
    this.config = config;
    this.managementPort = managementPort;
    this.dhcpPort = dhcpPort;
    this.process = process;
  }

  /**
   * Starts provisiond named {@code name} with {@code dhcpSections}: YAML lines under {@code dhcp:}
   * (classes, subnets), indented by two spaces.
   */
  static ConsoleServer start(Path dir, String name, String dhcpSections) throws IOException {
    return start(dir, name, dhcpSections, "");
  }

  /**
   * Starts provisiond as {@link #start(Path, String, String)} does, with {@code otherSections}
   * (top-level YAML: tftp, dns...) after the dhcp section.
   */
  static ConsoleServer start(Path dir, String name, String dhcpSections, String otherSections)
      throws IOException {
    int managementPort = FreePorts.tcp();
    int dhcpPort;
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      dhcpPort = socket.getLocalPort();
    }
    Files.createDirectories(dir);
    Path config =
        Files.writeString(
            dir.resolve("provisiond.yaml"),
            """
            server: {name: %s, dataDir: %s}
            management: {port: %d}
            dhcp:
              enabled: true
              listen: 127.0.0.1
              port: %d
              serverIdentifier: 127.0.0.1
            %s
            %s
            """
                .formatted(
                    name,
                    dir.resolve("data"),
                    managementPort,
                    dhcpPort,
                    dhcpSections,
                    otherSections));
    Process process = Distribution.startServer(config, dir.resolve("provisiond.log"));
    return new ConsoleServer(dir, config, managementPort, dhcpPort, process);
  }

  String base() {
    return "http://127.0.0.1:" + managementPort;
  }

  /** Adds a console user the way an operator does, the password on provisionctl's stdin. */
  void addUser(String name, String role, String password) throws Exception {
    Distribution.addUser(config, name, role, password);
  }

  /** A call to /api/v1 with the API token. */
  HttpResponse<String> api(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + "/api/v1" + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token())
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token() throws IOException {
    return Files.readString(dir.resolve("data/api-token")).strip();
  }

  @Override
  public void close() {
    Distribution.shutDown(process);
  }
}
