package org.provisioning.common.bus;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fsync seam for tests: the first fsync waits until {@link #release} is counted down (after
 * counting down {@link #entered}), and every fsync from call {@link #failFromCall} on throws.
 */
final class GatedSync implements JournalSync {
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final AtomicInteger calls = new AtomicInteger();
  private final boolean gateFirst;
  volatile int failFromCall = Integer.MAX_VALUE;

  GatedSync(boolean gateFirst) {
    this.gateFirst = gateFirst;
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    int call = calls.incrementAndGet();
    if (call == 1 && gateFirst) {
      entered.countDown();
      try {
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IOException("test never released the gated fsync");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    if (call >= failFromCall) {
      throw new IOException("injected fsync failure (EIO)");
    }
    channel.force(false);
  }
}
