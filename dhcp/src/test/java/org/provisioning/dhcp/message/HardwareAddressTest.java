package org.provisioning.dhcp.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HardwareAddressTest {

  @Test
  void macAddressParsesAndPrintsColonHex() {
    MacAddress mac = MacAddress.parse("20:E5:2a:b8:15:14");
    assertEquals(0x20e52ab81514L, mac.value());
    assertEquals("20:e5:2a:b8:15:14", mac.toString());
    assertEquals(mac, MacAddress.parse("20-e5-2a-b8-15-14"));
    assertArrayEquals(new byte[] {0x20, (byte) 0xe5, 0x2a, (byte) 0xb8, 0x15, 0x14}, mac.toBytes());
  }

  @Test
  void macAddressRejectsWhatIsNotOne() {
    assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("20:e5:2a:b8:15"));
    assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("20:e5:2a-b8:15:14"));
    assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("20:e5:2a:b8:15:1g"));
    assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
  }

  @Test
  void ethernetAddressGivesItsMac() {
    MacAddress mac = MacAddress.parse("78:96:84:5e:f7:af");
    HardwareAddress hw = HardwareAddress.ethernet(mac);
    assertEquals(HardwareType.ETHERNET, hw.type());
    assertEquals(6, hw.length());
    assertEquals(mac, hw.macAddress().orElseThrow());
    assertEquals("78:96:84:5e:f7:af", hw.toString());
  }

  @Test
  void otherHardwareTypesKeepTheirOctetsAndHaveNoMac() {
    HardwareAddress ib = HardwareAddress.of(HardwareType.of(32), new byte[0]);
    assertTrue(ib.macAddress().isEmpty());
    assertEquals("INFINIBAND(32)/", ib.toString());
    assertEquals("UNKNOWN(99)", HardwareType.of(99).toString());
  }

  @Test
  void comparesByTypeAndContent() {
    byte[] b = {1, 2, 3, 4, 5, 6};
    assertEquals(
        HardwareAddress.of(HardwareType.ETHERNET, b),
        HardwareAddress.of(HardwareType.ETHERNET, b.clone()));
    assertNotEquals(
        HardwareAddress.of(HardwareType.ETHERNET, b), HardwareAddress.of(HardwareType.IEEE802, b));
  }

  @Test
  void holdsAtMostSixteenOctets() {
    assertThrows(
        IllegalArgumentException.class,
        () -> HardwareAddress.of(HardwareType.ETHERNET, new byte[17]));
  }
}
