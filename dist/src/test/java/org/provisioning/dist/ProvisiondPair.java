package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.testing.FailoverLink;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.console.api.ApiToken;
import org.provisioning.dist.Distribution.Result;

/**
 * Two packaged provisiond processes on loopback, 127.0.0.1 primary and 127.0.0.3 secondary, paired
 * the way an operator pairs them: the secondary installed with {@code failover.role: secondary},
 * its secret read with {@code provisionctl failover secret}, then {@code provisionctl failover
 * init} on the primary. Optionally the failover traffic runs through a {@link FailoverLink} that
 * can be cut and healed while both keep their DHCP sockets.
 *
 * <p>{@link #close} stops every process this pair started (a stopped one is continued first) and
 * the link; nothing is left running.
 */
final class ProvisiondPair implements AutoCloseable {
  static final String PRIMARY = "127.0.0.1";
  static final String SECONDARY = "127.0.0.3";

  /** One subnet behind relay 127.0.0.2 (giaddr) with 1,000 addresses. */
  static final String ONE_BIG_POOL =
      """
          - subnet: 127.16.0.0/16
            relays: [127.0.0.2]
            pools: [{range: 127.16.0.10-127.16.3.250}]
      """;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Server primary;
  private final Server secondary;
  private final int dhcpPort;
  private final FailoverLink link;

  private ProvisiondPair(Server primary, Server secondary, int dhcpPort, FailoverLink link) {
    this.primary = primary;
    this.secondary = secondary;
    this.dhcpPort = dhcpPort;
    this.link = link;
  }

  /** Starts a pair serving {@code subnets} (YAML list items), talking to each other directly. */
  static ProvisiondPair start(Path dir, String subnets) throws Exception {
    return start(dir, subnets, false);
  }

  /**
   * Starts both servers with their data under {@code dir}, pairs them and waits until both are
   * NORMAL. With {@code throughLink} the primary is given {@link FailoverLink#FRONT} as its
   * partner's address and the failover traffic runs through a {@link #link()}.
   */
  static ProvisiondPair start(Path dir, String subnets, boolean throughLink) throws Exception {
    return formed(startUnpaired(dir, subnets, throughLink));
  }

  /** {@link #startUnpaired(Path, String, boolean)} talking directly: the console pairs them. */
  static ProvisiondPair startUnpaired(Path dir, String subnets) throws Exception {
    return startUnpaired(dir, subnets, false);
  }

  /**
   * Starts both servers, the secondary with {@code failover.role: secondary} and the primary still
   * standalone, without pairing them: what the primary holds before {@link #form} (users, audit
   * entries) reaches the secondary only through the initial sync.
   */
  static ProvisiondPair startUnpaired(Path dir, String subnets, boolean throughLink)
      throws Exception {
    return startUnpaired(dir, subnets, throughLink, Map.of(), "");
  }

  /**
   * Starts a pair talking directly, as {@link #start(Path, String)} does, the secondary's process
   * with {@code secondaryEnvironment} added to its environment.
   */
  static ProvisiondPair start(Path dir, String subnets, Map<String, String> secondaryEnvironment)
      throws Exception {
    return formed(startUnpaired(dir, subnets, false, secondaryEnvironment, ""));
  }

  /**
   * Starts a pair talking directly, as {@link #start(Path, String)} does, each server's config with
   * {@code services} (YAML sections: tftp, dns...) added, {@code {address}} in them standing for
   * that server's own address.
   */
  static ProvisiondPair startWith(Path dir, String subnets, String services) throws Exception {
    return formed(startUnpaired(dir, subnets, false, Map.of(), services));
  }

  private static ProvisiondPair formed(ProvisiondPair pair) throws Exception {
    try {
      pair.form();
      return pair;
    } catch (Exception | Error e) {
      pair.close();
      throw e;
    }
  }

