package org.provisioning.common.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.provisioning.common.time.Ticker;

/**
 * A clock that moves only when the test moves it: timeouts, lockouts, expiries and sampling
 * intervals pass without sleeping. UTC; safe to read from the threads of the code under test.
 *
 * <p>It is also the {@link Ticker} of the same time: {@link #advance} moves both, as time passing
 * does; {@link #step} moves only the wall clock, as NTP or {@code date -s} does.
 */
public final class ManualClock extends Clock implements Ticker {
  private final AtomicLong millis;
  private long stepped;

  public ManualClock(long startMillis) {
    this(new AtomicLong(startMillis));
  }

  public ManualClock(Instant start) {
    this(start.toEpochMilli());
  }

  /** Reads {@code millis}, which the test may also move directly (time passing). */
  public ManualClock(AtomicLong millis) {
    this.millis = millis;
  }

  public void advance(Duration by) {
    millis.addAndGet(by.toMillis());
  }

  public void advance(long byMillis) {
    millis.addAndGet(byMillis);
  }

  /** Steps the wall clock by {@code by} (negative: back) while no time passes. */
  public synchronized void step(Duration by) {
    stepped += by.toMillis();
    millis.addAndGet(by.toMillis());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public synchronized long nanos() {
    return TimeUnit.MILLISECONDS.toNanos(millis.get() - stepped);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
