package org.provisioning.dist;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.provisioning.common.testing.FreePorts;

/**
 * The packaged provisiond on the config it ships with ({@code conf/provisiond.yaml}), changed only
 * where two servers on one machine must differ: its data directory and a free port for every
 * listener, so that it runs beside anything else on loopback.
 */
final class DefaultConfigServer implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("(?m)^(\\s+port: )\\d+$");

  private final Path dir;
  private final Process process;
  private final int managementPort;
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  private DefaultConfigServer(Path dir, Process process, int managementPort) {
    this.dir = dir;
    this.process = process;
    this.managementPort = managementPort;
  }

  /** Starts it and waits until it answers {@code provisionctl status}. */
  static DefaultConfigServer start(Path dir) throws IOException {
    String shipped = Files.readString(Distribution.HOME.resolve("conf/provisiond.yaml"));
    String document =
        shipped.replaceFirst("(?m)^  dataDir: data$", "  dataDir: " + dir.resolve("data"));
    Matcher ports = PORT.matcher(document);
    StringBuilder changed = new StringBuilder();
    int managementPort = -1;
    while (ports.find()) {
      int port = FreePorts.tcp();
      if (managementPort < 0) {
        managementPort = port; // management is the first section with a port
      }
      ports.appendReplacement(changed, "$1" + port);
    }
    ports.appendTail(changed);
    if (managementPort < 0 || !document.contains(dir.resolve("data").toString())) {
      throw new AssertionError("conf/provisiond.yaml changed shape: " + shipped);
    }
    Path config = Files.writeString(dir.resolve("provisiond.yaml"), changed.toString());
    Process process = Distribution.startServer(config, dir.resolve("provisiond.log"));
    return new DefaultConfigServer(dir, process, managementPort);
  }

  /** GET with the API token. */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(path, true);
  }

  HttpResponse<String> get(String path, boolean withToken)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
            .timeout(Duration.ofSeconds(10));
    if (withToken) {
      request.header("Authorization", "Bearer " + token());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token() throws IOException {
    if (token == null) {
      token = Files.readString(dir.resolve("data").resolve("api-token")).strip();
    }
    return token;
  }

  @Override
  public void close() {
    Distribution.shutDown(process);
  }
}
