package org.provisioning.dist;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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

  /**
   * Runs a bin/ script with {@code input} on its standard input (a password, never an argument).
   */
  static Result runWithInput(String input, String script, String... args)
      throws IOException, InterruptedException {
    Path in = Files.createTempFile("stdin", ".txt");
    Path out = Files.createTempFile("stdout", ".txt");
    try {
      Files.writeString(in, input);
      List<String> command =
          new ArrayList<>(List.of(HOME.resolve("bin").resolve(script).toString()));
      command.addAll(List.of(args));
      Process process =
          new ProcessBuilder(command)
              .redirectInput(in.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
      }
      return new Result(process.exitValue(), Files.readString(out), "");
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
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
      throw new AssertionError("provisionctl user add " + name + " failed: " + added.out());
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
