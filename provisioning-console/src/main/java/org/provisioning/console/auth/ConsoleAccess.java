package org.provisioning.console.auth;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusParticipant;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ManagementLoginConfig;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.ManagementApi;

/**
 * The console's users, sessions and audit log, put together: made before the state bus opens (the
 * users and the audit log are its participants), attached to it once it has replayed, then
 * installed on the management API as its guard, its auditor and the routes {@code /session}, {@code
 * /users}, {@code /audit} and {@code /routes}.
 */
public final class ConsoleAccess implements AutoCloseable {
  /** A session lives this long at most, however busy. */
  static final Duration MAX_SESSION_AGE = Duration.ofHours(12);

  /** The wait after the second failed login in a row; it doubles with each further one. */
  static final Duration SLOW_DOWN_BASE = Duration.ofMillis(500);

  private final Clock clock;
  private final PasswordHasher hasher;
  private final Duration slowDownBase;
  private final UserStore users = new UserStore();
  private final AuditLog audit = new AuditLog();
  private SessionStore sessions;
  private LoginThrottle throttle;
  private PasswordWork hashing;
  private ScheduledExecutorService sweeper;

  public ConsoleAccess(Clock clock) {
    this(clock, new PasswordHasher(), SLOW_DOWN_BASE);
  }

  /** With a cheaper hash or a shorter wait: for tests. */
  public ConsoleAccess(Clock clock, PasswordHasher hasher, Duration slowDownBase) {
    this.clock = clock;
    this.hasher = hasher;
    this.slowDownBase = slowDownBase;
  }

  /** What the state bus restores and snapshots. */
  public List<BusParticipant> participants() {
    return List.of(users, audit);
  }

  /** Once the bus has replayed: publish on it, and hear the failover partner's records. */
  public void attach(StateBus bus) {
    attach(bus, bus.originId());
    bus.addListener(users);
    bus.addListener(audit);
  }

  /** Publishing only (tests without a bus). */
  public void attach(BusPublisher bus, int origin) {
    users.attach(bus, origin);
    audit.attach(bus, origin);
  }

  /**
   * Adds the first console admin that {@code provisionctl setup} left in {@code dataDir} for this
   * start ({@link FirstAdmin}); once attached, before the API listens.
   *
   * @param server this server's name, for the audit entry
   */
  public void createRequestedAdmin(Path dataDir, String server) {
    FirstAdmin.createIfRequested(dataDir, users, audit, clock, server);
  }

  public UserStore users() {
    return users;
  }

  public AuditLog audit() {
    return audit;
  }

  public SessionStore sessions() {
    return sessions;
  }

  /**
   * Guards the API with users, sessions and the token, audits its changes, and adds the routes.
   *
   * @param tls whether the listener serves HTTPS (the cookie is Secure then)
   */
  public void install(
      ManagementApi api,
      ApiToken token,
      AlertCenter alerts,
      ConfigService config,
      ManagementLoginConfig login,
      boolean tls) {
    Replies replies = new Replies(api.json());
    sessions =
        new SessionStore(clock, Duration.ofMinutes(login.sessionIdleMinutes()), MAX_SESSION_AGE);
    throttle =
        new LoginThrottle(
            clock,
            login.maxFailures(),
            Duration.ofMinutes(login.lockoutMinutes()),
            slowDownBase,
            alerts);
    hashing = new PasswordWork(replies);
    api.guard(new ConsoleGuard(token, sessions, users, tls));
    api.audit(new AuditRecorder(audit, config, clock, api.json()));
    new SessionRoutes(
            replies, users, sessions, throttle, hasher, hashing, audit, config, clock, tls)
        .register(api);
    new UserRoutes(replies, users, sessions, throttle, hasher, hashing, clock).register(api);
    AuditRoutes.register(api, audit, replies);
    sweeper =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("console-login-sweep"));
    // Clears the lockout alert when the lock ends, whether anyone tries again or not.
    sweeper.scheduleWithFixedDelay(throttle::sweep, 30, 30, TimeUnit.SECONDS);
  }

  /** Stops the helper threads (daemons, so a process may also just exit). */
  @Override
  public void close() {
    if (hashing != null) {
      hashing.close();
    }
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }
}
