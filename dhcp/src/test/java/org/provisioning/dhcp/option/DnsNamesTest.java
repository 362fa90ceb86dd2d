package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DnsNamesTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void aTrailingDotIsTheRootLabel() {
    assertArrayEquals(hex("0161026263" + "00"), DnsNames.encode("a.bc."));
    assertArrayEquals(hex("0161026263"), DnsNames.encode("a.bc"));
    assertArrayEquals(hex("00"), DnsNames.encode("."));
    assertEquals("a.bc.", DnsNames.decode(hex("016102626300"), 0, 6));
    assertEquals("a.bc", DnsNames.decode(hex("0161026263"), 0, 5));
    assertEquals(".", DnsNames.decode(hex("00"), 0, 1));
  }

  @Test
  void rejectsPointersOverrunsAndDataAfterRoot() {
    assertFalse(DnsNames.isValid(hex("c00c"), 0, 2));
    assertFalse(DnsNames.isValid(hex("0361"), 0, 2));
    assertFalse(DnsNames.isValid(hex("016100" + "01"), 0, 4));
    assertFalse(DnsNames.isValid(new byte[0], 0, 0));
    assertNull(DnsNames.decode(hex("c00c"), 0, 2));
    assertTrue(DnsNames.isValid(hex("0161"), 0, 2));
  }

  @Test
  void refusesEmptyAndOverlongLabels() {
    assertThrows(IllegalArgumentException.class, () -> DnsNames.encode("a..b"));
    assertThrows(IllegalArgumentException.class, () -> DnsNames.encode("x".repeat(64)));
  }
}
