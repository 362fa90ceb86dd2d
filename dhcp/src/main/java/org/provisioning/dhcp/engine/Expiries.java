package org.provisioning.dhcp.engine;

import java.util.Arrays;

/**
 * When leases and offers run out, soonest first: a binary min-heap of (time, address) pairs in
 * primitive arrays. An entry whose lease was renewed or changed, or whose offer was taken up or
 * made again, stays behind; the engine checks the lease or offer when the entry comes up and skips
 * it. Primitives rather than an entry object each: there is one per lease, renewal and offer, alive
 * for the lease time or the offer's hold, and every object alive is one more for each GC cycle to
 * mark (a queue of the offers themselves held about two million objects at 16,000 exchanges a
 * second).
 */
final class Expiries {
  private long[] times = new long[1024];
  private int[] addresses = new int[1024];
  private int size;

  void add(long expiresAt, int address) {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
      addresses = Arrays.copyOf(addresses, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (times[parent] <= expiresAt) {
        break;
      }
      times[i] = times[parent];
      addresses[i] = addresses[parent];
      i = parent;
    }
    times[i] = expiresAt;
    addresses[i] = address;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The soonest entry's time; only when not empty. */
  long firstTime() {
    return times[0];
  }

  /** The soonest entry's address; only when not empty. */
  int firstAddress() {
    return addresses[0];
  }

  void removeFirst() {
    size--;
    if (size == 0) {
      return;
    }
    long time = times[size];
    int address = addresses[size];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && times[child + 1] < times[child]) {
        child++;
      }
      if (times[child] >= time) {
        break;
      }
      times[i] = times[child];
      addresses[i] = addresses[child];
      i = child;
    }
    times[i] = time;
    addresses[i] = address;
  }

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  @Override
  public String toString() {
    return "Expiries[" + size + " entries]";
  }
}
