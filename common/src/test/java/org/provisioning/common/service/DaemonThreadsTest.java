package org.provisioning.common.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @Test
  void aCreatedThreadIsANamedDaemonNotYetStarted() {
    Thread thread = DaemonThreads.create("dhcp-io", () -> {});
    assertEquals("dhcp-io", thread.getName());
    assertTrue(thread.isDaemon());
    assertSame(Thread.State.NEW, thread.getState());
  }

  @Test
  void anExecutorsThreadsAreNamedDaemons() throws Exception {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(DaemonThreads.factory("bus-snapshot"));
    try {
      Thread ran = executor.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
      assertEquals("bus-snapshot", ran.getName());
      assertTrue(ran.isDaemon());
    } finally {
      executor.shutdownNow();
    }
  }
}
