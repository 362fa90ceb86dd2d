package org.provisioning.common.control;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest {@code capacity} events of a kind, for a console view: adding costs an array store
 * under a lock, whatever happened before, so a service can record from its hot path; the oldest
 * event is overwritten when the window is full. Safe for any number of threads.
 */
public final class RecentWindow<T> {
  private final Object[] events;
  private long added;

  public RecentWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    events = new Object[capacity];
  }

  public synchronized void add(T event) {
    events[(int) (added % events.length)] = event;
    added++;
  }

  /** The events kept, newest first. */
  @SuppressWarnings("unchecked")
  public synchronized List<T> newestFirst() {
    int kept = (int) Math.min(added, events.length);
    List<T> list = new ArrayList<>(kept);
    for (long i = added - 1; i >= added - kept; i--) {
      list.add((T) events[(int) (i % events.length)]);
    }
    return list;
  }

  /** How many events were ever added, those overwritten included. */
  public synchronized long added() {
    return added;
  }

  public int capacity() {
    return events.length;
  }
}
