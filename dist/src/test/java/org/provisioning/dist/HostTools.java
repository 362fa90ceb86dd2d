package org.provisioning.dist;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.provisioning.dist.Distribution.Result;

/**
 * The OS tools the interop tests drive (clients nobody here wrote), found on this host or the test
 * fails, saying which Debian package to install: CI installs them through .ci/run, so a missing
 * tool is a broken machine, never a reason to skip.
 */
final class HostTools {
  private HostTools() {}

  /** Fails unless this JVM runs as root: network namespaces and port 67 need it. */
  static void requireRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        String[] ids = line.substring(4).trim().split("\\s+");
        if (!ids[1].equals("0")) {
          throw new AssertionError(
              "this test needs root (network namespaces, port 67); effective uid is "
                  + ids[1]
                  + ". CI runs it as root through .ci/run.");
        }
        return;
      }
    }
    throw new AssertionError("no Uid line in /proc/self/status");
  }

  /** The absolute path of {@code command}, or fails naming the package that provides it. */
  static String require(String command, String debianPackage) {
    Set<String> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin"));
    for (String dir : dirs) {
      Path candidate = Path.of(dir, command);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        command
            + " is missing: apt-get install -y "
            + debianPackage
            + " (.ci/run installs it; its tools map must list "
            + command
            + ")");
  }

  /** Runs a command to completion within {@code limit} and returns what it printed. */
  static Result run(Duration limit, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("host-out", ".txt");
    Path err = Files.createTempFile("host-err", ".txt");
    try {
      Process process = start(command, out, err);
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish in "
                + limit.toSeconds()
                + " s; it printed:\n"
                + Files.readString(out, StandardCharsets.UTF_8)
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Runs a command that must succeed (exit 0) within 30 s; returns its standard output. */
  static String check(String... command) throws IOException, InterruptedException {
    Result result = run(Duration.ofSeconds(30), List.of(command));
    if (result.exit() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited " + result.exit() + ": " + result.err());
    }
    return result.out();
  }

  /** Starts a command in the background, its output appended to {@code out} and {@code err}. */
  static Process start(List<String> command, Path out, Path err) throws IOException {
    return new ProcessBuilder(new ArrayList<>(command))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /** Kills a process that is not our child (a daemon that forked away), waiting up to 10 s. */
  static void kill(long pid) {
    ProcessHandle.of(pid)
        .ifPresent(
            process -> {
              process.destroyForcibly();
              process.onExit().completeOnTimeout(process, 10, TimeUnit.SECONDS).join();
            });
  }
}
