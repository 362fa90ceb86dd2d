package org.provisioning.common.stats;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count, safe to bump from any thread without contention. */
public final class Counter {
  private final LongAdder adder = new LongAdder();

  public void increment() {
    adder.increment();
  }

  public void add(long n) {
    adder.add(n);
  }

  public long get() {
    return adder.sum();
  }
}
