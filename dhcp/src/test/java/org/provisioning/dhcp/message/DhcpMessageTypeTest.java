package org.provisioning.dhcp.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DhcpMessageTypeTest {

  @Test
  void mapsEveryKnownCodeBothWays() {
    for (DhcpMessageType t : DhcpMessageType.values()) {
      assertEquals(t, DhcpMessageType.fromCode(t.code()).orElseThrow());
    }
    assertEquals(DhcpMessageType.DISCOVER, DhcpMessageType.fromCode(1).orElseThrow());
    assertEquals(DhcpMessageType.INFORM, DhcpMessageType.fromCode(8).orElseThrow());
    assertEquals(DhcpMessageType.FORCERENEW, DhcpMessageType.fromCode(9).orElseThrow());
    assertEquals(DhcpMessageType.LEASEQUERY, DhcpMessageType.fromCode(10).orElseThrow());
  }

  @Test
  void unknownCodesHaveNoType() {
    assertTrue(DhcpMessageType.fromCode(0).isEmpty());
    assertTrue(DhcpMessageType.fromCode(19).isEmpty());
    assertTrue(DhcpMessageType.fromCode(255).isEmpty());
    assertTrue(DhcpMessageType.fromCode(-1).isEmpty());
  }

  @Test
  void labelsAreLowerCaseForStatistics() {
    assertEquals("discover", DhcpMessageType.DISCOVER.label());
    assertEquals("leasequery", DhcpMessageType.LEASEQUERY.label());
    assertEquals("DISCOVER(1)", DhcpMessageType.DISCOVER.toString());
  }

  @Test
  void knowsWhichTypesClientsSend() {
    assertTrue(DhcpMessageType.REQUEST.isClientToServer());
    assertFalse(DhcpMessageType.OFFER.isClientToServer());
  }
}
