package org.provisioning.console.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.provisioning.common.alert.AlertCenter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back password guessing per account name (existing or not, so that the answers do not tell
 * which names exist). After the second failure in a row each further one doubles the wait before
 * the next attempt is heard (attempts meanwhile are refused unheard), and after {@code maxFailures}
 * the name is locked for {@code lockout}: even the right password is refused then, and {@link
 * ConsoleAlerts#LOGIN_LOCKED} is raised, cleared when the lock ends. A success resets the count.
 * State is per server and in memory, at most {@value #MAX_TRACKED} names (the oldest forgotten).
 */
public final class LoginThrottle {
  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
  static final int MAX_TRACKED = 10_000;
  static final Duration MAX_DELAY = Duration.ofSeconds(30);

  /** The alert object for names that are no account: one alert for all of them. */
  static final String UNKNOWN_NAMES = "console.login";

  private final Clock clock;
  private final int maxFailures;
  private final Duration lockout;
  private final Duration slowDownBase;
  private final AlertCenter alerts;
  private final Map<String, State> states = new LinkedHashMap<>(16, 0.75f, true);
  private final Set<String> alerted = new HashSet<>();

  /** The names with an attempt being heard (its password being hashed). */
  private final Set<String> heard = new HashSet<>();

  private static final class State {
    int failures;
    Instant lastFailure;
    Instant notBefore;
    Instant lockedUntil;
    String alertObject;
  }

  /** What may happen with a login attempt for a name. */
  public sealed interface Verdict permits Open, SlowDown, Busy, Locked {}

  /** The attempt is heard. */
  public record Open() implements Verdict {}

  /** Too soon after the last failure: refused unheard, try again after {@code retryAfter}. */
  public record SlowDown(Duration retryAfter) implements Verdict {}

  /** Another attempt for the name is being heard: refused unheard, try again in a moment. */
  public record Busy() implements Verdict {}

  /** Locked until {@code until}. */
  public record Locked(Instant until) implements Verdict {}

  /**
   * @param slowDownBase the wait after the second failure in a row, doubling with each further one
   */
  public LoginThrottle(
      Clock clock, int maxFailures, Duration lockout, Duration slowDownBase, AlertCenter alerts) {
    this.clock = clock;
    this.maxFailures = maxFailures;
    this.lockout = lockout;
    this.slowDownBase = slowDownBase;
    this.alerts = alerts;
    alerts.declare(ConsoleAlerts.ALL);
  }

  /**
   * Whether an attempt for {@code name} may be heard now. An {@link Open} verdict also starts the
   * attempt: until {@link #finished} says so, further attempts for the name are refused unheard
   * ({@link Busy}). Without that, attempts sent at once all passed this check while the first was
   * still being hashed, and each one guessed: dozens of guesses per lockout instead of {@code
   * maxFailures}.
   */
  public Verdict check(String name) {
    sweep();
    synchronized (this) {
      State state = states.get(name);
      Instant now = clock.instant();
      if (state != null && state.lockedUntil != null && now.isBefore(state.lockedUntil)) {
        return new Locked(state.lockedUntil);
      }
      if (state != null && state.notBefore != null && now.isBefore(state.notBefore)) {
        return new SlowDown(Duration.between(now, state.notBefore));
      }
      if (!heard.add(name)) {
        return new Busy();
      }
      return new Open();
    }
  }

  /**
   * The attempt an {@link Open} verdict started is decided (after {@link #failed} if it failed).
   */
  public synchronized void finished(String name) {
    heard.remove(name);
  }

  /**
   * A wrong password (or no such account) for {@code name}.
   *
   * @param account whether the name is an account (the alert names it then)
   * @return how long to hold the answer back
   */
  public Duration failed(String name, boolean account, String remote) {
    Instant now = clock.instant();
    String lockedObject = null;
    Duration delay;
    int failures;
    synchronized (this) {
      State state = states.computeIfAbsent(name, n -> new State());
      if (state.lastFailure != null && now.isAfter(state.lastFailure.plus(lockout))) {
        state.failures = 0;
      }
      state.failures++;
      state.lastFailure = now;
      failures = state.failures;
      delay = delayAfter(failures);
      state.notBefore = now.plus(delay);
      if (failures >= maxFailures) {
        state.lockedUntil = now.plus(lockout);
        state.failures = 0;
        state.alertObject = account ? "console.users[" + name + "]" : UNKNOWN_NAMES;
        lockedObject = state.alertObject;
        alerted.add(lockedObject);
        // Raised under the lock the sweep clears under: raised after it, a sweep (an admin's
        // reset) that found nothing raised yet left the alert standing for good.
        alerts.raise(
            ConsoleAlerts.LOGIN_LOCKED,
            lockedObject,
            maxFailures
                + " failed logins in a row for '"
                + name
                + "' (the last from "
                + remote
                + "): locked until "
                + now.plus(lockout));
      }
      forgetOldest();
    }
    log.warn(
        "CONSOLE_LOGIN_FAILED user={} account={} remote={} failures={}",
        name,
        account,
        remote,
        failures);
    if (lockedObject != null) {
      log.warn(
          "CONSOLE_LOGIN_LOCKED user={} remote={} minutes={}", name, remote, lockout.toMinutes());
    }
    return delay;
  }

  /** The right password: the count starts again. */
  public synchronized void succeeded(String name) {
    states.remove(name);
  }

  /** An admin gave the account a new password: any lock ends now. */
  public void reset(String name) {
    synchronized (this) {
      states.remove(name);
    }
    sweep();
  }

  /** Clears the alert of every lock that ended, under the lock the raise is made under. */
  public synchronized void sweep() {
    if (alerted.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    Set<String> stillLocked = new HashSet<>();
    for (Iterator<State> it = states.values().iterator(); it.hasNext(); ) {
      State state = it.next();
      if (state.lockedUntil != null && now.isBefore(state.lockedUntil)) {
        stillLocked.add(state.alertObject);
      } else if (state.lockedUntil != null) {
        it.remove();
      }
    }
    for (Iterator<String> it = alerted.iterator(); it.hasNext(); ) {
      String object = it.next();
      if (!stillLocked.contains(object)) {
        it.remove();
        alerts.clear(ConsoleAlerts.LOGIN_LOCKED, object, "the lock ended");
      }
    }
  }

  private Duration delayAfter(int failures) {
    if (failures < 2) {
      return Duration.ZERO;
    }
    Duration delay = slowDownBase.multipliedBy(1L << Math.min(failures - 2, 20));
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }

  private void forgetOldest() {
    for (Iterator<Map.Entry<String, State>> it = states.entrySet().iterator();
        it.hasNext() && states.size() > MAX_TRACKED; ) {
      Map.Entry<String, State> oldest = it.next();
      if (oldest.getValue().lockedUntil == null) {
        it.remove();
      }
    }
  }
}