  private static ProvisiondPair startUnpaired(
      Path dir,
      String subnets,
      boolean throughLink,
      Map<String, String> secondaryEnvironment,
      String services)
      throws Exception {
    int dhcpPort = FreePorts.udp(PRIMARY);
    int failoverPort = FreePorts.failover();
    FailoverLink link = throughLink ? new FailoverLink(PRIMARY, SECONDARY, failoverPort) : null;
    Server secondary =
        Server.configure(
            dir, "secondary", 2, SECONDARY, "secondary", dhcpPort, failoverPort, subnets, services);
    secondary.environment.putAll(secondaryEnvironment);
    Server primary =
        Server.configure(
            dir, "primary", 1, PRIMARY, "standalone", dhcpPort, failoverPort, subnets, services);
    ProvisiondPair pair = new ProvisiondPair(primary, secondary, dhcpPort, link);
    try {
      secondary.start();
      primary.start();
      return pair;
    } catch (Exception | Error e) {
      pair.close();
      throw e;
    }
  }

  /** Pairs the two the way an operator does, and waits for NORMAL on both sides. */
  void form() throws Exception {
    String peer = link != null ? FailoverLink.FRONT : SECONDARY;
    Result secret = secondary.ctl("failover", "secret");
    if (secret.exit() != 0) {
      throw new IllegalStateException("provisionctl failover secret: " + secret.err());
    }
    Result init = primary.ctl("failover", "init", "--peer", peer, "--secret", secret.out().strip());
    if (init.exit() != 0) {
      throw new IllegalStateException("provisionctl failover init: " + init.err());
    }
    awaitNormal(Duration.ofSeconds(20));
  }

  Server primary() {
    return primary;
  }

  Server secondary() {
    return secondary;
  }

  /** The DHCP port both servers listen on, each at its own address. */
  int dhcpPort() {
    return dhcpPort;
  }

  /** The link the failover traffic runs through; only for a pair started through one. */
  FailoverLink link() {
    if (link == null) {
      throw new IllegalStateException("this pair talks directly, through no link");
    }
    return link;
  }

  /** Waits (bounded) until both servers say NORMAL. */
  void awaitNormal(Duration atMost) {
    awaitStates("NORMAL", atMost);
  }

