package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;

class IntMapTest {
  private static final int BASE = Ipv4Address.parse("127.16.0.0").value();

  /**
   * Random puts and removes over few keys (long probe runs, removals inside them, growth), each
   * checked against a HashMap; keys of both signs.
   */
  @Test
  void behavesAsAHashMapUnderChurn() {
    IntMap<String> map = new IntMap<>();
    Map<Integer, String> expected = new HashMap<>();
    Random random = new Random(42);
    for (int op = 0; op < 200_000; op++) {
      int key = (random.nextBoolean() ? BASE : Integer.MIN_VALUE) + random.nextInt(3_000);
      switch (random.nextInt(3)) {
        case 0 -> assertEquals(expected.put(key, "v" + op), map.put(key, "v" + op));
        case 1 -> assertEquals(expected.remove(key), map.remove(key));
        default -> {
          assertEquals(expected.get(key), map.get(key));
          assertEquals(expected.containsKey(key), map.containsKey(key));
        }
      }
      assertEquals(expected.size(), map.size());
    }
    expected.forEach((key, value) -> assertEquals(value, map.get(key)));
    Set<Integer> keys = new HashSet<>();
    map.forEachKey(key -> assertTrue(keys.add(key), "key " + key + " twice"));
    assertEquals(expected.keySet(), keys);
  }

  @Test
  void growsPastItsFirstArraysAndClearsToEmpty() {
    IntMap<Integer> map = new IntMap<>();
    for (int i = 0; i < 100_000; i++) {
      assertNull(map.put(BASE + i, i));
    }
    assertEquals(100_000, map.size());
    for (int i = 0; i < 100_000; i += 7) {
      assertEquals(i, map.get(BASE + i));
    }
    map.clear();
    assertEquals(0, map.size());
    assertFalse(map.containsKey(BASE));
    assertNull(map.remove(BASE));
  }

  @Test
  void refusesNullValues() {
    IntMap<String> map = new IntMap<>();
    assertThrows(NullPointerException.class, () -> map.put(BASE, null));
    assertEquals(0, map.size());
  }
}
