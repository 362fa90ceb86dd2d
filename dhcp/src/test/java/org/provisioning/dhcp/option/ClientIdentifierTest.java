package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ClientIdentifierTest {

  @Test
  void comparesByContentSoItCanKeyLeases() {
    byte[] raw = HexFormat.of().parseHex("ff2ab815140003000120e52ab81514");
    ClientIdentifier a = ClientIdentifier.of(raw);
    ClientIdentifier b = ClientIdentifier.of(raw.clone());
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals(255, a.type());
    assertArrayEquals(HexFormat.of().parseHex("2ab815140003000120e52ab81514"), a.identifier());
  }

  @Test
  void needsTwoOctets() {
    assertThrows(IllegalArgumentException.class, () -> ClientIdentifier.of(new byte[] {1}));
  }
}
