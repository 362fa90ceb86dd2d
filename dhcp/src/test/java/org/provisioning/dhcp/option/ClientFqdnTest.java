package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ClientFqdnTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void readsAFullyQualifiedWireFormatName() {
    // flags S|E, rcodes 0, "host.example." in wire format
    ClientFqdn fqdn =
        ClientFqdn.parse(hex("050000" + "04686f7374076578616d706c6500")).orElseThrow();
    assertEquals("host.example.", fqdn.domainName());
    assertTrue(fqdn.hasFlag(ClientFqdn.FLAG_S));
    assertTrue(fqdn.isFullyQualified());
  }

  @Test
  void readsAPartialWireFormatName() {
    ClientFqdn fqdn = ClientFqdn.parse(hex("040000" + "04686f7374")).orElseThrow();
    assertEquals("host", fqdn.domainName());
    assertFalse(fqdn.isFullyQualified());
  }

  @Test
  void readsTheDeprecatedAsciiForm() {
    ClientFqdn fqdn = ClientFqdn.parse(hex("0000ff" + "682e6578")).orElseThrow();
    assertEquals("h.ex", fqdn.domainName());
    assertEquals(255, fqdn.rcode2());
  }

  @Test
  void encodesAsItWasRead() {
    byte[] wire = hex("0d0000" + "04686f7374076578616d706c6500");
    assertArrayEquals(wire, ClientFqdn.parse(wire).orElseThrow().toBytes());
    byte[] ascii = hex("0000ff" + "682e6578");
    assertArrayEquals(ascii, ClientFqdn.parse(ascii).orElseThrow().toBytes());
  }

  @Test
  void brokenWireNameIsNotAnFqdn() {
    assertTrue(ClientFqdn.parse(hex("040000" + "0568")).isEmpty());
    assertTrue(ClientFqdn.parse(hex("040000" + "c00c")).isEmpty()); // compression pointer
    assertTrue(ClientFqdn.parse(hex("0400")).isEmpty());
  }
}
