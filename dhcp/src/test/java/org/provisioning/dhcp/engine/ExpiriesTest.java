package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpiriesTest {

  private record Entry(long time, int address) {}

  @Test
  void givesEntriesBackSoonestFirstWhateverTheOrderTheyCameIn() {
    Random random = new Random(42);
    Expiries expiries = new Expiries();
    List<Entry> added = new ArrayList<>();
    List<Entry> taken = new ArrayList<>();
    // Adds and removals interleaved, past the initial capacity, with repeated times.
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 300; i++) {
        Entry e = new Entry(random.nextInt(5_000), random.nextInt());
        added.add(e);
        expiries.add(e.time(), e.address());
      }
      for (int i = 0; i < 100; i++) {
        taken.add(new Entry(expiries.firstTime(), expiries.firstAddress()));
        expiries.removeFirst();
      }
    }
    while (!expiries.isEmpty()) {
      taken.add(new Entry(expiries.firstTime(), expiries.firstAddress()));
      expiries.removeFirst();
    }
    assertEquals(added.size(), taken.size());
    // Each removal was the soonest of what was in the heap at the time: after the last add, the
    // rest come out in order; and every entry added comes out exactly once.
    List<Entry> tail = taken.subList(20 * 100 - 100, taken.size());
    for (int i = 1; i < tail.size(); i++) {
      assertTrue(tail.get(i - 1).time() <= tail.get(i).time(), "in order at " + i);
    }
    Comparator<Entry> order =
        Comparator.comparingLong(Entry::time).thenComparingInt(Entry::address);
    assertEquals(added.stream().sorted(order).toList(), taken.stream().sorted(order).toList());
  }

  @Test
  void matchesThePairsItWasGiven() {
    Expiries expiries = new Expiries();
    expiries.add(30, 3);
    expiries.add(10, 1);
    expiries.add(20, 2);
    for (int expected = 1; expected <= 3; expected++) {
      assertEquals(expected * 10L, expiries.firstTime());
      assertEquals(expected, expiries.firstAddress());
      expiries.removeFirst();
    }
    assertTrue(expiries.isEmpty());
    expiries.add(5, 5);
    expiries.clear();
    assertEquals(0, expiries.size());
  }
}
