package org.provisioning.console.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.provisioning.console.api.ApiGuard;
import org.provisioning.console.api.ApiPrincipal;
import org.provisioning.console.api.ApiRequest;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.Role;
import org.provisioning.console.api.RoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a request by the API token ({@code Authorization: Bearer}, admin-equivalent, for
 * provisionctl and scripts) or by a browser's session cookie; then checks the role its route needs
 * ({@link RoutePolicy}), and for a change made with the cookie the CSRF token of the session in the
 * {@value #CSRF_HEADER} header: a page of another site can make the browser send the cookie (where
 * SameSite does not hold), never the token, which only the console's own pages read at login.
 */
public final class ConsoleGuard implements ApiGuard {
  private static final Logger log = LoggerFactory.getLogger(ConsoleGuard.class);
  public static final String CSRF_HEADER = "X-CSRF-Token";

  /**
   * Sent by the console's pages on reads no one asked for (the refreshes every few seconds): they
   * must not count as the user's activity, or an open tab would keep its session past the idle
   * timeout until its maximum age.
   */
  public static final String BACKGROUND_HEADER = "X-Background";

  private final ApiToken token;
  private final SessionStore sessions;
  private final UserStore users;
  private final boolean tls;

  ConsoleGuard(ApiToken token, SessionStore sessions, UserStore users, boolean tls) {
    this.token = token;
    this.sessions = sessions;
    this.users = users;
    this.tls = tls;
  }

  @Override
  public Admission admit(ApiRequest request, Optional<Role> required) {
    boolean background =
        RoutePolicy.isRead(request.method()) && "1".equals(request.header(BACKGROUND_HEADER));
    return admit(request, required, !background);
  }

  @Override
  public Admission recheck(ApiRequest request, Optional<Role> required) {
    return admit(request, required, false);
  }

  /**
   * @param activity whether the request is the user's doing, which keeps the session alive
   */
  private Admission admit(ApiRequest request, Optional<Role> required, boolean activity) {
    ApiPrincipal who = null;
    ConsoleSession session = null;
    if (request.authorization() != null) {
      if (token.admits(request.authorization())) {
        who = ApiPrincipal.token();
      } else if (required.isPresent()) {
        return Admission.refuse(401, MISSING_TOKEN);
      }
    } else {
      String id = SessionCookie.read(request.header("cookie"), tls);
      session = id == null ? null : (activity ? sessions.use(id) : sessions.find(id)).orElse(null);
      if (session != null) {
        ConsoleSession live = session;
        var user = users.find(live.user()).filter(u -> u.passwordHash().equals(live.credential()));
        if (user.isPresent()) {
          who = new ApiPrincipal(user.get().name(), user.get().role(), ApiPrincipal.VIA_SESSION);
        } else {
          sessions.end(id); // removed, or a new password since this login
          session = null;
        }
      }
      if (who == null && required.isPresent()) {
        return Admission.refuse(
            401,
            id == null
                ? "not logged in; log in (POST /api/v1/session) or send the API token"
                : "the session is over (idle for "
                    + sessions.idleTimeout().toMinutes()
                    + " min, logged out, or a new password); log in again");
      }
    }
    if (required.isEmpty()) {
      return Admission.of(who);
    }
    if (!who.role().includes(required.get())) {
      log.info(
          "CONSOLE_ACCESS_DENIED user={} role={} method={} path={} remote={}",
          who.name(),
          who.role().lowerCase(),
          request.method(),
          request.pathForLog(),
          request.remoteAddress());
      return Admission.refuse(
          403,
          "user '"
              + who.name()
              + "' ("
              + who.role().lowerCase()
              + ") may not "
              + request.method()
              + " "
              + request.path()
              + "; that needs the "
              + required.get().lowerCase()
              + " role");
    }
    if (session != null && !RoutePolicy.isRead(request.method())) {
      String sent = request.header(CSRF_HEADER);
      if (sent == null
          || !MessageDigest.isEqual(
              sent.getBytes(StandardCharsets.UTF_8),
              session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
        log.warn(
            "CONSOLE_CSRF_REFUSED user={} method={} path={} remote={}",
            who.name(),
            request.method(),
            request.pathForLog(),
            request.remoteAddress());
        return Admission.refuse(
            403,
            "missing or wrong CSRF token: a change made with the session cookie must send the"
                + " csrfToken of its login in the "
                + CSRF_HEADER
                + " header");
      }
    }
    return Admission.of(who);
  }
}
