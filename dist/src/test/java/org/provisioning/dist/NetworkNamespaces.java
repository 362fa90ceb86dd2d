package org.provisioning.dist;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces a test creates for itself and deletes when it closes, with every link and
 * address inside them: DHCP broadcasts and port 67 then stay off the host's own network. Names
 * carry this JVM's PID, so runs side by side (other worktrees on the same machine) never meet.
 */
final class NetworkNamespaces implements AutoCloseable {
  private final String ip;
  private final String prefix;
  private final List<String> created = new ArrayList<>();

  NetworkNamespaces(String ip, String purpose) {
    this.ip = ip;
    this.prefix = purpose + ProcessHandle.current().pid() + "-";
  }

  /** A new namespace with its loopback up; returns its name. */
  String create(String name) throws IOException, InterruptedException {
    String namespace = prefix + name;
    HostTools.check(ip, "netns", "add", namespace);
    created.add(namespace);
    ip(namespace, "link", "set", "lo", "up");
    return namespace;
  }

  /** Runs {@code ip -n NAMESPACE ARGS...}, which must succeed. */
  void ip(String namespace, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ip, "-n", namespace));
    command.addAll(List.of(args));
    HostTools.check(command.toArray(String[]::new));
  }

  /** The command line that runs {@code command} inside {@code namespace} (exec, same PID). */
  List<String> exec(String namespace, String... command) {
    List<String> line = new ArrayList<>(List.of(ip, "netns", "exec", namespace));
    line.addAll(List.of(command));
    return line;
  }

  /** Deletes every namespace created, newest first; links inside go with them. */
  @Override
  public void close() throws IOException, InterruptedException {
    AssertionError failed = null;
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        HostTools.check(ip, "netns", "del", created.get(i));
      } catch (AssertionError e) {
        failed = failed == null ? e : failed;
      }
    }
    created.clear();
    if (failed != null) {
      throw failed;
    }
  }
}
