package org.provisioning.dist;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code provisiond}: checks a config file, or runs the server on one (the embedded default when
 * none is given) until SIGTERM or SIGINT, then stops every service and flushes the journal.
 *
 * <p>Exit codes: 0 stopped cleanly or config ok, 1 could not start, 2 invalid config or usage, 3
 * stopped by itself because its journal failed (a full or failing disk: systemd starts it again).
 */
public final class Provisiond {
  private static final Logger log = LoggerFactory.getLogger(Provisiond.class);
  private static final int JOURNAL_FAILED = 3;
  private static final String USAGE =
      """
      usage: provisiond [--config FILE]        run the server (default: the embedded config)
             provisiond --check-config FILE    print every error in FILE, or 'ok'
             provisiond --version | --help""";

  private Provisiond() {}

  public static void main(String[] args) {
    int exit = run(args, System.out, System.err);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String configFile = null;
    String checkFile = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--help", "-h" -> {
          out.println(USAGE);
          return 0;
        }
        case "--version" -> {
          out.println("provisiond " + ProvisiondProcess.version());
          return 0;
        }
        case "--config", "--check-config" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              err.println("provisiond: " + arg + " needs a FILE\n" + USAGE);
              return 2;
            }
            value = args[++i];
          }
          if (arg.equals("--config")) {
            configFile = value;
          } else {
            checkFile = value;
          }
        }
        default -> {
          err.println("provisiond: unknown argument '" + args[i] + "'\n" + USAGE);
          return 2;
        }
      }
    }
    if (checkFile != null) {
      return checkConfig(Path.of(checkFile), out, err);
    }
    return serve(configFile == null ? null : Path.of(configFile), err);
  }

  private static int checkConfig(Path file, PrintStream out, PrintStream err) {
    String document;
    try {
      document = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      err.println(file + ": " + describe(e));
      return 2;
    }
    try {
      ProvisiondProcess.codec(ProvisiondProcess.home()).parse(document);
      out.println("ok");
      return 0;
    } catch (ConfigException e) {
      for (ConfigError error : e.errors()) {
        err.println(error);
      }
      err.println(
          file + ": " + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
      return 2;
    }
  }

  private static int serve(Path configFile, PrintStream err) {
    String document;
    try {
      document =
          configFile == null
              ? ProvisiondProcess.defaultConfig()
              : Files.readString(configFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      err.println("provisiond: cannot read config " + configFile + ": " + describe(e));
      return 2;
    }
    ProvisiondProcess process;
    try {
      process = ProvisiondProcess.start(ProvisiondProcess.home(), document, configFile);
    } catch (ConfigException e) {
      err.println("provisiond: refusing to start, the config is invalid:");
      e.errors().forEach(error -> err.println("  " + error));
      return 2;
    } catch (Exception e) {
      log.error("PROVISIOND_START_FAILED: {}", e.toString(), e);
      err.println("provisiond: cannot start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(process::stop, "provisiond-shutdown"));
    process.awaitStop();
    if (process.stoppedBecause() != null) {
      err.println("provisiond: stopped, the journal failed: " + process.stoppedBecause());
      return JOURNAL_FAILED;
    }
    return 0;
  }

  private static String describe(IOException e) {
    return e instanceof NoSuchFileException ? "no such file" : e.getMessage();
  }
}
