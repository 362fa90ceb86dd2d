package org.provisioning.console.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigException;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.tls.ManagementTls;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code provisionctl}: every command is one call to the management API of a running provisiond,
 * found through the same config file the server reads (its management address, and the API token in
 * its data directory).
 *
 * <p>Exit codes: 0 done, 1 the server could not be reached or refused the request, 2 the config
 * given was invalid (every error printed with its path), or the command line was (an http: --url to
 * another host without --insecure-plain-http).
 */
@Command(
    name = "provisionctl",
    mixinStandardHelpOptions = true,
    versionProvider = Provisionctl.Version.class,
    description = "Manage a running provisiond through its management API.",
    subcommands = {
      Provisionctl.Status.class,
      Provisionctl.Stats.class,
      Provisionctl.Alerts.class,
      Provisionctl.Leases.class,
      Provisionctl.Config.class,
      Provisionctl.Tftp.class,
      Provisionctl.Failover.class,
      Provisionctl.Dns.class,
      UserCommands.class,
      AuditCommand.class,
      TlsCommand.class,
      Setup.class,
      Backup.class,
      Restore.class
    })
public final class Provisionctl {
  static final int UNREACHABLE = 1;
  static final int INVALID = 2;

  @Option(
      names = "--config",
      description = "The server's config file (default: $PROVISIONING_HOME/conf/provisiond.yaml).")
  Path configFile;

  @Option(
      names = "--url",
      description =
          "API base URL (default: from the config file). http: only to this machine (localhost,"
              + " 127.0.0.0/8, ::1); use https: for another host.")
  String url;

  @Option(
      names = "--insecure-plain-http",
      description =
          "Allow an http: --url to another host: the API token then crosses the network in clear"
              + " text, readable by anyone on the path.")
  boolean insecurePlainHttp;

  @Option(names = "--token-file", description = "API token file (default: dataDir/api-token).")
  Path tokenFile;

  @Option(
      names = "--tls-fingerprint",
      description =
          "Trust the server's HTTPS certificate with this SHA-256 fingerprint (default: the"
              + " certificate in the server's data directory, else the CAs the JDK trusts).")
  String tlsFingerprint;

  @Spec CommandLine.Model.CommandSpec spec;

  private final ObjectMapper json = new ObjectMapper();
  private HttpClient http;
  InputStream stdin = System.in;

  /** The SHA-256 fingerprint of the certificate the server last answered with; null on HTTP. */
  String servedFingerprint;

  public static void main(String[] args) {
    // UTF-8 whatever the locale says: scripts read this output, and names may hold any letter.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, UTF_8), true);
    int exit = run(args, out, err);
    out.flush();
    err.flush();
    System.exit(exit);
  }

