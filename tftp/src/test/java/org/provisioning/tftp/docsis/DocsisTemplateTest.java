package org.provisioning.tftp.docsis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DocsisTemplateTest {

  private static String error(String template) {
    return assertThrows(DocsisTemplateException.class, () -> DocsisTemplate.parse(template))
        .getMessage();
  }

  private static String renderError(String template, Map<String, String> values)
      throws DocsisTemplateException {
    DocsisTemplate parsed = DocsisTemplate.parse(template);
    return assertThrows(DocsisTemplateException.class, () -> parsed.render(values::get))
        .getMessage();
  }

  @Test
  void saysWhereAndWhatIsWrong() {
    assertEquals("line 1: a template starts with 'Main {'", error("NetworkAccess 1;"));
    assertEquals(
        "line 2: 'NetworkAcess' is not a setting inside Main; write it as GenericTLV TlvCode ..."
            + " if it is one this server does not name",
        error("Main {\n NetworkAcess 1;\n}"));
    assertEquals("line 2: 256 is outside 0-255", error("Main {\n MaxCPE 256;\n}"));
    assertEquals(
        "line 1: '1.2.3' is not an IPv4 address like 127.0.0.1",
        error("Main { SwUpgradeServer 1.2.3; }"));
    assertEquals("line 2: 'Main {' is not closed", error("Main {\n NetworkAccess 1;\n"));
    assertEquals("line 1: expected ';', found '}'", error("Main { NetworkAccess 1 }"));
    assertEquals(
        "line 1: 0x0102 has 2 octets; 3 are needed",
        error("Main { VendorSpecific { VendorIdentifier 0x0102; } }"));
    assertEquals("line 1: comment without its '*/'", error("Main { /* open"));
    assertEquals(
        "line 1: '.1.3.x' is not a numeric OID like .1.3.6.1.2.1.1.4.0 (names need MIBs)",
        assertThrows(
                DocsisTemplateException.class,
                () ->
                    DocsisTemplate.parse("Main { SnmpMibObject .1.3.x Integer 1; }")
                        .render(v -> null))
            .getMessage());
    // An arc beyond a 63-bit number was a NumberFormatException: past the config's template
    // rule, and at request time no answer to the modem.
    assertEquals(
        "line 1: '.1.3.6.99999999999999999999' has an arc too large (99999999999999999999): at"
            + " most 2^63 - 1",
        assertThrows(
                DocsisTemplateException.class,
                () ->
                    DocsisTemplate.parse(
                            "Main { SnmpMibObject .1.3.6.99999999999999999999 Integer 1; }")
                        .render(v -> null))
            .getMessage());
  }

  @Test
  void checksAVariablesValueWhenRendered() throws Exception {
    String template = "Main {\n MaxCPE ${maxCpe};\n SwUpgradeFilename \"fw-${class}.bin\";\n}";
    assertEquals(
        "line 2: ${maxCpe} has no value for this modem",
        renderError(template, Map.of("class", "x")));
    assertEquals(
        "line 2: 'many' is not a number",
        renderError(template, Map.of("maxCpe", "many", "class", "x")));
    assertEquals(
        java.util.List.of(
            new DocsisTlv(18, new byte[] {4}), new DocsisTlv(9, "fw-gold.bin".getBytes())),
        DocsisTemplate.parse(template).render(Map.of("maxCpe", "4", "class", "gold")::get));
  }
}
