package org.provisioning.dhcp.failover;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.bus.JournalSync;

/**
 * A disk whose fsync can be made to hang, as a multipath device queueing without a path or a dead
 * NFS server do: no error, the call just does not return until {@link #recover}. Or to fail, as a
 * disk that went bad does ({@link #fail}).
 */
final class HangingDisk implements JournalSync {
  private volatile CountDownLatch hung;
  private volatile boolean failing;

  void fail() {
    failing = true;
  }

  void hang() {
    hung = new CountDownLatch(1);
  }

  void recover() {
    CountDownLatch latch = hung;
    hung = null;
    if (latch != null) {
      latch.countDown();
    }
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    if (failing) {
      throw new IOException("EIO (a test's failing disk)");
    }
    CountDownLatch latch = hung;
    if (latch != null) {
      try {
        latch.await(60, TimeUnit.SECONDS); // bounded: a test that forgets to recover still ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    FDATASYNC.force(channel);
  }
}
