package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DocsisDeviceInformationTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void readsAnOuiSentAsThreeRawOctets() {
    DocsisDeviceInformation info = DocsisDeviceInformation.parse(hex("0803002040")).orElseThrow();
    assertEquals("002040", info.vendorOui().orElseThrow());
  }

  @Test
  void readsAnOuiSentAsText() {
    DocsisDeviceInformation info =
        DocsisDeviceInformation.parse(hex("0806303030393562")).orElseThrow();
    assertEquals("00095B", info.vendorOui().orElseThrow());
  }

  @Test
  void keepsSubOptionsItHasNoNameFor() {
    DocsisDeviceInformation info =
        DocsisDeviceInformation.parse(hex("020345434dfe0108")).orElseThrow();
    assertEquals("ECM", info.deviceType().orElseThrow());
    assertArrayEquals(hex("08"), info.subOptions().get(254).orElseThrow());
  }
}
