package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OfferExpiriesTest {

  @Test
  void givesEntriesBackOldestFirstAcrossGrowthWithTheRingWrapped() {
    OfferExpiries expiries = new OfferExpiries();
    long next = 0;
    long expected = 0;
    // Take some out first so that the ring has wrapped when it must grow.
    for (int i = 0; i < 1000; i++) {
      expiries.add(next, (int) next);
      next++;
    }
    for (int i = 0; i < 700; i++) {
      assertEquals(expected, expiries.firstTime());
      assertEquals((int) expected, expiries.firstAddress());
      expiries.removeFirst();
      expected++;
    }
    for (int i = 0; i < 5000; i++) {
      expiries.add(next, (int) next);
      next++;
    }
    while (!expiries.isEmpty()) {
      assertEquals(expected, expiries.firstTime());
      assertEquals((int) expected, expiries.firstAddress());
      expiries.removeFirst();
      expected++;
    }
    assertEquals(next, expected);
  }

  @Test
  void isEmptyAfterClear() {
    OfferExpiries expiries = new OfferExpiries();
    expiries.add(1, 2);
    expiries.clear();
    assertTrue(expiries.isEmpty());
    expiries.add(3, 4);
    assertEquals(3, expiries.firstTime());
    assertEquals(4, expiries.firstAddress());
  }
}
