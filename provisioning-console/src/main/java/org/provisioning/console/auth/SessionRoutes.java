package org.provisioning.console.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.provisioning.common.config.ConfigService;
import org.provisioning.console.api.ApiPrincipal;
import org.provisioning.console.api.ApiRequest;
import org.provisioning.console.api.ApiResponse;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.ManagementApi.BadRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/session}: a browser's login ({@code POST {"name", "password"}}: sets the session
 * cookie and returns the CSRF token), who is logged in ({@code GET}), logout ({@code DELETE}), and
 * a user's own new password ({@code POST /session/password {"current", "password"}}). A login
 * always makes a new session and ends the one the browser had (no session fixation). Password
 * hashes are computed on a small executor of their own, never on the HTTP thread.
 */
final class SessionRoutes {
  private static final Logger log = LoggerFactory.getLogger(SessionRoutes.class);

  private final Replies replies;
  private final UserStore users;
  private final SessionStore sessions;
  private final LoginThrottle throttle;
  private final LoginSources sources;
  private final PasswordHasher hasher;
  private final PasswordWork hashing;
  private final AuditLog audit;
  private final ConfigService config;
  private final Clock clock;
  private final boolean tls;

  SessionRoutes(
      Replies replies,
      UserStore users,
      SessionStore sessions,
      LoginThrottle throttle,
      PasswordHasher hasher,
      PasswordWork hashing,
      AuditLog audit,
      ConfigService config,
      Clock clock,
      boolean tls) {
    this.replies = replies;
    this.users = users;
    this.sessions = sessions;
    this.throttle = throttle;
    this.sources = new LoginSources(clock);
    this.hasher = hasher;
    this.hashing = hashing;
    this.audit = audit;
    this.config = config;
    this.clock = clock;
    this.tls = tls;
  }

  void register(ManagementApi api) {
    api.route("POST", "/session", this::login);
    api.route("GET", "/session", this::whoAmI);
    api.route("DELETE", "/session", this::logout);
    api.route("POST", "/session/password", this::changeOwnPassword);
  }

  private CompletableFuture<ApiResponse> login(ApiRequest request) {
    String type = request.header("content-type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      // A form on another site can post text/plain or a form, never JSON without CORS.
      return CompletableFuture.completedFuture(
          replies.error(415, "send the login as JSON (Content-Type: application/json)"));
    }
    JsonNode body = replies.body(request);
    String name = Replies.text(body, "name", true).strip();
    String password = Replies.text(body, "password", true);
    if (name.isEmpty()) {
      throw new BadRequestException("give the user's 'name'");
    }
    if (!ConsoleUser.possibleName(name)) {
      // Refused before it is counted, logged or alerted: a name with line breaks would forge
      // lines in the log, the syslog stream and the lock alert's mail.
      throw new BadRequestException(
          "'name' is no user name: 1-64 lower-case letters, digits and . _ @ -");
    }
    if (password.isEmpty()) {
      // Refused for every name alike before any lookup: an empty password failed at once for an
      // account and after a whole hash for a name without one, which told the names apart.
      throw new BadRequestException("give the user's 'password'");
    }
    Optional<ApiResponse> held = heldBack(name, "logins");
    if (held.isPresent()) {
      return CompletableFuture.completedFuture(held.get());
    }
    Optional<Duration> wait = sources.take(request.remoteAddress());
    if (wait.isPresent()) {
      throttle.finished(name);
      return CompletableFuture.completedFuture(
          replies
              .error(429, "too many logins from this address; wait before trying again")
              .withHeader(
                  "Retry-After", Long.toString(Math.max(1, (wait.get().toMillis() + 999) / 1000))));
    }
    return checking(name, () -> hear(name, password, request));
  }

  /** Runs a password check the throttle let through, and tells it when the check is over. */
  private CompletableFuture<ApiResponse> checking(
      String name, Supplier<CompletableFuture<ApiResponse>> check) {
    CompletableFuture<ApiResponse> decided;
    try {
      decided = check.get();
    } catch (RuntimeException e) {
      throttle.finished(name);
      throw e;
    }
    return decided.whenComplete((response, e) -> throttle.finished(name));
  }

