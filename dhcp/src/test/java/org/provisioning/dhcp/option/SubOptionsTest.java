package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SubOptionsTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void parsingKeepsOrderUnknownCodesAndTheExactOctets() {
    byte[] raw = hex("0902aabb01020304ff00");
    SubOptions s = SubOptions.parse(raw).orElseThrow();
    assertEquals(3, s.size());
    assertEquals(9, s.codeAt(0));
    assertEquals(1, s.codeAt(1));
    assertEquals(255, s.codeAt(2));
    assertArrayEquals(hex("0304"), s.get(1).orElseThrow());
    assertArrayEquals(new byte[0], s.valueAt(2));
    assertArrayEquals(raw, s.toBytes());
  }

  @Test
  void brokenFramingParsesToNothing() {
    assertTrue(SubOptions.parse(hex("0103aabb")).isEmpty());
    assertTrue(SubOptions.parse(hex("01")).isEmpty());
    assertTrue(SubOptions.parse(new byte[0]).orElseThrow().isEmpty());
  }

  @Test
  void typedAccessorsHonourTheDefinition() {
    DhcpSubOptionDefinition addr =
        DhcpSubOptionDefinition.single(1, "A", DhcpOptionFormat.IPV4_ADDRESS);
    SubOptions bad = SubOptions.builder().add(1, hex("0a0000")).build();
    assertTrue(bad.isMalformed(addr));
    assertTrue(bad.ipv4Address(addr).isEmpty());
    assertArrayEquals(hex("0a0000"), bad.get(addr).orElseThrow());
  }

  @Test
  void builderRefusesValuesASubOptionCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> SubOptions.builder().add(1, new byte[256]));
    assertThrows(IllegalArgumentException.class, () -> SubOptions.builder().add(256, new byte[1]));
  }

  @Test
  void printsCodesAndHex() {
    assertEquals("{1=0a, 2=}", SubOptions.parse(hex("01010a0200")).orElseThrow().toString());
  }
}
