package org.provisioning.console.api;

import java.util.Optional;
import java.util.Set;

/**
 * Which role each route of {@code /api/v1} needs, decided by method and path so that a route added
 * later is covered without anyone remembering to: a read ({@code GET}) needs a viewer, anything
 * else an operator, and the listed routes more (users, failover actions, the pairing secret, a
 * rendered DOCSIS file) or less (logging in; a user's own session).
 */
public final class RoutePolicy {
  private static final String P = ManagementApi.PREFIX;

  /** Anyone may call these: logging in. */
  private static final Set<String> PUBLIC = Set.of("POST " + P + "/session");

  /**
   * Changes a logged-in user makes to their own session, whatever the role: logging out and
   * changing one's own password.
   */
  static final Set<String> SELF_SERVICE =
      Set.of("DELETE " + P + "/session", "POST " + P + "/session/password");

  private RoutePolicy() {}

  /** The role a request needs; empty when the route is public. */
  public static Optional<Role> required(String method, String path) {
    String route = method + " " + path;
    if (PUBLIC.contains(route)) {
      return Optional.empty();
    }
    if (SELF_SERVICE.contains(route)) {
      return Optional.of(Role.VIEWER);
    }
    boolean read = isRead(method);
    if (path.equals(P + "/users") || path.startsWith(P + "/users/")) {
      return Optional.of(Role.ADMIN);
    }
    if (path.equals(P + "/failover/secret")) {
      return Optional.of(Role.ADMIN);
    }
    if (path.equals(P + "/backup")) {
      return Optional.of(Role.ADMIN); // a backup holds every user's password hash
    }
    if (path.equals(P + "/tftp/render")) {
      // A modem's file as TFTP would serve it, MICs included: signed with the CMTS secret, it is
      // the file a modem could be loaded with from anywhere, so the same role as changing one.
      return Optional.of(Role.OPERATOR);
    }
    if ((path.equals(P + "/failover") || path.startsWith(P + "/failover/")) && !read) {
      return Optional.of(Role.ADMIN);
    }
    return Optional.of(read ? Role.VIEWER : Role.OPERATOR);
  }

  /** Whether a method only reads (and so needs no CSRF token). */
  public static boolean isRead(String method) {
    return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
  }

  /** Whether a route changes something yet is open to every logged-in user. */
  public static boolean isSelfService(String method, String path) {
    return SELF_SERVICE.contains(method + " " + path);
  }
}
