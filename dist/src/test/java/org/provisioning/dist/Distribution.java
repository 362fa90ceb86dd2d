package org.provisioning.dist;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The unpacked distribution that {@code package} leaves in target/provisioning-suite (or where the
 * system property {@code provisioning.home} points, for a program run from elsewhere), run the way
 * an operator runs it: its bin/ scripts as child processes.
 */
final class Distribution {
  static final Path HOME =
      Path.of(System.getProperty("provisioning.home", "target/provisioning-suite"))
          .toAbsolutePath();

  private Distribution() {}

  record Result(int exit, String out, String err) {}

  /** Runs a bin/ script to completion (bounded) and returns what it printed. */
  static Result run(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(HOME.resolve("bin").resolve(script).toString()));
    command.addAll(List.of(args));
    return HostTools.run(Duration.ofSeconds(60), command);
  }

  /** Runs a bin/ script to completion (bounded) with {@code input} as its standard input. */
  static Result runWithInput(String input, String script, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(HOME.resolve("bin").resolve(script).toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("dist-out", ".txt");
    Path err = Files.createTempFile("dist-err", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
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

  /** Adds a console user as an operator does: {@code provisionctl user add}, password on stdin. */
  static void addUser(Path config, String name, String role, String password)
      throws IOException, InterruptedException {
    Result added =
        runWithInput(
            password + "\n",
            "provisionctl",
            "--config",
            config.toString(),
            "user",
            "add",
            name,
            "--role",
            role,
            "--password-stdin");
    if (added.exit() != 0) {
      throw new AssertionError(
          "provisionctl user add " + name + " failed: " + added.out() + added.err());
    }
  }

  /** Starts provisiond in the background with its output in {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/provisiond").toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** A TCP port free on loopback right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