  /** Waits (bounded) until both servers are in {@code state}. */
  void awaitStates(String state, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> state.equals(primary.state()) && state.equals(secondary.state()));
  }

  /** Stops both processes (continuing a stopped one first) and closes the link. */
  @Override
  public void close() {
    primary.destroy();
    secondary.destroy();
    if (link != null) {
      link.close();
    }
  }

  /** One server of the pair: its config, its process (restartable) and its API. */
  static final class Server {
    private final String name;
    private final String address;
    private final int managementPort;
    private final Path config;
    private final Map<String, String> environment = new HashMap<>();
    private volatile Process process;

    private Server(String name, String address, int managementPort, Path config) {
      this.name = name;
      this.address = address;
      this.managementPort = managementPort;
      this.config = config;
    }

    private static Server configure(
        Path dir,
        String name,
        int id,
        String address,
        String role,
        int dhcpPort,
        int failoverPort,
        String subnets,
        String services)
        throws IOException {
      Path home = Files.createDirectories(dir.resolve(name));
      int managementPort = FreePorts.tcp();
      Path config =
          Files.writeString(
              home.resolve("provisiond.yaml"),
              """
              server: {name: %s, id: %d, dataDir: %s}
              management: {listen: %s, port: %d}
              dhcp:
                enabled: true
                listen: %s
                port: %d
                serverIdentifier: %s
                subnets:
              %s
              failover:
                role: %s
                listen: %s
                port: %d
                heartbeatMillis: 50
                deadAfterMillis: 300
              """
                      .formatted(
                          name,
                          id,
                          home.resolve("data"),
                          address,
                          managementPort,
                          address,
                          dhcpPort,
                          address,
                          subnets.stripTrailing(),
                          role,
                          address,
                          failoverPort)
                  + services.replace("{address}", address));
      return new Server(name, address, managementPort, config);
    }

    String name() {
      return name;
    }

    /** Its address: DHCP, management API and failover all listen there. */
    String address() {
      return address;
    }

    Path config() {
      return config;
    }

    /** Where provisiond's output goes, appended to across restarts. */
    Path log() {
      return config.resolveSibling("provisiond.log");
    }

    Path dataDir() {
      return config.resolveSibling("data");
    }

    /** The running (or stopped) process, or null before the first start. */
    Process process() {
      return process;
    }

    boolean isAlive() {
      Process p = process;
      return p != null && p.isAlive();
    }

    /**
     * Starts bin/provisiond on its config (again, on the data it left, after a stop) and waits
     * until its API answers; fails with the log if it dies or does not answer within 60 s.
     */
    void start() throws Exception {
      if (isAlive()) {
        throw new IllegalStateException(name + " is running already");
      }
      Process started = Distribution.start(log(), environment, "--config", config.toString());
      process = started;
      await()
          .atMost(60, SECONDS)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !started.isAlive() || answers());
      if (!started.isAlive()) {
        throw new IllegalStateException(name + " died at start:\n" + Distribution.logTail(log()));
      }
    }

    private boolean answers() {
      try {
        api("/status", Duration.ofSeconds(2));
        return true;
      } catch (Exception e) {
        return false;
      }
    }

    /** kill -9, and waits for the process to end. */
    void kill() throws InterruptedException {
      Process p = process;
      p.destroyForcibly();
      p.waitFor(10, SECONDS);
    }

    /**
     * SIGTERM, the way an operator stops it; waits up to {@code grace} for the process to end.
     *
     * @return whether it ended within {@code grace} (if not, it is killed with -9)
     */
    boolean terminate(Duration grace) throws InterruptedException {
      Process p = process;
      p.destroy();
      if (p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      kill();
      return false;
    }

    /** SIGSTOP: the process hangs with its sockets open. */
    void pause() throws IOException, InterruptedException {
      signal("-STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume() throws IOException, InterruptedException {
      signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
      Process p = process;
      int exit =
          new ProcessBuilder("kill", signal, Long.toString(p.pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start()
              .waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill " + signal + " " + p.pid() + " exited " + exit);
      }
    }

    /** Runs provisionctl against this server: {@code provisionctl --config CONFIG args...}. */
    Result ctl(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of("--config", config.toString()));
      command.addAll(List.of(args));
      return Distribution.run("provisionctl", command.toArray(String[]::new));
    }

    /** Adds a console user, as an operator does with provisionctl. */
    void addUser(String user, String role, String password)
        throws IOException, InterruptedException {
      Distribution.addUser(config, user, role, password);
    }

    /** The console's root: {@code http://ADDRESS:PORT}. */
    String consoleBase() {
      return "http://" + address + ":" + managementPort;
    }

    /** GET /api/v1{@code path}, answered within 5 s with 200, as JSON. */
    JsonNode api(String path) throws IOException, InterruptedException {
      return api(path, Duration.ofSeconds(5));
    }

    /** GET /api/v1{@code path}, answered within {@code timeout} with 200, as JSON. */
    JsonNode api(String path, Duration timeout) throws IOException, InterruptedException {
      String token = ApiToken.read(dataDir().resolve(ApiToken.FILE_NAME)).value();
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + address + ":" + managementPort + "/api/v1" + path))
                  .header("Authorization", "Bearer " + token)
                  .timeout(timeout)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            name
                + " answered GET "
                + path
                + " with "
                + response.statusCode()
                + ": "
                + response.body());
      }
      return JSON.readTree(response.body());
    }

    /**
     * Sends {@code method /api/v1path} with a JSON body, with the API token unless {@code
     * withToken} is false (a login), and returns the response whatever its status.
     */
    HttpResponse<String> send(String method, String path, String json, boolean withToken)
        throws IOException, InterruptedException {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create("http://" + address + ":" + managementPort + "/api/v1" + path))
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(10))
              .method(method, HttpRequest.BodyPublishers.ofString(json));
      if (withToken) {
        String token = ApiToken.read(dataDir().resolve(ApiToken.FILE_NAME)).value();
        request.header("Authorization", "Bearer " + token);
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Its failover state, or "unreachable" when its API does not answer within 5 s. */
    String state() {
      try {
        return api("/failover").path("state").asText();
      } catch (Exception e) {
        return "unreachable";
      }
    }

    /** Continues it if stopped, kills it, and waits for it to end. */
    private void destroy() {
      Process p = process;
      if (p == null || !p.isAlive()) {
        return;
      }
      try {
        resume();
      } catch (Exception e) {
        // it may have ended meanwhile; it is killed next either way
      }
      p.destroyForcibly();
      try {
        p.waitFor(10, SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public String toString() {
      return name + "@" + address;
    }
  }
}
