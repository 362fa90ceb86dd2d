package org.provisioning.tftp.docsis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One setting of a DOCSIS config file: its template name, TLV type and value type, and, for an
 * aggregate, the settings inside it. Settings are data (MULPI Annex C), not a class each; the names
 * are those of the {@code docsis} encoder, so its templates read here unchanged.
 *
 * @param length for HEX, the number of octets required; 0 for any
 */
public record DocsisSetting(
    String name, int code, DocsisValueType type, int length, List<DocsisSetting> children) {

  public DocsisSetting {
    children = List.copyOf(children);
  }

  /** The sub-setting of that name, case-insensitive, or null. */
  public DocsisSetting child(String childName) {
    return Index.of(this).byName.get(childName.toLowerCase(Locale.ROOT));
  }

  /** The sub-setting with that TLV type, or null. */
  public DocsisSetting child(int childCode) {
    return Index.of(this).byCode.get(childCode);
  }

  static DocsisSetting leaf(String name, int code, DocsisValueType type) {
    return new DocsisSetting(name, code, type, 0, List.of());
  }

  static DocsisSetting hex(String name, int code, int length) {
    return new DocsisSetting(name, code, DocsisValueType.HEX, length, List.of());
  }

  static DocsisSetting aggregate(String name, int code, DocsisSetting... children) {
    return new DocsisSetting(name, code, DocsisValueType.AGGREGATE, 0, List.of(children));
  }

  private static final class Index {
    private static final Map<DocsisSetting, Index> CACHE =
        Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    final Map<String, DocsisSetting> byName = new LinkedHashMap<>();
    final Map<Integer, DocsisSetting> byCode = new LinkedHashMap<>();

    static Index of(DocsisSetting setting) {
      return CACHE.computeIfAbsent(setting, Index::new);
    }

    Index(DocsisSetting setting) {
      for (DocsisSetting child : setting.children()) {
        byName.put(child.name().toLowerCase(Locale.ROOT), child);
        byCode.putIfAbsent(child.code(), child);
      }
    }
  }

  @Override
  public String toString() {
    return name + "(" + code + ")";
  }

  /** For building tables: the list of a record's fields, used nowhere else. */
  static List<DocsisSetting> list(DocsisSetting... settings) {
    return new ArrayList<>(List.of(settings));
  }
}
