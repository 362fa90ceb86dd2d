package org.provisioning.dhcp.engine;

/**
 * When each offer made runs out, oldest first: (time, address) pairs in a ring of primitive arrays.
 * Offers all share one hold time, so they run out in the order they were made. The engine looks an
 * offer up by its address when its time comes; an offer taken up or withdrawn meanwhile is simply
 * not found. Unlike a queue of the offers themselves, this keeps nothing of an accepted offer alive
 * for the hold time: at 16,000 exchanges a second and a 30 s hold, the offer objects such a queue
 * held (with their client keys and addresses) were a quarter of the objects each GC cycle marked.
 */
final class OfferExpiries {
  private long[] times = new long[1024];
  private int[] addresses = new int[1024];
  private int head;
  private int size;

  void add(long expiresAt, int address) {
    if (size == times.length) {
      grow();
    }
    int tail = (head + size) & (times.length - 1);
    times[tail] = expiresAt;
    addresses[tail] = address;
    size++;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The oldest entry's time; only when not empty. */
  long firstTime() {
    return times[head];
  }

  /** The oldest entry's address; only when not empty. */
  int firstAddress() {
    return addresses[head];
  }

  void removeFirst() {
    head = (head + 1) & (times.length - 1);
    size--;
  }

  void clear() {
    head = 0;
    size = 0;
  }

  private void grow() {
    // Unrolled into new arrays of twice the size (a power of two, so the index wraps by masking).
    long[] newTimes = new long[times.length * 2];
    int[] newAddresses = new int[times.length * 2];
    int firstPart = times.length - head;
    System.arraycopy(times, head, newTimes, 0, firstPart);
    System.arraycopy(times, 0, newTimes, firstPart, head);
    System.arraycopy(addresses, head, newAddresses, 0, firstPart);
    System.arraycopy(addresses, 0, newAddresses, firstPart, head);
    times = newTimes;
    addresses = newAddresses;
    head = 0;
  }

  @Override
  public String toString() {
    return "OfferExpiries[" + size + " offers]";
  }
}
