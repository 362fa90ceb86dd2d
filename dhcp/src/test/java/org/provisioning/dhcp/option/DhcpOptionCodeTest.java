package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DhcpOptionCodeTest {

  @Test
  void printsNameAndCode() {
    assertEquals("SUBNET_MASK(1)", DhcpOptionCode.SUBNET_MASK.toString());
    assertEquals("RELAY_AGENT_INFORMATION(82)", DhcpOptionCode.RELAY_AGENT_INFORMATION.toString());
  }

  @Test
  void keepsUnknownCodesAndPrintsThemAsUnknown() {
    DhcpOptionCode code = DhcpOptionCode.of(200);
    assertEquals(200, code.code());
    assertEquals("UNKNOWN(200)", code.toString());
    assertFalse(code.isKnown());
    assertTrue(DhcpOptionCode.of(53).isKnown());
  }

  @Test
  void returnsTheCachedInstanceForEveryCode() {
    assertSame(DhcpOptionCode.SUBNET_MASK, DhcpOptionCode.of(1));
    assertSame(DhcpOptionCode.of(199), DhcpOptionCode.of(199));
  }

  @Test
  void rejectsCodesOutsideOneOctet() {
    assertThrows(IllegalArgumentException.class, () -> DhcpOptionCode.of(256));
    assertThrows(IllegalArgumentException.class, () -> DhcpOptionCode.of(-1));
  }

  @Test
  void ordersByCode() {
    assertTrue(DhcpOptionCode.ROUTER.compareTo(DhcpOptionCode.END) < 0);
  }
}
