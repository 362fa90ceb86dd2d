package org.provisioning.console.auth;

import java.time.Instant;

/**
 * A browser's login: the user, the CSRF token its pages must send with every change, and when it
 * was made and last used. The session's own id is known to the browser (its cookie) and, hashed, to
 * the {@link SessionStore}.
 */
public final class ConsoleSession {
  private final String user;
  private final String credential;
  private final String csrfToken;
  private final String remote;
  private final Instant createdAt;
  private volatile Instant lastUsed;

  ConsoleSession(
      String user, String credential, String csrfToken, String remote, Instant createdAt) {
    this.user = user;
    this.credential = credential;
    this.csrfToken = csrfToken;
    this.remote = remote;
    this.createdAt = createdAt;
    this.lastUsed = createdAt;
  }

  public String user() {
    return user;
  }

  /**
   * The user's password hash when the session was made: once it differs from the user's (a new
   * password, here or on the failover partner), the session is over.
   */
  public String credential() {
    return credential;
  }

  public String csrfToken() {
    return csrfToken;
  }

  /** Where the login came from. */
  public String remote() {
    return remote;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant lastUsed() {
    return lastUsed;
  }

  void used(Instant at) {
    lastUsed = at;
  }
}
