package org.provisioning.dhcp.option;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DhcpOptionDefinitionTest {

  private static DhcpOptionDefinition def(DhcpOptionCode code) {
    return DhcpOptionDefinition.forCode(code).orElseThrow(() -> new AssertionError(code));
  }

  @Test
  void tableCoversTheOptionsModemsAndPhonesUse() {
    int[] codes = {
      1, 2, 3, 4, 6, 7, 12, 15, 28, 42, 43, 50, 51, 52, 53, 54, 55, 57, 58, 59, 60, 61, 66, 67, 81,
      82, 118, 122, 124, 125
    };
    for (int code : codes) {
      assertTrue(DhcpOptionDefinition.forCode(DhcpOptionCode.of(code)).isPresent(), "" + code);
    }
  }

  @Test
  void tableGivesEachOptionItsFormat() {
    assertEquals(DhcpOptionFormat.INT32, def(DhcpOptionCode.TIME_OFFSET).format());
    assertEquals(DhcpOptionFormat.IPV4_ADDRESS, def(DhcpOptionCode.ROUTER).format());
    assertTrue(def(DhcpOptionCode.ROUTER).array());
    assertFalse(def(DhcpOptionCode.SUBNET_MASK).array());
    assertEquals(DhcpOptionFormat.BINARY, def(DhcpOptionCode.VENDOR_SPECIFIC_INFORMATION).format());
    assertEquals(DhcpOptionFormat.UINT8, def(DhcpOptionCode.PARAMETER_REQUEST_LIST).format());
    assertTrue(def(DhcpOptionCode.PARAMETER_REQUEST_LIST).array());
    assertEquals(DhcpOptionFormat.RECORD, def(DhcpOptionCode.CLIENT_FQDN).format());
    assertEquals(
        List.of(
            DhcpOptionFormat.UINT8,
            DhcpOptionFormat.UINT8,
            DhcpOptionFormat.UINT8,
            DhcpOptionFormat.BINARY),
        def(DhcpOptionCode.CLIENT_FQDN).recordFields());
    assertEquals(
        DhcpOptionFormat.SUB_OPTIONS, def(DhcpOptionCode.RELAY_AGENT_INFORMATION).format());
    assertEquals(
        DhcpOptionFormat.SUB_OPTIONS, def(DhcpOptionCode.CABLELABS_CLIENT_CONFIGURATION).format());
    assertEquals(DhcpOptionFormat.VENDOR_CLASSES, def(DhcpOptionCode.V_I_VENDOR_CLASS).format());
    assertEquals(
        DhcpOptionFormat.VENDOR_SUB_OPTIONS,
        def(DhcpOptionCode.V_I_VENDOR_SPECIFIC_INFORMATION).format());
    assertEquals("SUBNET_MASK", def(DhcpOptionCode.SUBNET_MASK).name());
  }

  @Test
  void padAndEndAreFramingWithoutDefinitions() {
    assertTrue(DhcpOptionDefinition.forCode(DhcpOptionCode.PAD).isEmpty());
    assertTrue(DhcpOptionDefinition.forCode(DhcpOptionCode.END).isEmpty());
  }

  @Test
  void tableIsInAscendingCodeOrder() {
    List<DhcpOptionDefinition> all = DhcpOptionDefinition.all();
    for (int i = 1; i < all.size(); i++) {
      assertTrue(all.get(i - 1).code().code() < all.get(i).code().code(), all.get(i).toString());
    }
  }

  @Test
  void fixedSizeValuesMustHaveTheirSize() {
    DhcpOptionDefinition mask = def(DhcpOptionCode.SUBNET_MASK);
    assertTrue(mask.accepts(new byte[4], 0, 4));
    assertFalse(mask.accepts(new byte[3], 0, 3));
    assertFalse(mask.accepts(new byte[5], 0, 5));
  }

  @Test
  void arraysNeedAtLeastOneWholeValue() {
    DhcpOptionDefinition routers = def(DhcpOptionCode.ROUTER);
    assertTrue(routers.accepts(new byte[8], 0, 8));
    assertFalse(routers.accepts(new byte[6], 0, 6));
    assertFalse(routers.accepts(new byte[0], 0, 0));
  }

  @Test
  void textNeedsAnOctetAndClientIdentifierTwo() {
    assertFalse(def(DhcpOptionCode.HOST_NAME).accepts(new byte[0], 0, 0));
    assertTrue(def(DhcpOptionCode.HOST_NAME).accepts(new byte[1], 0, 1));
    assertFalse(def(DhcpOptionCode.CLIENT_IDENTIFIER).accepts(new byte[1], 0, 1));
    assertTrue(def(DhcpOptionCode.CLIENT_IDENTIFIER).accepts(new byte[2], 0, 2));
  }

  @Test
  void encapsulatedOptionsMustBeWellFramed() {
    DhcpOptionDefinition rai = def(DhcpOptionCode.RELAY_AGENT_INFORMATION);
    byte[] good = {1, 2, 'a', 'b', 2, 0};
    byte[] overrun = {1, 3, 'a', 'b'};
    assertTrue(rai.accepts(good, 0, good.length));
    assertFalse(rai.accepts(overrun, 0, overrun.length));
  }

  @Test
  void vendorBlocksMustBeWellFramed() {
    DhcpOptionDefinition vivso = def(DhcpOptionCode.V_I_VENDOR_SPECIFIC_INFORMATION);
    byte[] good = {0, 0, 0x11, (byte) 0x8b, 3, 1, 1, 2};
    byte[] shortBlock = {0, 0, 0x11, (byte) 0x8b, 4, 1, 1, 2};
    byte[] tooShort = {0, 0, 0x11};
    assertTrue(vivso.accepts(good, 0, good.length));
    assertFalse(vivso.accepts(shortBlock, 0, shortBlock.length));
    assertFalse(vivso.accepts(tooShort, 0, tooShort.length));
    DhcpOptionDefinition vivco = def(DhcpOptionCode.V_I_VENDOR_CLASS);
    byte[] classes = {0, 0, 0x11, (byte) 0x8b, 3, 2, 'a', 'b'};
    assertTrue(vivco.accepts(classes, 0, classes.length));
  }
}
