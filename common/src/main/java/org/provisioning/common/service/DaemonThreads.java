package org.provisioning.common.service;

import java.util.concurrent.ThreadFactory;

/**
 * The threads services start for themselves: daemons, so a process stopping after its services have
 * stopped never waits on one, and named, so a thread dump, a profile or {@code top -H} says whose
 * each one is.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A daemon thread running {@code task}, not started yet. */
  public static Thread create(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Makes an executor's threads: daemons, each called {@code name}. */
  public static ThreadFactory factory(String name) {
    return task -> create(name, task);
  }
}
