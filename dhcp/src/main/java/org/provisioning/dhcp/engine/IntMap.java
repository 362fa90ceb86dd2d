package org.provisioning.dhcp.engine;

import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A map from an int (an IPv4 address) to a value, in two arrays with linear probing: the engine's
 * offers by address and its plan's relays and reserved addresses, looked up for every request
 * without the boxed key and the node a {@code HashMap<Integer, V>} allocates. A removal shifts the
 * entries after it back, so no tombstones build up under the churn of offers made and taken. One
 * thread at a time (the engine's lock); values are never null.
 */
final class IntMap<V> {
  private static final int INITIAL_CAPACITY = 16;

  /** Golden-ratio multiplier: consecutive addresses, as pools hand them out, land far apart. */
  private static final int SPREAD = 0x9E3779B9;

  private int[] keys;
  private Object[] values;
  private int shift;
  private int size;

  IntMap() {
    allocate(INITIAL_CAPACITY);
  }

  private void allocate(int capacity) {
    keys = new int[capacity];
    values = new Object[capacity];
    shift = 32 - Integer.numberOfTrailingZeros(capacity);
  }

  private int home(int key) {
    return (key * SPREAD) >>> shift;
  }

  private int next(int slot) {
    return (slot + 1) & (values.length - 1);
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private int slotOf(int key) {
    int i = home(key);
    while (values[i] != null && keys[i] != key) {
      i = next(i);
    }
    return i;
  }

  @SuppressWarnings("unchecked")
  V get(int key) {
    return (V) values[slotOf(key)];
  }

  boolean containsKey(int key) {
    return values[slotOf(key)] != null;
  }

  /** Maps the key to the value; returns the value it replaces, or null. */
  @SuppressWarnings("unchecked")
  V put(int key, V value) {
    Objects.requireNonNull(value, "value");
    int i = slotOf(key);
    V previous = (V) values[i];
    if (previous == null) {
      if ((size + 1) * 2 > values.length) {
        grow();
        i = slotOf(key);
      }
      keys[i] = key;
      size++;
    }
    values[i] = value;
    return previous;
  }

  /** Removes the key; returns its value, or null. */
  @SuppressWarnings("unchecked")
  V remove(int key) {
    int gap = slotOf(key);
    V removed = (V) values[gap];
    if (removed == null) {
      return null;
    }
    values[gap] = null;
    size--;
    // Entries after the gap whose home is not between the gap and them would no longer be found:
    // move each such one into the gap, which then moves to where it was.
    for (int j = next(gap); values[j] != null; j = next(j)) {
      if (!cyclicallyWithin(gap, home(keys[j]), j)) {
        keys[gap] = keys[j];
        values[gap] = values[j];
        values[j] = null;
        gap = j;
      }
    }
    return removed;
  }

  /** Whether {@code slot} lies in (after, upTo], going round the end of the arrays. */
  private static boolean cyclicallyWithin(int after, int slot, int upTo) {
    return after <= upTo ? after < slot && slot <= upTo : after < slot || slot <= upTo;
  }

  private void grow() {
    int[] oldKeys = keys;
    Object[] oldValues = values;
    allocate(oldValues.length * 2);
    for (int j = 0; j < oldValues.length; j++) {
      if (oldValues[j] != null) {
        int i = slotOf(oldKeys[j]);
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }

  int size() {
    return size;
  }

  void forEachKey(IntConsumer action) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        action.accept(keys[i]);
      }
    }
  }

  void clear() {
    allocate(INITIAL_CAPACITY);
    size = 0;
  }
}
