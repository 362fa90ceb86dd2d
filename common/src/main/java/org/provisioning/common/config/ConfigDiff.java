package org.provisioning.common.config;

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

  /** One changed value: its config path, and the line that says how it changed. */
  public record Change(String path, String line) {}

  public static List<String> between(JsonNode before, JsonNode after) {
    return changes(before, after).stream().map(Change::line).toList();
  }

  public static List<Change> changes(JsonNode before, JsonNode after) {
    List<Change> changes = new ArrayList<>();
    walk("", before == null ? MissingNode.getInstance() : before, after, changes);
    return changes;
  }

  /**
   * The changes between two versions as people may see them: those of the masked documents, and,
   * for a secret that changed (its masked value is the same mask), {@code path: changed (secret,
   * not shown)}.
   */
  public static List<Change> changes(
      ConfigCodec codec, ProvisioningConfig before, ProvisioningConfig after) {
    List<Change> shown = changes(codec.maskedTree(before), codec.maskedTree(after));
    Set<String> paths = new LinkedHashSet<>();
    shown.forEach(change -> paths.add(change.path()));
    List<Change> all = new ArrayList<>(shown);
    for (Change plain :
        changes(codec.jsonMapper().valueToTree(before), codec.jsonMapper().valueToTree(after))) {
      if (!paths.contains(plain.path())) {
        all.add(new Change(plain.path(), label(plain.path()) + ": changed (secret, not shown)"));
      }
    }
    return all;
  }

  /**
   * What a document sent for checking would change in the running config, as {@link
   * #changes(ConfigCodec, ProvisioningConfig, ProvisioningConfig)} says it, but each secret the
   * document gives in the clear (not the mask) is said to be set, whether or not it equals the
   * running one: told apart, a check answered whether a guess of a secret it never shows was right.
   */
  public static List<Change> changesOfDocument(
      ConfigCodec codec,
      ProvisioningConfig running,
      ProvisioningConfig checked,
      JsonNode document) {
    Set<String> given = new LinkedHashSet<>();
    secretsGiven("", codec.maskedTree(checked), document, given);
    List<Change> all = new ArrayList<>();
    for (Change change : changes(codec, running, checked)) {
      if (!given.contains(change.path())) {
        all.add(change);
      }
    }
    given.forEach(path -> all.add(new Change(path, label(path) + ": set (secret, not shown)")));
    return all;
  }

  /** The paths where {@code masked} holds the mask and the document a value of its own. */
  private static void secretsGiven(
      String path, JsonNode masked, JsonNode document, Set<String> given) {
    if (document == null || document.isMissingNode()) {
      return;
    }
    if (masked.isTextual()) {
      if (masked.asText().equals(ConfigCodec.MASK)
          && document.isValueNode()
          && !document.asText().equals(ConfigCodec.MASK)) {
        given.add(path);
      }
    } else if (masked.isObject()) {
      for (Iterator<String> it = masked.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        secretsGiven(
            path.isEmpty() ? name : path + "." + name,
            masked.path(name),
            document.path(name),
            given);
      }
    } else if (masked.isArray()) {
      for (int i = 0; i < masked.size(); i++) {
        secretsGiven(path + "[" + i + "]", masked.path(i), document.path(i), given);
      }
    }
  }

  private static void walk(String path, JsonNode before, JsonNode after, List<Change> changes) {
    boolean had = before != null && !before.isMissingNode();
    boolean has = after != null && !after.isMissingNode();
    if (!had && !has) {
      return;
    }
    if (!had) {
      changes.add(new Change(path, label(path) + ": added " + after));
      return;
    }
    if (!has) {
      changes.add(new Change(path, label(path) + ": removed (was " + before + ")"));
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
        walk(
            path.isEmpty() ? name : path + "." + name,
            before.path(name),
            after.path(name),
            changes);
      }
    } else if (before.isArray() && after.isArray()) {
      int size = Math.max(before.size(), after.size());
      for (int i = 0; i < size; i++) {
        walk(path + "[" + i + "]", before.path(i), after.path(i), changes);
      }
    } else {
      changes.add(new Change(path, label(path) + ": " + before + " -> " + after));
    }
  }

  private static String label(String path) {
    return path.isEmpty() ? "(document)" : path;
  }
}
