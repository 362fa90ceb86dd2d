package org.provisioning.dist;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The unpacked distribution that {@code package} leaves in target/provisioning-suite (or where the
 * system property {@code provisioning.home} points, for a program run from elsewhere), run the way
 * an operator runs it: its bin/ scripts as child processes.
 */
final class Distribution {
  static final Path HOME =
      Path.of(System.getProperty("provisioning.home", "target/provisioning-suite"))
          .toAbsolutePath();

  /** How long a server may take to start: a cold JVM on a busy 2-core CI machine. */
  static final Duration START_WITHIN = Duration.ofSeconds(60);

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
    return start(log, Map.of(), args);
  }

  /** {@link #start(Path, String...)} with {@code environment} added to this JVM's. */
  static Process start(Path log, Map<String, String> environment, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/provisiond").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    return builder.start();
  }

  /**
   * Starts provisiond on {@code config} as {@link #start} does and returns once {@code provisionctl
   * status} answers: what an operator waits for.
   */
  /** The last 40 lines of a server's log, for a failure's message. */
  static String logTail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static Process startServer(Path config, Path log) throws IOException {
    return startServer(
        config,
        log,
        () -> run("provisionctl", "--config", config.toString(), "status").exit() == 0);
  }

  /**
   * Starts provisiond on {@code config}, its output in {@code log}, and returns once {@code ready}
   * holds (a probe that throws counts as not yet). Fails with the log if the server dies first or
   * is not ready within {@link #START_WITHIN}; it is then stopped, so a caller only tracks servers
   * that started.
   */
  static Process startServer(Path config, Path log, Callable<Boolean> ready) throws IOException {
    Process process = start(log, "--config", config.toString());
    try {
      await()
          .atMost(START_WITHIN)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> !process.isAlive() || ready.call());
    } catch (ConditionTimeoutException e) {
      stop(process);
      throw new AssertionError(
          "provisiond was not ready within " + START_WITHIN + ":\n" + read(log), e);
    }
    if (!process.isAlive()) {
      throw new AssertionError("provisiond died at start:\n" + read(log));
    }
    return process;
  }

  /**
   * Stops a server as an operator would (SIGTERM), forcibly if it has not exited within 20 s, and
   * waits for it.
   */
  static void shutDown(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        stop(process);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void stop(Process process) {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A file's text (a server's log, a tool's output), or why it cannot be read. */
  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(cannot read it: " + e + ")";
    }
  }
}
