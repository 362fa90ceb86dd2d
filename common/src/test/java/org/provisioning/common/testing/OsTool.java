package org.provisioning.common.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An interop client from the operating system. A missing tool fails the test (never skips it):
 * {@code .ci/run} installs every tool the tests drive.
 */
public final class OsTool {
  private OsTool() {}

  public record Result(int exit, String output) {}

  public static Path require(String command, String debianPackage) {
    for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail(
        command
            + " is not installed; install the Debian package "
            + debianPackage
            + " (.ci/run does)");
  }

  /** Runs the tool to completion, at most {@code seconds}, with stdout and stderr together. */
  public static Result run(Map<String, String> env, int seconds, Path tool, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(tool.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
      return fail(command + " did not finish in " + seconds + " s");
    }
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
