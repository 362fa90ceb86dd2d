package org.provisioning.dhcp.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * An immutable map from an int (an IPv4 address) to a value, as sorted keys searched by halves: a
 * plan's relays and reserved addresses, looked up on every request without boxing the address that
 * a {@code Map<Integer, V>} would allocate for each lookup.
 */
final class IntKeyed<V> {
  private final int[] keys;
  private final Object[] values;

  private IntKeyed(int[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  static <V> IntKeyed<V> of(Map<Integer, V> entries) {
    int[] keys = entries.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    Object[] values = new Object[keys.length];
    for (int i = 0; i < keys.length; i++) {
      values[i] = entries.get(keys[i]);
    }
    return new IntKeyed<>(keys, values);
  }

  /** The value of the key, or null. */
  @SuppressWarnings("unchecked")
  V get(int key) {
    int i = Arrays.binarySearch(keys, key);
    return i < 0 ? null : (V) values[i];
  }

  boolean containsKey(int key) {
    return Arrays.binarySearch(keys, key) >= 0;
  }

  void forEachKey(IntConsumer action) {
    for (int key : keys) {
      action.accept(key);
    }
  }
}
