package org.provisioning.console.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions of this server (not replicated: a browser logs in to the server it talks to). A
 * session id is 256 random bits; the store keeps only its SHA-256, so a heap dump holds no usable
 * cookie. A session ends when it is idle past {@code idleTimeout}, when it is older than {@code
 * maxAge} whatever its use, at logout, and when its user is removed or given a new password. Time
 * comes from the injected clock.
 */
public final class SessionStore {
  /** Sessions per user at most; past it the least recently used one ends. */
  static final int MAX_PER_USER = 16;

  /** Sessions at most; past it the least recently used one ends. */
  static final int MAX_SESSIONS = 1_000;

  private final Clock clock;
  private final Duration idleTimeout;
  private final Duration maxAge;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, ConsoleSession> byHash = new ConcurrentHashMap<>();

  public SessionStore(Clock clock, Duration idleTimeout, Duration maxAge) {
    this.clock = clock;
    this.idleTimeout = idleTimeout;
    this.maxAge = maxAge;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * A new session for {@code user}, who proved {@code credential} (the password hash); returns its
   * id (for the cookie) with it.
   */
  public synchronized Created create(String user, String credential, String remote) {
    Instant now = clock.instant();
    expire(now);
    evictBeyond(MAX_PER_USER - 1, user);
    evictBeyond(MAX_SESSIONS - 1, null);
    String id = randomToken();
    ConsoleSession session = new ConsoleSession(user, credential, randomToken(), remote, now);
    byHash.put(hash(id), session);
    return new Created(id, session);
  }

  public record Created(String id, ConsoleSession session) {}

  /** The live session with this id, marked as used now; empty if there is none or it expired. */
  public Optional<ConsoleSession> use(String id) {
    return live(id, true);
  }

  /** The live session with this id, its last use left as it was; empty if none or expired. */
  public Optional<ConsoleSession> find(String id) {
    return live(id, false);
  }

  private Optional<ConsoleSession> live(String id, boolean use) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Optional.empty();
    }
    String key = hash(id);
    ConsoleSession session = byHash.get(key);
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (expired(session, now)) {
      byHash.remove(key, session);
      return Optional.empty();
    }
    if (use) {
      session.used(now);
    }
    return Optional.of(session);
  }

  /** Ends the session with this id (logout, or rotation at a new login). */
  public void end(String id) {
    if (id != null && !id.isEmpty() && id.length() <= 100) {
      byHash.remove(hash(id));
    }
  }

  /** Ends every session of a user (removed, or given a new password). */
  public void endAll(String user) {
    byHash.values().removeIf(s -> s.user().equals(user));
  }

  public int size() {
    return byHash.size();
  }

  private boolean expired(ConsoleSession session, Instant now) {
    return !now.isBefore(session.lastUsed().plus(idleTimeout))
        || !now.isBefore(session.createdAt().plus(maxAge));
  }

  private void expire(Instant now) {
    byHash.values().removeIf(s -> expired(s, now));
  }

  /**
   * Ends the least recently used sessions (of {@code user}, or of all if null) beyond {@code keep}.
   */
  private void evictBeyond(int keep, String user) {
    var sessions =
        byHash.entrySet().stream()
            .filter(e -> user == null || e.getValue().user().equals(user))
            .sorted(Comparator.comparing(e -> e.getValue().lastUsed()))
            .toList();
    for (int i = 0; i < sessions.size() - keep; i++) {
      byHash.remove(sessions.get(i).getKey());
    }
  }

  private String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String hash(String id) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
