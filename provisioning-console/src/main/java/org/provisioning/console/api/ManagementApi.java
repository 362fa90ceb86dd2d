package org.provisioning.console.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.ConfigDiff;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigException;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ConfigSyntaxException;
import org.provisioning.common.config.ConfigVersion;
import org.provisioning.common.config.FailoverConfig;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.config.VersionConflictException;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.control.StatusSource;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of {@code /api/v1}: JSON in, JSON out, every request admitted by the {@link ApiGuard}
 * (the API token, or a console user's session) for the role its route needs ({@link RoutePolicy}).
 * Bad input always gets a 4xx with a message a person can act on; a 500 means a bug here, and its
 * details go to the log, never to the client.
 */
public final class ManagementApi {
  private static final Logger log = LoggerFactory.getLogger(ManagementApi.class);
  public static final String PREFIX = "/api/v1";

  private final ObjectMapper json;
  private volatile ApiGuard guard;
  private volatile ApiAudit audit = ApiAudit.NONE;
  private final Map<String, Map<String, ApiHandler>> routes = new ConcurrentHashMap<>();
  private final Map<String, EventStream> streams = new ConcurrentHashMap<>();
  private final Map<String, BooleanSupplier> tokenRequired = new ConcurrentHashMap<>();
  private final StatisticsRegistry stats;

  public ManagementApi(
      ApiToken token,
      StatusSource status,
      StatisticsRegistry stats,
      AlertCenter alerts,
      ConfigService config) {
    this.guard = ApiGuard.token(token);
    this.stats = stats;
    this.json = config.codec().jsonMapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
    route("GET", "/status", r -> ok(statusJson(status.status())));
    route("GET", "/stats", r -> ok(statsJson(stats, r.queryParameter("prefix"))));
    route("GET", "/stats/described", r -> ok(describedJson(stats, r.queryParameter("prefix"))));
    AlertRoutes.register(this, alerts);
    route("GET", "/config", r -> ok(configJson(config)));
    route("PUT", "/config", r -> putConfig(config, r));
    route("POST", "/config/check", r -> checkConfig(config, r));
    ConfigHistoryRoutes.register(this, config);
  }

  /** The statistics the API shows, where the HTTP server counts its own too. */
  public StatisticsRegistry statistics() {
    return stats;
  }

  /** Adds a route under {@code /api/v1}; services add theirs through the composition root. */
  public void route(String method, String path, ApiHandler handler) {
    routes.computeIfAbsent(PREFIX + path, p -> new ConcurrentHashMap<>()).put(method, handler);
  }

  /** Adds an event stream, {@code GET} under {@code /api/v1}, authenticated like every route. */
  public void stream(String path, EventStream stream) {
    streams.put(PREFIX + path, stream);
  }

  /** The event stream a request asks for, if it is a GET of one by a caller the guard admits. */
  public java.util.Optional<EventStream> streamFor(ApiRequest request) {
    String path = stripTrailingSlash(request.path());
    if (!request.method().equals("GET")
        || !streams.containsKey(path)
        || !guard.admit(request, RoutePolicy.required(request.method(), path)).admitted()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.ofNullable(streams.get(path));
  }

  /**
   * Whether the guard still admits a request it admitted before: an open event stream asks before
   * each frame, so a logout, an expired session or a removed user ends it. Asking is not the user's
   * activity: an idle session with a stream open still times out.
   */
  public boolean admits(ApiRequest request) {
    String path = stripTrailingSlash(request.path());
    return guard.recheck(request, RoutePolicy.required(request.method(), path)).admitted();
  }

  /**
   * Whether a request carries credentials the guard accepts (the API token, or a live session),
   * whatever its route. The server asks on the request's head, before it reads the body: a caller
   * without them gets a small body limit, not {@code management.maxBodyBytes}. Not the caller's
   * activity, as for {@link #admits}.
   */
  public boolean authenticates(ApiRequest head) {
    return guard.recheck(head, Optional.empty()).principal() != null;
  }

  /** Replaces the token-only guard (the console's users, sessions and CSRF tokens). */
  public void guard(ApiGuard newGuard) {
    this.guard = java.util.Objects.requireNonNull(newGuard);
  }

  /** Records every admitted request through {@code newAudit} (the console's audit log). */
  public void audit(ApiAudit newAudit) {
    this.audit = java.util.Objects.requireNonNull(newAudit);
  }

  /** Every route and stream, as {@code "METHOD /api/v1/path"} (or its own path), sorted. */
  public java.util.SortedSet<String> routes() {
    java.util.SortedSet<String> all = new java.util.TreeSet<>();
    routes.forEach((path, byMethod) -> byMethod.keySet().forEach(m -> all.add(m + " " + path)));
    streams.keySet().forEach(path -> all.add("GET " + path));
    return all;
  }

  /**
   * Adds a route at a path of its own, outside {@code /api/v1} ({@code GET /metrics}), that needs
   * the API token only while {@code tokenRequired} says so (asked at every request, so a config
   * change applies at once).
   */
  public void routeAt(
      String method, String path, BooleanSupplier tokenRequired, ApiHandler handler) {
    routes.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).put(method, handler);
    this.tokenRequired.put(method + " " + path, tokenRequired);
  }

  public ObjectMapper json() {
    return json;
  }

  public CompletableFuture<ApiResponse> handle(ApiRequest asSent) {
    // One path for the guard, the route and the audit: the audit compares paths too, and with a
    // trailing slash a read of the pairing secret went unaudited.
    String path = stripTrailingSlash(asSent.path());
    ApiRequest request = asSent.withPath(path);
    // A route outside /api/v1 (GET /metrics) may be open while its supplier says so.
    BooleanSupplier needsToken = tokenRequired.get(request.method() + " " + path);
    boolean open = needsToken != null && !needsToken.getAsBoolean();
    ApiGuard.Admission admission =
        guard.admit(
            request, open ? Optional.empty() : RoutePolicy.required(request.method(), path));
    if (!admission.admitted()) {
      return CompletableFuture.completedFuture(admission.refusal());
    }
    ApiRequest admitted = request.withPrincipal(admission.principal());
    Map<String, ApiHandler> byMethod = routes.get(path);
    if (byMethod == null) {
      return CompletableFuture.completedFuture(
          error(404, "no such resource " + request.path() + "; see " + PREFIX + "/status"));
    }
    ApiHandler handler = byMethod.get(request.method());
    if (handler == null) {
      return CompletableFuture.completedFuture(
          new ApiResponse(
              405,
              errorBody(request.method() + " is not allowed on " + request.path()),
              String.join(", ", new TreeMap<>(byMethod).keySet())));
    }
    try {
      return audit.around(admitted, handler).exceptionally(e -> failure(request, e));
    } catch (Exception e) {
      return CompletableFuture.completedFuture(failure(request, e));
    }
  }

  private ApiResponse failure(ApiRequest request, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof VersionConflictException conflict) {
      return error(412, conflict.getMessage());
    }
    if (cause instanceof BadRequestException bad) {
      return error(400, bad.getMessage());
    }
    if (cause instanceof ConfigHistoryRoutes.NotFoundException missing) {
      return error(404, missing.getMessage());
    }
    log.error(
        "API_REQUEST_FAILED method={} path={}", request.method(), request.pathForLog(), cause);
    return error(500, "the server failed to handle this request; its log says why");
  }

  private CompletableFuture<ApiResponse> putConfig(ConfigService config, ApiRequest request) {
    String document = withRunningSecrets(config, utf8(request.body()));
    Long expected = parseIfMatch(request.ifMatch());
    try {
      ApiResponse refused = refusedFailoverChange(request, config, config.check(document));
      if (refused != null) {
        return CompletableFuture.completedFuture(refused);
      }
      return config
          .applyDocument(document, "api", author(request), expected)
          .thenApply(
              version -> {
                ObjectNode body = json.createObjectNode();
                body.put("version", version.number());
                body.put("changedAt", version.changedAt().toString());
                return new ApiResponse(200, bytes(body));
              });
    } catch (ConfigSyntaxException e) {
      return CompletableFuture.completedFuture(invalid(400, e));
    } catch (ConfigException e) {
      return CompletableFuture.completedFuture(invalid(422, e));
    }
  }

  /**
   * The failover settings are the admin's, as the failover actions are ({@link RoutePolicy}): a
   * config change by a lesser role that would change them (leave the pair, point it at another
   * peer) is refused, or the config routes did for an operator what the failover routes refuse.
   *
   * @return the refusal, or null when the change may go on
   */
  ApiResponse refusedFailoverChange(
      ApiRequest request, ConfigService config, ProvisioningConfig next) {
    ApiPrincipal who = request.principal();
    if (who == null || who.role().includes(Role.ADMIN)) {
      return null;
    }
    FailoverConfig running = config.current().map(v -> v.config().failover()).orElse(null);
    if (running == null || running.equals(next.failover())) {
      return null;
    }
    return error(
        403,
        "user '"
            + who.name()
            + "' ("
            + who.role().lowerCase()
            + ") may not change the failover settings; that needs the admin role, as the"
            + " failover actions do");
  }

  /** The header in which provisionctl names the login that runs it. */
  static final String CLIENT_USER_HEADER = "X-Provisionctl-User";

  /**
   * Who makes a change, as the config history shows it: the console user, or the token with the
   * login provisionctl says it runs as; null when nobody was admitted (a test's own call).
   */
  public static String author(ApiRequest request) {
    ApiPrincipal who = request.principal();
    if (who == null) {
      return null;
    }
    String login = request.header(CLIENT_USER_HEADER);
    if (who.viaSession() || login == null || login.isBlank()) {
      return who.name();
    }
    String clean = login.replaceAll("[^A-Za-z0-9._@-]", "?");
    return who.name()
        + " (provisionctl, login "
        + clean.substring(0, Math.min(64, clean.length()))
        + ")";
  }

  /** GET shows secrets masked; a document sent back with the mask keeps the running secrets. */
  private static String withRunningSecrets(ConfigService config, String document) {
    return config
        .current()
        .map(running -> config.codec().restoreSecrets(document, running.config()))
        .orElse(document);
  }

  /**
   * Checks a document as {@code PUT /config} would, changing nothing; a valid one is answered with
   * what it would change in the running config ({@code changes} by path, {@code unified} as a line
   * diff of the YAML, secrets masked), so that the console previews a change before applying it.
   */
  private CompletableFuture<ApiResponse> checkConfig(ConfigService config, ApiRequest request) {
    try {
      String sent = utf8(request.body());
      ProvisioningConfig checked = config.check(withRunningSecrets(config, sent));
      ObjectNode body = json.createObjectNode();
      body.put("ok", true);
      config
          .current()
          .ifPresent(
              running -> {
                body.put("version", running.number());
                ConfigHistoryRoutes.diff(
                    body,
                    config.codec(),
                    "version " + running.number() + " (running)",
                    running.config(),
                    "this change",
                    checked,
                    ConfigDiff.changesOfDocument(
                        config.codec(),
                        running.config(),
                        checked,
                        config.codec().documentTree(sent)));
              });
      return ok(body);
    } catch (ConfigSyntaxException e) {
      return CompletableFuture.completedFuture(invalid(400, e));
    } catch (ConfigException e) {
      return CompletableFuture.completedFuture(invalid(422, e));
    }
  }

  ApiResponse invalid(int status, ConfigException e) {
    ObjectNode body = json.createObjectNode();
    body.put("error", "the config was refused; the running config is unchanged");
    ArrayNode errors = body.putArray("errors");
    for (ConfigError error : e.errors()) {
      errors.addObject().put("path", error.path()).put("message", error.message());
    }
    ArrayNode messages = body.putArray("messages");
    e.errors().forEach(error -> messages.add(error.toString()));
    return new ApiResponse(status, bytes(body));
  }

  private ObjectNode statusJson(ServerStatus status) {
    ObjectNode body = json.createObjectNode();
    body.put("server", status.server());
    body.put("version", status.version());
    body.put("startedAt", status.startedAt().toString());
    body.put("uptimeSeconds", status.uptime().toSeconds());
    ObjectNode services = body.putObject("services");
    status
        .services()
        .forEach((name, state) -> services.put(name, state.name().toLowerCase(Locale.ROOT)));
    return body;
  }

  private ObjectNode statsJson(StatisticsRegistry stats, String prefix) {
    ObjectNode body = json.createObjectNode();
    stats
        .snapshot()
        .forEach(
            (name, value) -> {
              if (prefix == null || name.startsWith(prefix)) {
                body.put(name, value);
              }
            });
    return body;
  }

  /**
   * Every statistic with what it is: {@code statistics} (name, value, kind, unit, help, labels) and
   * {@code definitions} (every declared pattern, whether registered now or not).
   */
  private ObjectNode describedJson(StatisticsRegistry stats, String prefix) {
    ObjectNode body = json.createObjectNode();
    var statistics = body.putArray("statistics");
    for (StatisticsRegistry.Statistic s : stats.statistics()) {
      if (prefix == null || s.name().startsWith(prefix)) {
        ObjectNode node = statistics.addObject();
        node.put("name", s.name());
        node.put("value", s.value());
        node.put("family", s.definition().family());
        node.put("kind", s.definition().kind().name().toLowerCase(java.util.Locale.ROOT));
        node.put("unit", s.definition().unit());
        node.put("help", s.definition().help());
        ObjectNode labels = node.putObject("labels");
        s.labels().forEach(labels::put);
      }
    }
    var definitions = body.putArray("definitions");
    for (var d : stats.definitions()) {
      if (prefix == null || d.pattern().startsWith(prefix)) {
        ObjectNode node = definitions.addObject();
        node.put("pattern", d.pattern());
        node.put("kind", d.kind().name().toLowerCase(java.util.Locale.ROOT));
        node.put("unit", d.unit());
        node.put("help", d.help());
      }
    }
    return body;
  }

  private ObjectNode configJson(ConfigService config) {
    ConfigVersion version =
        config.current().orElseThrow(() -> new IllegalStateException("no config yet"));
    ObjectNode body = json.createObjectNode();
    body.put("version", version.number());
    body.put("source", version.source());
    body.put("changedAt", version.changedAt().toString());
    body.set("config", config.codec().maskedTree(version.config()));
    return body;
  }

  static Long parseIfMatch(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank()) {
      return null;
    }
    String version = ifMatch.strip().replace("\"", "");
    try {
      return Long.parseLong(version);
    } catch (NumberFormatException e) {
      throw new BadRequestException(
          "If-Match '"
              + ifMatch
              + "' is not a config version number (GET /api/v1/config tells it)");
    }
  }

  private static String utf8(byte[] body) {
    if (body.length == 0) {
      throw new BadRequestException(
          "the body is empty; send the whole config document (JSON or YAML)");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestException("the body is not UTF-8 text");
    }
  }

  private CompletableFuture<ApiResponse> ok(Object body) {
    return CompletableFuture.completedFuture(new ApiResponse(200, bytes(body)));
  }

  ApiResponse error(int status, String message) {
    return new ApiResponse(status, errorBody(message));
  }

  private byte[] errorBody(String message) {
    ObjectNode body = json.createObjectNode();
    body.put("error", message);
    return bytes(body);
  }

  byte[] bytes(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a JSON tree cannot fail to serialise", e);
    }
  }

  private static String stripTrailingSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** Input that no route can take; answered with 400 and this message. */
  public static final class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
      super(message);
    }
  }
}
