package org.provisioning.console.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What changed between two config documents (as JSON trees, secrets already masked), one line per
 * changed value, named by its config path as the validator names errors ({@code
 * dhcp.subnets[0].pools[1].range}): {@code path: old -> new}, {@code path: added value}, {@code
 * path: removed (was value)}. Lists are compared position by position.
 */
public final class ConfigDiff {
  private ConfigDiff() {}

  public static List<String> between(JsonNode before, JsonNode after) {
    List<String> lines = new ArrayList<>();
    walk("", before == null ? MissingNode.getInstance() : before, after, lines);
    return lines;
  }

  private static void walk(String path, JsonNode before, JsonNode after, List<String> lines) {
    boolean had = before != null && !before.isMissingNode();
    boolean has = after != null && !after.isMissingNode();
    if (!had && !has) {
      return;
    }
    if (!had) {
      lines.add(label(path) + ": added " + after);
      return;
    }
    if (!has) {
      lines.add(label(path) + ": removed (was " + before + ")");
      return;
    }
    if (before.equals(after)) {
      return;
    }
    if (before.isObject() && after.isObject()) {
      Set<String> names = new LinkedHashSet<>();
      before.fieldNames().forEachRemaining(names::add);
      for (Iterator<String> it = after.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      for (String name : names) {
        walk(path.isEmpty() ? name : path + "." + name, before.path(name), after.path(name), lines);
      }
    } else if (before.isArray() && after.isArray()) {
      int size = Math.max(before.size(), after.size());
      for (int i = 0; i < size; i++) {
        walk(path + "[" + i + "]", before.path(i), after.path(i), lines);
      }
    } else {
      lines.add(label(path) + ": " + before + " -> " + after);
    }
  }

  private static String label(String path) {
    return path.isEmpty() ? "(document)" : path;
  }
}
