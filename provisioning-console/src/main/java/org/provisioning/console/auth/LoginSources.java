package org.provisioning.console.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Bounds the password checks one client address may start. Each costs a quarter of a second of a
 * core and two run at once, while {@link LoginThrottle} slows guessing per name only: one client
 * sending logins for made-up names, which no name's count slows, kept both hashing threads busy and
 * every real login waiting or refused, and two cores of a DHCP server spent. An address may start
 * {@value #BURST} checks at once and one more every {@link #REFILL}; beyond that its attempts are
 * answered 429 unheard. At most {@value #MAX_TRACKED} addresses are kept, the least recent
 * forgotten.
 */
final class LoginSources {
  static final int BURST = 30;
  static final Duration REFILL = Duration.ofSeconds(2);
  static final int MAX_TRACKED = 10_000;

  private final Clock clock;
  private final Map<String, Bucket> buckets =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
          return size() > MAX_TRACKED;
        }
      };

  private static final class Bucket {
    double checks = BURST;
    long atMillis;
  }

  LoginSources(Clock clock) {
    this.clock = clock;
  }

  /**
   * Takes one password check for the client at {@code remote} ({@code host:port} as the API gives
   * it): empty if it may start one now, else how long until it may.
   */
  synchronized Optional<Duration> take(String remote) {
    long now = clock.millis();
    Bucket bucket = buckets.computeIfAbsent(host(remote), h -> new Bucket());
    if (bucket.atMillis != 0) {
      double refilled = (double) Math.max(0, now - bucket.atMillis) / REFILL.toMillis();
      bucket.checks = Math.min(BURST, bucket.checks + refilled);
    }
    bucket.atMillis = now;
    if (bucket.checks >= 1) {
      bucket.checks -= 1;
      return Optional.empty();
    }
    return Optional.of(
        Duration.ofMillis((long) Math.ceil((1 - bucket.checks) * REFILL.toMillis())));
  }

  /** The host of {@code host:port} or {@code [v6]:port}; the whole text if it has no port. */
  static String host(String remote) {
    if (remote == null) {
      return "";
    }
    int colon = remote.lastIndexOf(':');
    if (colon <= 0 || remote.indexOf(':') != colon && !remote.startsWith("[")) {
      return remote;
    }
    return remote.substring(0, colon);
  }
}