  /** A refusal of a wrong password, held back as long as the throttle says. */
  private static CompletableFuture<ApiResponse> refusedAfter(Duration delay, ApiResponse refused) {
    return delay.isZero()
        ? CompletableFuture.completedFuture(refused)
        : CompletableFuture.supplyAsync(
            () -> refused,
            CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
  }

  /**
   * Whether the throttle holds back a password check for {@code name} (locked, slowed down after
   * failures, or one being checked already); when it does not, the check is under way and {@link
   * LoginThrottle#finished} must follow.
   */
  private Optional<ApiResponse> heldBack(String name, String what) {
    LoginThrottle.Verdict verdict = throttle.check(name);
    if (verdict instanceof LoginThrottle.Locked locked) {
      long seconds = Math.max(1, Duration.between(clock.instant(), locked.until()).toSeconds());
      return Optional.of(
          replies
              .error(
                  429,
                  "too many failed "
                      + what
                      + " for '"
                      + name
                      + "': locked until "
                      + locked.until()
                      + "; an admin can unlock it by setting a new password")
              .withHeader("Retry-After", Long.toString(seconds)));
    }
    if (verdict instanceof LoginThrottle.SlowDown slow) {
      return Optional.of(
          replies
              .error(429, "too many failed " + what + " in a row; wait before trying again")
              .withHeader(
                  "Retry-After",
                  Long.toString(Math.max(1, (slow.retryAfter().toMillis() + 999) / 1000))));
    }
    if (verdict instanceof LoginThrottle.Busy) {
      return Optional.of(
          replies
              .error(429, "a password for '" + name + "' is being checked; try again in a moment")
              .withHeader("Retry-After", "1"));
    }
    return Optional.empty();
  }

  /** Checks the password off the HTTP thread; the throttle heard this attempt. */
  private CompletableFuture<ApiResponse> hear(String name, String password, ApiRequest request) {
    return onHashing(
        () -> {
          Optional<ConsoleUser> user = users.find(name);
          if (user.isPresent() && hasher.verify(password, user.get().passwordHash())) {
            return user;
          }
          if (user.isEmpty()) {
            hasher.verifyNothing(password);
          }
          return Optional.<ConsoleUser>empty();
        },
        user -> {
          if (user.isPresent()) {
            throttle.succeeded(name);
            return loggedIn(request, user.get(), true);
          }
          Optional<ConsoleUser> account = users.find(name);
          Duration delay = throttle.failed(name, account.isPresent(), request.remoteAddress());
          account.ifPresent(
              known ->
                  auditFailure(
                      request, known, "login failed", 401, "wrong password for " + known.name()));
          return refusedAfter(delay, replies.error(401, "wrong user name or password"));
        });
  }

  /** Ends the browser's old session, makes a new one, audits it, and answers with the cookie. */
  private CompletableFuture<ApiResponse> loggedIn(
      ApiRequest request, ConsoleUser user, boolean auditLogin) {
    sessions.end(SessionCookie.read(request.header("cookie"), tls));
    SessionStore.Created created =
        sessions.create(user.name(), user.passwordHash(), request.remoteAddress());
    ObjectNode body = sessionJson(user.name(), user.role().lowerCase(), ApiPrincipal.VIA_SESSION);
    body.put("csrfToken", created.session().csrfToken());
    ApiRequest as =
        request.withPrincipal(new ApiPrincipal(user.name(), user.role(), ApiPrincipal.VIA_SESSION));
    ApiResponse response =
        replies.reply(200, body).withHeader("Set-Cookie", SessionCookie.set(created.id(), tls));
    if (!auditLogin) {
      return CompletableFuture.completedFuture(response);
    }
    return audit
        .record(
            AuditRecorder.entry(
                clock,
                AuditRecorder.serverName(config),
                as,
                "login",
                200,
                "login as " + user.role().lowerCase(),
                ""))
        .handle((r, e) -> response);
  }

  /**
   * A wrong password for an account goes to the audit log too (at login, or as the current one of a
   * password change), where an operator reviews who did what, not only to the server's log. Names
   * that are no account are left out: anyone can send endless ones, while an account's failures are
   * bounded by the throttle (at most {@code maxFailures} per lockout).
   */
  private void auditFailure(
      ApiRequest request, ConsoleUser account, String action, int status, String note) {
    ApiRequest as =
        request.withPrincipal(
            new ApiPrincipal(account.name(), account.role(), ApiPrincipal.VIA_SESSION));
    audit
        .record(
            AuditRecorder.entry(
                clock, AuditRecorder.serverName(config), as, action, status, note, ""))
        .exceptionally(
            e -> {
              log.warn(
                  "CONSOLE_AUDIT_FAILED action={} user={}: {}",
                  action,
                  account.name(),
                  e.toString());
              return null;
            });
  }

  private CompletableFuture<ApiResponse> whoAmI(ApiRequest request) {
    ApiPrincipal who = request.principal();
    ObjectNode body = sessionJson(who.name(), who.role().lowerCase(), who.via());
    if (who.viaSession()) {
      sessions
          .use(SessionCookie.read(request.header("cookie"), tls))
          .ifPresent(s -> body.put("csrfToken", s.csrfToken()));
    }
    return replies.ok(body);
  }

  private CompletableFuture<ApiResponse> logout(ApiRequest request) {
    ApiPrincipal who = request.principal();
    if (!who.viaSession()) {
      throw new BadRequestException("no session to end: the API token logs nothing in or out");
    }
    sessions.end(SessionCookie.read(request.header("cookie"), tls));
    ApiResponse response =
        replies
            .reply(200, replies.object().put("ok", true))
            .withHeader("Set-Cookie", SessionCookie.clear(tls));
    return audit
        .record(
            AuditRecorder.entry(
                clock, AuditRecorder.serverName(config), request, "logout", 200, "logout", ""))
        .handle((r, e) -> response);
  }

  /** A user's own new password; the session goes on under a new id (the old one is over). */
  private CompletableFuture<ApiResponse> changeOwnPassword(ApiRequest request) {
    ApiPrincipal who = request.principal();
    if (!who.viaSession()) {
      throw new BadRequestException(
          "the API token has no password of its own; set a user's with PUT /api/v1/users");
    }
    JsonNode body = replies.body(request);
    String current = Replies.text(body, "current", true);
    String password = Replies.text(body, "password", true);
    try {
      PasswordHasher.checkAcceptable(who.name(), password);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
    // The current password is checked as a login is: throttled, locked after maxFailures, and
    // each wrong one audited. Unthrottled, a browser left logged in was a way to guess it.
    Optional<ApiResponse> held = heldBack(who.name(), "password checks");
    if (held.isPresent()) {
      return CompletableFuture.completedFuture(held.get());
    }
    return checking(who.name(), () -> changePassword(request, who, current, password));
  }

  private CompletableFuture<ApiResponse> changePassword(
      ApiRequest request, ApiPrincipal who, String current, String password) {
    return onHashing(
        () -> {
          ConsoleUser user = users.find(who.name()).orElse(null);
          if (user == null || !hasher.verify(current, user.passwordHash())) {
            return null;
          }
          Instant now = clock.instant();
          return new PasswordChange(
              user,
              new ConsoleUser(
                  user.name(),
                  user.role(),
                  hasher.hash(password),
                  user.createdAt(),
                  now,
                  user.name(),
                  false));
        },
        change -> {
          if (change == null) {
            Duration delay = throttle.failed(who.name(), true, request.remoteAddress());
            users
                .find(who.name())
                .ifPresent(
                    known ->
                        auditFailure(
                            request,
                            known,
                            "password change failed",
                            403,
                            "wrong current password for " + known.name()));
            return refusedAfter(delay, replies.error(403, "the current password is wrong"));
          }
          throttle.succeeded(who.name());
          try {
            return users
                .replace(change.read(), change.changed())
                .thenCompose(u -> loggedIn(request, u, false));
          } catch (IllegalStateException changedMeanwhile) {
            return CompletableFuture.completedFuture(
                replies.error(409, changedMeanwhile.getMessage()));
          }
        });
  }

  /** The user as read before the hashing, and as the change leaves it. */
  private record PasswordChange(ConsoleUser read, ConsoleUser changed) {}

  private ObjectNode sessionJson(String name, String role, String via) {
    ObjectNode body = replies.object();
    body.put("name", name);
    body.put("role", role);
    body.put("via", via);
    body.put("idleTimeoutSeconds", sessions.idleTimeout().toSeconds());
    return body;
  }

  private <T> CompletableFuture<ApiResponse> onHashing(
      java.util.function.Supplier<T> work,
      java.util.function.Function<T, CompletableFuture<ApiResponse>> then) {
    return hashing.run(work, then);
  }
}
