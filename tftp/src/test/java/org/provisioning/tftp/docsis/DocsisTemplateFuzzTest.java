package org.provisioning.tftp.docsis;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer on the template reader: any text either reads and renders, or fails with a {@link
 * DocsisTemplateException} that says where; never another exception. Replays its seed corpus in the
 * normal test run; {@code JAZZER_FUZZ=1} fuzzes.
 */
class DocsisTemplateFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void readsAnyTextOrSaysWhy(String text) {
    if (text == null) {
      return; // the fuzzer's way of saying "no string"; a template file is never null
    }
    try {
      DocsisTemplate template = DocsisTemplate.parse(text);
      DocsisConfigEncoder.encode(template.render(v -> "1"), new byte[] {1});
    } catch (DocsisTemplateException expected) {
      // The template's author is told the line and the reason.
    }
  }
}
