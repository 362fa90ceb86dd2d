package org.provisioning.common.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when the test moves it: timeouts, lockouts, expiries and sampling
 * intervals pass without sleeping. UTC; safe to read from the threads of the code under test.
 */
public final class ManualClock extends Clock {
  private final AtomicLong millis;

  public ManualClock(long startMillis) {
    this(new AtomicLong(startMillis));
  }

  public ManualClock(Instant start) {
    this(start.toEpochMilli());
  }

  /** Reads {@code millis}, which the test may also move directly. */
  public ManualClock(AtomicLong millis) {
    this.millis = millis;
  }

  public void advance(Duration by) {
    millis.addAndGet(by.toMillis());
  }

  public void advance(long byMillis) {
    millis.addAndGet(byMillis);
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
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
