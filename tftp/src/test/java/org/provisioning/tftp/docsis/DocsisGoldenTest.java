package org.provisioning.tftp.docsis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our encoder against an independent one: the example configs of the {@code docsis} encoder
 * (rlaager/docsis), each with the CM MIC and CMTS MIC its project published, and the whole file
 * that encoder wrote. Provenance of every vector: README.md beside them.
 */
class DocsisGoldenTest {
  /** The examples' key file holds "DOCSIS" and a newline, which the docsis encoder strips. */
  static final byte[] EXAMPLES_SECRET = "DOCSIS".getBytes(StandardCharsets.US_ASCII);

  static byte[] resource(String name) throws IOException {
    try (InputStream in = DocsisGoldenTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  static String text(String name) throws IOException {
    return new String(resource(name), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "docsis1.0_basic",
        "docsis1.0_basic_bpi",
        "docsis1.0_basic_upgrade",
        "docsis1.0_filters_oidnum",
        "docsis1.0_filters2_oidnum",
        "docsis1.1_simple",
        "docsis1.1_classifiers"
      })
  void encodesEachExampleAsTheDocsisEncoderDoesWithItsPublishedMics(String example)
      throws Exception {
    DocsisTemplate template = DocsisTemplate.parse(text(example + ".txt"));
    byte[] encoded = DocsisConfigEncoder.encode(template.render(v -> null), EXAMPLES_SECRET);

    String published = text(example + ".published.txt");
    assertEquals(mic(published, "CmMic"), hex(tlv(encoded, DocsisSettings.CM_MIC)), "CM MIC");
    assertEquals(mic(published, "CmtsMic"), hex(tlv(encoded, DocsisSettings.CMTS_MIC)), "CMTS MIC");
    assertArrayEquals(resource(example + ".bin"), encoded, "the whole file, octet for octet");
  }

  static String mic(String published, String name) {
    Matcher m = Pattern.compile(name + " ([0-9a-f]{32});").matcher(published);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in the published decode");
    }
    return m.group(1);
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** The value of the first top-level TLV of that type. */
  static byte[] tlv(byte[] file, int type) {
    for (int i = 0; i < file.length; ) {
      int t = file[i] & 0xff;
      if (t == DocsisSettings.PAD || t == DocsisSettings.END) {
        i++;
        continue;
      }
      int length = file[i + 1] & 0xff;
      if (t == type) {
        return java.util.Arrays.copyOfRange(file, i + 2, i + 2 + length);
      }
      i += 2 + length;
    }
    throw new AssertionError("no TLV " + type);
  }

  /** The variables cm-template.txt was rendered with (by sed) before the docsis encoder ran. */
  static final Map<String, String> MODEM =
      Map.of(
          "mac", "00:11:22:33:44:55",
          "ip", "10.1.2.3",
          "class", "gold",
          "maxCpe", "4",
          "upRate", "2000000",
          "downRate", "50000000",
          "hostname", "cm-1");

  static final byte[] HEADEND_SECRET = "headend-secret".getBytes(StandardCharsets.US_ASCII);

  @Test
  void rendersOurTemplateForAModemAsTheDocsisEncoderEncodesTheSameText() throws Exception {
    DocsisTemplate template = DocsisTemplate.parse(text("cm-template.txt"));
    assertEquals(MODEM.keySet(), template.variables());
    byte[] encoded = DocsisConfigEncoder.encode(template.render(MODEM::get), HEADEND_SECRET);
    assertArrayEquals(resource("cm-rendered.bin"), encoded);
  }

  @Test
  void theTftpTimestampAndModemAddressGoLastAndAreCoveredByBothMics() throws Exception {
    List<DocsisTlv> tlvs =
        new ArrayList<>(DocsisTemplate.parse(text("cm-template.txt")).render(MODEM::get));
    tlvs.add(new DocsisTlv(DocsisSettings.TFTP_TIMESTAMP, HexFormat.of().parseHex("ed018900")));
    tlvs.add(new DocsisTlv(DocsisSettings.TFTP_MODEM_ADDRESS, new byte[] {10, 1, 2, 3}));
    assertArrayEquals(resource("cm-stamped.bin"), DocsisConfigEncoder.encode(tlvs, HEADEND_SECRET));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "docsis1.0_basic",
        "docsis1.0_filters2_oidnum",
        "docsis1.1_classifiers",
        "cm-rendered",
        "cm-stamped"
      })
  void decodesEveryVectorToTextThatEncodesBackToTheSameFile(String vector) throws Exception {
    byte[] file = resource(vector + ".bin");
    String text = DocsisConfigDecoder.toText(file);
    byte[] secret = vector.startsWith("cm-") ? HEADEND_SECRET : EXAMPLES_SECRET;
    byte[] again = DocsisConfigEncoder.encode(DocsisTemplate.parse(text).render(v -> null), secret);
    assertArrayEquals(file, again, text);
  }
}
