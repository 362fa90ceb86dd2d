package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;

class IntKeyedTest {
  /** Addresses from 128.0.0.0 up are negative as ints: they must sort and search alike. */
  private static final int LOW = Ipv4Address.parse("127.0.0.2").value();

  private static final int HIGH = Ipv4Address.parse("203.0.113.7").value();

  @Test
  void findsEachKeyAndNothingElseWhateverItsSign() {
    IntKeyed<String> relays = IntKeyed.of(Map.of(LOW, "cmts-1", HIGH, "cmts-2", 0, "zero"));
    assertEquals("cmts-1", relays.get(LOW));
    assertEquals("cmts-2", relays.get(HIGH));
    assertEquals("zero", relays.get(0));
    assertNull(relays.get(LOW + 1));
    assertTrue(relays.containsKey(HIGH));
    assertFalse(relays.containsKey(HIGH - 1));
    List<Integer> keys = new ArrayList<>();
    relays.forEachKey(keys::add);
    assertEquals(List.of(HIGH, 0, LOW), keys); // signed order
  }

  @Test
  void anEmptyMapHasNoKey() {
    IntKeyed<String> none = IntKeyed.of(Map.of());
    assertNull(none.get(LOW));
    assertFalse(none.containsKey(0));
  }
}
