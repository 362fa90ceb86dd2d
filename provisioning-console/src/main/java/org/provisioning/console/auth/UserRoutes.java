package org.provisioning.console.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.provisioning.console.api.ApiPrincipal;
import org.provisioning.console.api.ApiRequest;
import org.provisioning.console.api.ApiResponse;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.ManagementApi.BadRequestException;
import org.provisioning.console.api.Role;

/**
 * {@code /api/v1/users} (admin only, by {@link org.provisioning.console.api.RoutePolicy}): list
 * ({@code GET}), add ({@code POST {"name", "role", "password"}}), change role or password ({@code
 * PUT {"name", "role"?, "password"?}}; a new password ends the user's sessions and any lockout),
 * remove ({@code DELETE ?name=}). Passwords travel in the body only, never in a query.
 */
final class UserRoutes {
  private final Replies replies;
  private final UserStore users;
  private final SessionStore sessions;
  private final LoginThrottle throttle;
  private final PasswordHasher hasher;
  private final PasswordWork hashing;
  private final Clock clock;

  UserRoutes(
      Replies replies,
      UserStore users,
      SessionStore sessions,
      LoginThrottle throttle,
      PasswordHasher hasher,
      PasswordWork hashing,
      Clock clock) {
    this.replies = replies;
    this.users = users;
    this.sessions = sessions;
    this.throttle = throttle;
    this.hasher = hasher;
    this.hashing = hashing;
    this.clock = clock;
  }

  void register(ManagementApi api) {
    api.route("GET", "/users", r -> replies.ok(list()));
    api.route("POST", "/users", this::add);
    api.route("PUT", "/users", this::change);
    api.route("DELETE", "/users", this::remove);
  }

  private ObjectNode list() {
    ObjectNode body = replies.object();
    ArrayNode array = body.putArray("users");
    for (ConsoleUser user : users.list()) {
      array.add(userJson(user));
    }
    return body;
  }

  private CompletableFuture<ApiResponse> add(ApiRequest request) {
    JsonNode body = replies.body(request);
    String name = checkedName(Replies.text(body, "name", true));
    Role role = role(Replies.text(body, "role", true));
    String password = Replies.text(body, "password", true);
    acceptable(name, password);
    if (users.find(name).isPresent()) {
      return CompletableFuture.completedFuture(
          replies.error(409, "user '" + name + "' exists already; change it with PUT"));
    }
    return hashing.run(
        () -> hasher.hash(password),
        hash -> {
          Instant now = clock.instant();
          ConsoleUser user = new ConsoleUser(name, role, hash, now, now, by(request), false);
          try {
            return users.create(user).thenApply(u -> replies.reply(201, userJson(u)));
          } catch (IllegalStateException e) {
            return CompletableFuture.completedFuture(replies.error(409, e.getMessage()));
          }
        });
  }

  private CompletableFuture<ApiResponse> change(ApiRequest request) {
    JsonNode body = replies.body(request);
    String name = checkedName(Replies.text(body, "name", true));
    String roleText = Replies.text(body, "role", false);
    String password = Replies.text(body, "password", false);
    if (roleText == null && password == null) {
      throw new BadRequestException("give a new 'role', a new 'password', or both");
    }
    Role role = roleText == null ? null : role(roleText);
    if (password != null) {
      acceptable(name, password);
    }
    ConsoleUser existing = existing(name);
    return hashing.run(
        () -> password == null ? existing.passwordHash() : hasher.hash(password),
        hash -> {
          ConsoleUser user =
              new ConsoleUser(
                  name,
                  role == null ? existing.role() : role,
                  hash,
                  existing.createdAt(),
                  clock.instant(),
                  by(request),
                  false);
          try {
            return users
                .replace(existing, user)
                .thenApply(
                    u -> {
                      if (password != null) {
                        sessions.endAll(name);
                        throttle.reset(name);
                      }
                      return replies.reply(200, userJson(u));
                    });
          } catch (IllegalStateException changedMeanwhile) {
            return CompletableFuture.completedFuture(
                replies.error(409, changedMeanwhile.getMessage()));
          }
        });
  }

  private CompletableFuture<ApiResponse> remove(ApiRequest request) {
    String name = checkedName(request.queryParameter("name"));
    ConsoleUser existing = existing(name);
    ConsoleUser removed =
        new ConsoleUser(
            name, existing.role(), "", existing.createdAt(), clock.instant(), by(request), true);
    return users
        .save(removed)
        .thenApply(
            u -> {
              sessions.endAll(name);
              return replies.reply(200, replies.object().put("removed", name));
            });
  }

  private ConsoleUser existing(String name) {
    return users
        .find(name)
        .orElseThrow(
            () -> new BadRequestException("no user '" + name + "' (GET /api/v1/users lists them)"));
  }

  private ObjectNode userJson(ConsoleUser user) {
    ObjectNode node = replies.object();
    node.put("name", user.name());
    node.put("role", user.role().lowerCase());
    node.put("createdAt", user.createdAt().toString());
    node.put("changedAt", user.changedAt().toString());
    node.put("changedBy", user.changedBy());
    return node;
  }

  private static String by(ApiRequest request) {
    ApiPrincipal who = request.principal();
    return who == null ? "" : who.name();
  }

  private static String checkedName(String name) {
    try {
      return ConsoleUser.checkName(name);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  private static Role role(String text) {
    try {
      return Role.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  private static void acceptable(String name, String password) {
    try {
      PasswordHasher.checkAcceptable(name, password);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }
}
