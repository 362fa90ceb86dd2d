package org.provisioning.tod;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the operating system whether the clock is synchronised by running a command (such as {@code
 * timedatectl show --property=NTPSynchronized --value}) on a thread of its own, every few seconds,
 * so the serving path only reads the last answer. The clock counts as synchronised when the command
 * exits 0 and its first line is not {@code no}. A command that cannot run, or runs longer than 10
 * s, counts as not synchronised: an operator who asked for the check prefers no time to a wrong
 * one.
 */
final class CommandClockSyncCheck implements ClockSyncCheck {
  private static final Logger log = LoggerFactory.getLogger(CommandClockSyncCheck.class);

  private final List<String> command;
  private final ScheduledExecutorService checker;
  private final Counter failures;
  private volatile boolean synchronised;

  CommandClockSyncCheck(List<String> command, int everySeconds, StatisticsRegistry stats) {
    this.command = List.copyOf(command);
    stats.declare(TodServer.STATISTICS);
    this.failures = stats.counter("tod.sync.check_failed");
    this.checker =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("tod-clock-check"));
    // The first answer is known before the first request is served.
    synchronised = check();
    checker.scheduleWithFixedDelay(
        () -> update(check()), everySeconds, everySeconds, TimeUnit.SECONDS);
  }

  private void update(boolean now) {
    if (now != synchronised) {
      log.warn(now ? "TOD_CLOCK_SYNCHRONISED" : "TOD_CLOCK_UNSYNCHRONISED command={}", command);
    }
    synchronised = now;
  }

  boolean check() {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      // Wait first: the answer is a line or two, well inside the pipe's buffer, and a command that
      // hangs with its output open must not hang this thread.
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        failures.increment();
        log.warn("TOD_CLOCK_CHECK_FAILED command={} reason=timeout", command);
        return false;
      }
      String firstLine;
      try (InputStream out = process.getInputStream()) {
        String output = new String(out.readNBytes(4096), StandardCharsets.UTF_8).strip();
        int newline = output.indexOf('\n');
        firstLine = newline < 0 ? output : output.substring(0, newline).strip();
      }
      return process.exitValue() == 0 && !firstLine.equalsIgnoreCase("no");
    } catch (IOException e) {
      failures.increment();
      log.warn("TOD_CLOCK_CHECK_FAILED command={} reason={}", command, e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public boolean synchronised() {
    return synchronised;
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