  /** Runs one command; the entry point for tests, which capture what it prints. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, System.in);
  }

  /** Runs one command reading {@code in} as its standard input (passwords for --password-stdin). */
  public static int run(String[] args, PrintWriter out, PrintWriter err, InputStream in) {
    Provisionctl ctl = new Provisionctl();
    ctl.stdin = in;
    CommandLine cli = new CommandLine(ctl);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof CliFailure failure) {
            commandLine.getErr().println("provisionctl: " + failure.getMessage());
            return failure.exitCode;
          }
          throw e;
        });
    return cli.execute(args);
  }

  static Path home() {
    String home = System.getenv("PROVISIONING_HOME");
    return Path.of(home == null ? "." : home).toAbsolutePath().normalize();
  }

  /** The server's config file: --config, or conf/provisiond.yaml of this installation. */
  Path configPath() {
    return configFile != null ? configFile : home().resolve("conf/provisiond.yaml");
  }

  /** The server's config as the CLI needs it: its API address and its data directory. */
  ProvisioningConfig serverConfig() {
    Path file = configPath();
    if (!Files.exists(file)) {
      if (configFile != null) {
        throw new CliFailure(UNREACHABLE, "config file " + file + " does not exist");
      }
      return new ProvisioningConfig(null, null, null, null, null, null, null, null);
    }
    try {
      // Read as the server reads a file it applied before (parseKept): a rule added by an upgrade
      // that the file breaks stops neither the server nor the CLI that talks to it. Parsed with
      // every rule, every command failed until the operator fixed the file.
      return new ConfigCodec().parseKept(Files.readString(file));
    } catch (IOException e) {
      throw new CliFailure(UNREACHABLE, "cannot read " + file + ": " + e.getMessage());
    } catch (ConfigException e) {
      throw new CliFailure(INVALID, file + " is not a valid config, " + e.getMessage());
    }
  }

  String baseUrl(ProvisioningConfig config) {
    if (url != null) {
      refuseClearTextToAnotherHost(url);
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
    var listen = config.management().listen();
    // A wildcard listener is reached on loopback from this machine.
    String host = listen.toInetAddress().isAnyLocalAddress() ? "127.0.0.1" : listen.toString();
    return (config.management().tlsRequired() ? "https" : "http")
        + "://"
        + host
        + ":"
        + config.management().port();
  }

  /**
   * Every request carries the API token, so an http: URL to another host would hand it to anyone on
   * the path before the server could refuse (it serves plain HTTP on loopback only): refused unless
   * --insecure-plain-http says the operator means it.
   */
  private void refuseClearTextToAnotherHost(String base) {
    URI uri;
    try {
      uri = new URI(base);
    } catch (java.net.URISyntaxException e) {
      throw new CliFailure(INVALID, "--url '" + base + "' is not a URL: " + e.getMessage());
    }
    if (insecurePlainHttp || !"http".equalsIgnoreCase(uri.getScheme()) || isLoopback(uri)) {
      return;
    }
    throw new CliFailure(
        INVALID,
        "refusing to send the API token in clear text to "
            + base
            + ": use https:, or give --insecure-plain-http if the network between is trusted");
  }

  /** localhost or a loopback address literal; a name is never looked up. */
  private static boolean isLoopback(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return false;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.equalsIgnoreCase("localhost") || host.equalsIgnoreCase("localhost.")) {
      return true;
    }
    byte[] literal = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
    try {
      return literal != null && java.net.InetAddress.getByAddress(literal).isLoopbackAddress();
    } catch (java.net.UnknownHostException impossible) {
      return false;
    }
  }

  /** The HTTP client; for https, trusting the server's certificate as {@link CliTls} says. */
  HttpClient http(ProvisioningConfig config, String base) {
    if (http == null && !base.startsWith("https:")) {
      http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    } else if (http == null) {
      Path certificate =
          ManagementTls.certificateFile(
                  config.management(), home(), config.server().dataDirectory(home()))
              .orElse(
                  config
                      .server()
                      .dataDirectory(home())
                      .resolve(ManagementTls.DIRECTORY)
                      .resolve(ManagementTls.CERTIFICATE_FILE));
      try {
        http =
            HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(CliTls.context(certificate, tlsFingerprint))
                .build();
      } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
        throw new CliFailure(UNREACHABLE, "cannot set up HTTPS: " + e.getMessage());
      }
    }
    return http;
  }

  String token(ProvisioningConfig config) {
    String fromEnv = System.getenv("PROVISIONCTL_TOKEN");
    if (tokenFile == null && fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    Path file =
        tokenFile != null
            ? tokenFile
            : config.server().dataDirectory(home()).resolve(ApiToken.FILE_NAME);
    try {
      return ApiToken.read(file).value();
    } catch (IOException e) {
      throw new CliFailure(
          UNREACHABLE,
          "cannot read the API token at "
              + file
              + " ("
              + e.getMessage()
              + "); is provisiond"
              + " installed here and started once? Give --token-file or --config otherwise");
    }
  }

  /**
   * A request to {@code uri} with the API token and the login this command runs as (which the
   * server's audit log records beside the token).
   */
  HttpRequest.Builder authorised(ProvisioningConfig config, URI uri) {
    return HttpRequest.newBuilder(uri)
        .header("Authorization", "Bearer " + token(config))
        .header("X-Provisionctl-User", System.getProperty("user.name", "unknown"));
  }

  /** Calls the API; returns the parsed JSON body of a 2xx reply, or throws a CliFailure. */
  JsonNode call(String method, String path, String body, Map<String, String> headers) {
    ProvisioningConfig config = serverConfig();
    String base = baseUrl(config);
    HttpRequest.Builder request =
        authorised(config, URI.create(base + "/api/v1" + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = http(config, base).send(request.build(), HttpResponse.BodyHandlers.ofString());
      servedFingerprint =
          response
              .sslSession()
              .map(
                  session -> {
                    try {
                      return org.provisioning.console.tls.TlsMaterial.fingerprint(
                          (java.security.cert.X509Certificate) session.getPeerCertificates()[0]);
                    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                      return null;
                    }
                  })
              .orElse(null);
    } catch (ConnectException e) {
      throw new CliFailure(
          UNREACHABLE,
          "cannot reach provisiond at " + base + " (connection refused); is it running?");
    } catch (HttpTimeoutException e) {
      throw new CliFailure(UNREACHABLE, "provisiond at " + base + " did not answer in time");
    } catch (IOException e) {
      throw new CliFailure(UNREACHABLE, "cannot reach provisiond at " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(UNREACHABLE, "interrupted");
    }
    JsonNode reply;
    try {
      reply = json.readTree(response.body());
    } catch (IOException e) {
      throw new CliFailure(
          UNREACHABLE,
          base + " answered " + response.statusCode() + " with no JSON; is it provisiond?");
    }
    if (response.statusCode() / 100 == 2) {
      return reply;
    }
    StringBuilder message =
        new StringBuilder(
            TerminalText.safe(reply.path("error").asText("HTTP " + response.statusCode())));
    for (JsonNode line : reply.path("messages")) {
      message.append(System.lineSeparator()).append("  ").append(TerminalText.safe(line.asText()));
    }
    int code = response.statusCode() == 422 || response.statusCode() == 400 ? INVALID : UNREACHABLE;
    throw new CliFailure(code, message.toString());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /**
   * Reads an event stream of the API, handing each event's name and JSON data to {@code each},
   * until the server closes it or {@code maxEvents} have come.
   */
  void follow(String path, long maxEvents, java.util.function.BiConsumer<String, JsonNode> each) {
    ProvisioningConfig config = serverConfig();
    String base = baseUrl(config);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
            .header("Authorization", "Bearer " + token(config))
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    HttpResponse<java.util.stream.Stream<String>> response;
    try {
      response = http(config, base).send(request, HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new CliFailure(UNREACHABLE, "cannot reach provisiond at " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(UNREACHABLE, "interrupted");
    }
    if (response.statusCode() != 200) {
      throw new CliFailure(UNREACHABLE, base + path + " answered HTTP " + response.statusCode());
    }
    String event = "message";
    long seen = 0;
    try (java.util.stream.Stream<String> lines = response.body()) {
      for (var it = lines.iterator(); it.hasNext() && seen < maxEvents; ) {
        String line = it.next();
        if (line.startsWith("event: ")) {
          event = line.substring("event: ".length());
        } else if (line.startsWith("data: ")) {
          try {
            each.accept(event, json.readTree(line.substring("data: ".length())));
          } catch (IOException e) {
            throw new CliFailure(UNREACHABLE, "the stream sent data that is not JSON: " + line);
          }
          seen++;
        }
      }
    }
  }

  /** A failure to report in one line (or a list of config errors) with its exit code. */
  static final class CliFailure extends RuntimeException {
    final int exitCode;

    CliFailure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  @Command(name = "status", description = "Server name, version, uptime and each service's state.")
  static final class Status implements Callable<Integer> {
    @ParentCommand Provisionctl ctl;

    @Override
    public Integer call() {
      JsonNode status = ctl.call("GET", "/status", null, Map.of());
      PrintWriter out = ctl.out();
      out.printf(
          Locale.ROOT,
          "%s  version %s  up %s%n",
          status.path("server").asText(),
          status.path("version").asText(),
          Duration.ofSeconds(status.path("uptimeSeconds").asLong())
              .toString()
              .substring(2)
              .toLowerCase(Locale.ROOT));
      for (Iterator<Map.Entry<String, JsonNode>> it = status.path("services").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> service = it.next();
        out.printf(Locale.ROOT, "  %-12s %s%n", service.getKey(), service.getValue().asText());
      }
      out.println(TlsCommand.describe(ctl.servedFingerprint));
      return 0;
    }
  }

  @Command(name = "stats", description = "Every counter, one 'name value' per line.")
  static final class Stats implements Callable<Integer> {
    @ParentCommand Provisionctl ctl;

    @Option(names = "--prefix", description = "Only counters whose name starts with this.")
    String prefix;

    @Override
    public Integer call() {
      String query =
          prefix == null
              ? ""
              : "?prefix=" + java.net.URLEncoder.encode(prefix, StandardCharsets.UTF_8);
      JsonNode stats = ctl.call("GET", "/stats" + query, null, Map.of());
      for (Iterator<Map.Entry<String, JsonNode>> it = stats.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> counter = it.next();
        ctl.out().println(counter.getKey() + " " + counter.getValue().asText());
      }
      return 0;
    }
  }

  @Command(
      name = "alerts",
      description = "Active alerts, then the recent history; 'alerts ack ID' acknowledges one.",
      subcommands = {Alerts.Ack.class})
  static final class Alerts implements Callable<Integer> {
    @ParentCommand Provisionctl ctl;

    @Option(names = "--state", description = "active, cleared or all (the default).")
    String state;

    @Option(
        names = "--follow",
        description = "Then print every alert raised, cleared or acknowledged, as it happens.")
    boolean follow;

    @Option(
        names = "--max-events",
        description = "With --follow: stop after this many (default: never).",
        hidden = true)
    long maxEvents = Long.MAX_VALUE;

    @Override
    public Integer call() {
      String query =
          state == null
              ? ""
              : "?state=" + java.net.URLEncoder.encode(state, StandardCharsets.UTF_8);
      JsonNode alerts = ctl.call("GET", "/alerts" + query, null, Map.of());
      PrintWriter out = ctl.out();
      if (alerts.has("active")) {
        out.println(alerts.path("active").isEmpty() ? "no active alerts" : "active:");
        print(out, alerts.path("active"));
      }
      if (!alerts.path("history").isEmpty()) {
        out.println("history:");
        print(out, alerts.path("history"));
      }
      if (follow) {
        out.println("following (Ctrl-C to stop):");
        out.flush();
        ctl.follow(
            "/alerts/stream",
            maxEvents,
            (event, data) -> {
              out.print(event + ":");
              print(out, ctl.json.createArrayNode().add(data));
              out.flush();
            });
      }
      return 0;
    }

    static void print(PrintWriter out, JsonNode alerts) {
      for (JsonNode alert : alerts) {
        out.printf(
            Locale.ROOT,
            "  #%d %s %-8s %s %s: %s%s%s%n",
            alert.path("id").asLong(),
            alert.path("raisedAt").asText(),
            alert.path("severity").asText(),
            alert.path("event").asText(),
            TerminalText.safe(alert.path("object").asText()),
            TerminalText.safe(alert.path("message").asText()),
            alert.path("clearedAt").isNull()
                ? ""
                : " (cleared " + alert.path("clearedAt").asText() + ")",
            alert.path("acknowledgedBy").isNull()
                ? ""
                : " (acknowledged by "
                    + TerminalText.safe(alert.path("acknowledgedBy").asText())
                    + ")");
      }
    }

    @Command(name = "ack", description = "Acknowledge an alert: you have seen it.")
    static final class Ack implements Callable<Integer> {
      @ParentCommand Alerts alerts;

      @Parameters(paramLabel = "ID", description = "The alert's number (#12 in 'alerts').")
      long id;

      @Option(names = "--by", description = "Who acknowledges (default: the login name).")
      String by;

      @Override
      public Integer call() throws Exception {
        ObjectNode body = alerts.ctl.json.createObjectNode();
        body.put("id", id);
        body.put("by", by != null ? by : System.getProperty("user.name", "provisionctl"));
        JsonNode alert =
            alerts.ctl.call(
                "POST", "/alerts/ack", alerts.ctl.json.writeValueAsString(body), Map.of());
        print(alerts.ctl.out(), alerts.ctl.json.createArrayNode().add(alert));
        return 0;
      }
    }
  }

  @Command(name = "leases", description = "Leases, filtered by address, MAC or state.")
  static final class Leases implements Callable<Integer> {
    @ParentCommand Provisionctl ctl;

    @Option(names = "--ip", description = "Only this address.")
    String ip;

    @Option(names = "--mac", description = "Only this hardware address (00:11:22:33:44:55).")
    String mac;

    @Option(names = "--client-id", description = "Only this client-id (option 61; 01:00:11:..).")
    String clientId;

    @Option(names = "--remote-id", description = "Option 82 remote-id (octets 00:11:.. or text).")
    String remoteId;

    @Option(names = "--circuit-id", description = "Option 82 circuit-id (octets or text).")
    String circuitId;

    @Option(names = "--hostname", description = "Host names holding this text (any case).")
    String hostname;

    @Option(names = "--pool", description = "Only the leases of this pool (by name).")
    String pool;

    @Option(names = "--state", description = "bound, released, expired or declined.")
    String state;

    @Option(names = "--limit", description = "At most this many (default 1000).")
    Integer limit;

    @Override
    public Integer call() {
      StringBuilder query = new StringBuilder();
      append(query, "ip", ip);
      append(query, "mac", mac);
      append(query, "clientId", clientId);
      append(query, "remoteId", remoteId);
      append(query, "circuitId", circuitId);
      append(query, "hostname", hostname);
      append(query, "pool", pool);
      append(query, "state", state);
      append(query, "limit", limit == null ? null : limit.toString());
      JsonNode reply = ctl.call("GET", "/leases" + query, null, Map.of());
      PrintWriter out = ctl.out();
      out.printf(
          Locale.ROOT,
          "%-15s  %-17s  %-8s  %-20s  %-12s  %s%n",
          "ADDRESS",
          "MAC",
          "STATE",
          "EXPIRES",
          "CLASS",
          "HOSTNAME");
      for (JsonNode lease : reply.path("leases")) {
        out.printf(
            Locale.ROOT,
            "%-15s  %-17s  %-8s  %-20s  %-12s  %s%n",
            lease.path("ip").asText(),
            lease.path("mac").asText(),
            lease.path("state").asText(),
            lease.path("expires").asText(),
            TerminalText.safe(lease.path("class").asText()),
            TerminalText.safe(lease.path("hostname").asText()));
      }
      out.println(reply.path("count").asInt() + " leases");
      return 0;
    }

    private static void append(StringBuilder query, String name, String value) {
      if (value != null) {
        query
            .append(query.length() == 0 ? '?' : '&')
            .append(name)
            .append('=')
            .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
  }

  @Command(
      name = "config",
      description = "Show, change or check the running config.",
      subcommands = {
        Config.Get.class,
        Config.Set.class,
        Config.Check.class,
        ConfigReload.class,
        ConfigHistory.History.class,
        ConfigHistory.Diff.class,
        ConfigHistory.Rollback.class
      })
  static final class Config {
    @ParentCommand Provisionctl ctl;

    @Command(name = "get", description = "Print the running config (YAML, or JSON with --json).")
    static final class Get implements Callable<Integer> {
      @ParentCommand Config config;

      @Option(names = "--json", description = "Print the API's JSON, version included.")
      boolean asJson;

      @Override
      public Integer call() throws Exception {
        Provisionctl ctl = config.ctl;
        JsonNode reply = ctl.call("GET", "/config", null, Map.of());
        if (asJson) {
          ctl.out().println(ctl.json.writerWithDefaultPrettyPrinter().writeValueAsString(reply));
          return 0;
        }
        ConfigCodec codec = new ConfigCodec();
        ctl.out()
            .printf(
                Locale.ROOT,
                "# version %d, %s, changed %s%n",
                reply.path("version").asLong(),
                reply.path("source").asText(),
                reply.path("changedAt").asText());
        // The tree as the API shows it, secrets masked: parsed, the mask would be refused.
        ctl.out().print(codec.toYaml(reply.path("config")));
        return 0;
      }
    }

    @Command(name = "set", description = "Replace the running config with FILE (validated first).")
    static final class Set implements Callable<Integer> {
      @ParentCommand Config config;

      @Parameters(paramLabel = "FILE", description = "A whole config document, YAML or JSON.")
      Path file;

      @Option(
          names = "--if-version",
          description = "Refuse if the running version is not this one.")
      Long ifVersion;

      @Override
      public Integer call() {
        Provisionctl ctl = config.ctl;
        JsonNode reply =
            ctl.call(
                "PUT",
                "/config",
                readFile(file),
                ifVersion == null ? Map.of() : Map.of("If-Match", "\"" + ifVersion + "\""));
        ctl.out().println("ok: version " + reply.path("version").asLong() + " is running");
        return 0;
      }
    }

    @Command(name = "check", description = "Validate FILE with the server's rules; change nothing.")
    static final class Check implements Callable<Integer> {
      @ParentCommand Config config;

      @Parameters(paramLabel = "FILE", description = "A whole config document, YAML or JSON.")
      Path file;

      @Override
      public Integer call() {
        config.ctl.call("POST", "/config/check", readFile(file), Map.of());
        config.ctl.out().println("ok");
        return 0;
      }
    }

    private static String readFile(Path file) {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new CliFailure(UNREACHABLE, "cannot read " + file + ": " + e.getMessage());
      }
    }
  }

  @Command(
      name = "tftp",
      description = "Inspect what TFTP serves.",
      subcommands = {Tftp.Render.class})
  static final class Tftp {
    @ParentCommand Provisionctl ctl;

    @Command(
        name = "render",
        description =
            "Build the DOCSIS config file a modem would get: print it as text, or write its octets.")
    static final class Render implements Callable<Integer> {
      @ParentCommand Tftp tftp;

      @Option(names = "--mac", required = true, description = "The modem's MAC.")
      String mac;

      @Option(names = "--file", description = "The requested name (default: the first pattern).")
      String file;

      @Option(names = "--class", description = "The DHCP client class to render for.")
      String clientClass;

      @Option(names = "--output", description = "Write the binary file here instead of the text.")
      Path output;

      @Override
      public Integer call() throws Exception {
        Provisionctl ctl = tftp.ctl;
        StringBuilder query = new StringBuilder("/tftp/render?mac=").append(encode(mac));
        if (file != null) {
          query.append("&file=").append(encode(file));
        }
        if (clientClass != null) {
          query.append("&class=").append(encode(clientClass));
        }
        JsonNode reply = ctl.call("GET", query.toString(), null, Map.of());
        if (output == null) {
          ctl.out().print(reply.path("text").asText());
          return 0;
        }
        byte[] content = java.util.Base64.getDecoder().decode(reply.path("content").asText());
        Files.write(output, content);
        ctl.out()
            .println(
                "wrote "
                    + content.length
                    + " octets of "
                    + reply.path("name").asText()
                    + " to "
                    + output);
        return 0;
      }

      private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
      }
    }
  }

  @Command(
      name = "failover",
      description = "The failover pair: status, pairing and manual actions.",
      subcommands = {
        Failover.Status.class,
        Failover.Secret.class,
        Failover.Init.class,
        Failover.Takeover.class,
        Failover.Handback.class,
        Failover.Leave.class
      })
  static final class Failover {
    @ParentCommand Provisionctl ctl;

    @Command(name = "status", description = "Role, state, partner, heartbeat age, replication.")
    static final class Status implements Callable<Integer> {
      @ParentCommand Failover failover;

      @Override
      public Integer call() {
        JsonNode s = failover.ctl.call("GET", "/failover", null, Map.of());
        print(failover.ctl.out(), s);
        return 0;
      }
    }

    @Command(name = "secret", description = "The pairing secret (on the secondary).")
    static final class Secret implements Callable<Integer> {
      @ParentCommand Failover failover;

      @Override
      public Integer call() {
        JsonNode s = failover.ctl.call("GET", "/failover/secret", null, Map.of());
        failover.ctl.out().println(s.path("secret").asText());
        return 0;
      }
    }

    @Command(name = "init", description = "Pair this server, as primary, with a secondary.")
    static final class Init implements Callable<Integer> {
      @ParentCommand Failover failover;

      @Option(names = "--peer", required = true, description = "The secondary's failover address.")
      String peer;

      @Option(
          names = "--secret",
          description =
              "The secondary's pairing secret. As an argument it shows in the process list and"
                  + " the shell history: prefer --secret-stdin.")
      String secret;

      @Option(
          names = "--secret-stdin",
          description =
              "Read the secondary's pairing secret from the first line of standard input.")
      boolean secretFromStdin;

      @Override
      public Integer call() throws Exception {
        ObjectNode body = failover.ctl.json.createObjectNode();
        body.put("peer", peer);
        body.put("secret", secret());
        JsonNode s =
            failover.ctl.call(
                "POST", "/failover/init", failover.ctl.json.writeValueAsString(body), Map.of());
        print(failover.ctl.out(), s);
        return 0;
      }

      private String secret() {
        if (!secretFromStdin) {
          if (secret == null) {
            throw new CliFailure(
                INVALID,
                "give the secondary's pairing secret on standard input with --secret-stdin"
                    + " (provisionctl failover secret prints it there)");
          }
          return secret;
        }
        try {
          String line =
              new BufferedReader(new InputStreamReader(failover.ctl.stdin, StandardCharsets.UTF_8))
                  .readLine();
          if (line == null || line.isBlank()) {
            throw new CliFailure(INVALID, "no pairing secret on standard input");
          }
          return line.strip();
        } catch (IOException e) {
          throw new CliFailure(UNREACHABLE, "cannot read standard input: " + e.getMessage());
        }
      }
    }

    abstract static class Action implements Callable<Integer> {
      @ParentCommand Failover failover;

      @Option(names = "--cause", description = "Why, for the log.")
      String cause;

      abstract String path();

      @Override
      public Integer call() throws Exception {
        ObjectNode body = failover.ctl.json.createObjectNode();
        body.put("cause", cause == null ? "provisionctl" : cause);
        JsonNode s =
            failover.ctl.call("POST", path(), failover.ctl.json.writeValueAsString(body), Map.of());
        print(failover.ctl.out(), s);
        return 0;
      }
    }

    @Command(name = "takeover", description = "Serve now, whatever the partner says.")
    static final class Takeover extends Action {
      @Override
      String path() {
        return "/failover/takeover";
      }
    }

    @Command(name = "handback", description = "End a takeover; return to normal through a sync.")
    static final class Handback extends Action {
      @Override
      String path() {
        return "/failover/handback";
      }
    }

    @Command(name = "leave", description = "Leave the pair: serve standalone.")
    static final class Leave extends Action {
      @Override
      String path() {
        return "/failover/leave";
      }
    }

    static void print(PrintWriter out, JsonNode s) {
      out.printf(Locale.ROOT, "role       %s%n", s.path("role").asText());
      out.printf(
          Locale.ROOT,
          "state      %s since %s%n",
          s.path("state").asText(),
          s.path("since").asText("-"));
      out.printf(
          Locale.ROOT,
          "partner    %s %s, last heartbeat %s ms ago%n",
          s.path("partnerAddress").asText("-"),
          s.path("partnerState").asText("-"),
          s.path("lastHeartbeatAgeMillis").asLong());
      out.printf(
          Locale.ROOT,
          "records    sent %d, acked up to %d, pending %d, lag %d (%d ms)%n",
          s.path("recordsSent").asLong(),
          s.path("recordsAcked").asLong(),
          s.path("recordsPending").asLong(),
          s.path("lagRecords").asLong(),
          s.path("lagMillis").asLong());
      out.printf(Locale.ROOT, "conflicts  %d%n", s.path("conflicts").asLong());
      out.printf(
          Locale.ROOT, "clock      partner %+d ms from ours%n", s.path("clockSkewMillis").asLong());
      for (String direction : new String[] {"sending", "receiving"}) {
        JsonNode p = s.path("sync").path(direction);
        if (p.isObject()) {
          out.printf(
              Locale.ROOT,
              "sync       %s %s %d/%d (%d%%), %s%s, started %s%n",
              direction,
              p.path("kind").asText(),
              p.path("done").asLong(),
              p.path("total").asLong(),
              p.path("total").asLong() == 0
                  ? 100
                  : 100 * p.path("done").asLong() / p.path("total").asLong(),
              p.path("state").asText(),
              p.path("resumedFrom").asLong() > 0
                  ? ", resumed at " + p.path("resumedFrom").asLong()
                  : "",
              p.path("started").asText("-"));
        }
      }
    }
  }

  @Command(
      name = "dns",
      description = "Look at the zones DNS serves.",
      subcommands = {Dns.Zones.class, Dns.Zone.class})
  static final class Dns {
    @ParentCommand Provisionctl ctl;

    @Command(name = "zones", description = "The served zones: name, serial, records.")
    static final class Zones implements Callable<Integer> {
      @ParentCommand Dns dns;

      @Override
      public Integer call() throws Exception {
        JsonNode reply = dns.ctl.call("GET", "/dns/zones", null, Map.of());
        dns.ctl.out().printf(Locale.ROOT, "%-40s %10s %8s%n", "ZONE", "SERIAL", "RECORDS");
        for (JsonNode zone : reply.path("zones")) {
          dns.ctl
              .out()
              .printf(
                  Locale.ROOT,
                  "%-40s %10d %8d%n",
                  zone.path("name").asText(),
                  zone.path("serial").asLong(),
                  zone.path("records").asInt());
        }
        return 0;
      }
    }

    @Command(name = "zone", description = "Every record of a zone, static and dynamic.")
    static final class Zone implements Callable<Integer> {
      @ParentCommand Dns dns;

      @CommandLine.Parameters(index = "0", description = "The zone, e.g. cable.example.net.")
      String name;

      @Override
      public Integer call() throws Exception {
        JsonNode reply =
            dns.ctl.call(
                "GET",
                "/dns/zone?name=" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8),
                null,
                Map.of());
        for (JsonNode line : reply.path("records")) {
          dns.ctl.out().println(line.asText());
        }
        return 0;
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Provisionctl.class.getPackage().getImplementationVersion();
      return new String[] {"provisionctl " + (version == null ? "development" : version)};
    }
  }
}
