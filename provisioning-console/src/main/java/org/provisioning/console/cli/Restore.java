package org.provisioning.console.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.provisioning.common.backup.BackupException;
import org.provisioning.common.backup.BackupFormat;
import org.provisioning.common.backup.BackupHeader;
import org.provisioning.common.backup.BackupReader;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigException;
import org.provisioning.common.io.DurableFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code provisionctl restore FILE}: brings a stopped server back to the state of a backup. The
 * whole file is read and checked first (format, structure, SHA-256) into a folder of its own; a
 * damaged, truncated, foreign or newer backup is refused before anything is replaced. Then the
 * journal, the pairing secret and (unless {@code --keep-config}) the config file take the backup's,
 * what they replace kept beside them as {@code *.before-restore-<time>}, owned like the data folder
 * (the service user's, when root restores the Debian package's server).
 */
@Command(
    name = "restore",
    description = "Bring a stopped server back to a backup: journal, leases, config.")
final class Restore implements Callable<Integer> {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

  @ParentCommand Provisionctl ctl;

  @Parameters(paramLabel = "FILE", description = "A file provisionctl backup wrote.")
  Path file;

  @Option(
      names = "--data-dir",
      description =
          "Restore into this data folder (default: the backup's config's, or with --keep-config"
              + " the current config's).")
  Path dataDir;

  @Option(
      names = "--keep-config",
      description = "Keep this server's config file; restore only its data.")
  boolean keepConfig;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file)) {
      throw new Provisionctl.CliFailure(Provisionctl.INVALID, file + " is not a file");
    }
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
    Path home = Provisionctl.home();
    Path staging = Files.createTempDirectory(scratchFolder(), ".provisiond-restore-");
    try {
      BackupReader.Contents contents;
      try (InputStream in = Files.newInputStream(file)) {
        contents = BackupReader.extract(in, staging);
      } catch (BackupException e) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID,
            "refusing to restore " + file + ": " + e.getMessage() + "; nothing was changed");
      }
      Path backupConfig = staging.resolve(BackupFormat.CONFIG_ENTRY);
      boolean restoreConfig = !keepConfig && Files.isRegularFile(backupConfig);
      Path data = target(home, backupConfig, restoreConfig);
      Path configTarget = ctl.configPath();
      Files.createDirectories(data);
      try (FileChannel lockFile =
              FileChannel.open(
                  data.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = tryLock(lockFile)) {
        Setup.copyOwnership(data, data.resolve("lock"));
        if (lock == null) {
          throw new Provisionctl.CliFailure(
              Provisionctl.UNREACHABLE,
              "provisiond is running on "
                  + data
                  + ": stop it first (systemctl stop provisiond); nothing was changed");
        }
        Path restored = Files.createTempDirectory(data, ".restoring-");
        move(staging.resolve("journal"), restored.resolve("journal"));
        ownLike(data, restored);
        // Copied from the staging folder with plain writes: synced before it takes the live
        // journal's place, or a power loss could leave that place with empty or torn segments.
        DurableFiles.syncTree(restored.resolve("journal"));
        Path journal = data.resolve("journal");
        if (Files.exists(journal)) {
          Path aside = data.resolve("journal.before-restore-" + stamp);
          Files.move(journal, aside);
          ctl.out().println("the journal it replaces is kept as " + aside);
        }
        Files.move(restored.resolve("journal"), journal);
        Files.delete(restored);
        DurableFiles.syncDirectory(data);
        Path secret = staging.resolve("data/failover.secret");
        if (Files.isRegularFile(secret)) {
          Path current = data.resolve("failover.secret");
          if (Files.exists(current)) {
            Files.move(current, data.resolve("failover.secret.before-restore-" + stamp));
          }
          Files.write(
              Setup.ownerOnly(current), Files.readAllBytes(secret)); // as provisiond keeps it
          ownLike(data, current);
          DurableFiles.syncTree(current);
        }
        // DNS serial reservations only ever grow: a host that has its own keeps them (they are
        // at least the backup's); a new host takes the backup's, so that its zones start above
        // the serials the secondaries hold.
        Path serials = staging.resolve("data/dns.serials");
        Path currentSerials = data.resolve("dns.serials");
        if (Files.isRegularFile(serials) && !Files.exists(currentSerials)) {
          Files.copy(serials, currentSerials, StandardCopyOption.COPY_ATTRIBUTES);
          ownLike(data, currentSerials);
          DurableFiles.syncTree(currentSerials);
        }
      }
      if (restoreConfig) {
        Path aside = configTarget.resolveSibling(configTarget.getFileName() + ".before-restore");
        Path temporary =
            Setup.ownerOnly(
                configTarget.resolveSibling(configTarget.getFileName() + ".restore-tmp"));
        Files.write(temporary, Files.readAllBytes(backupConfig));
        DurableFiles.syncTree(temporary); // else a power loss could leave an empty config
        if (Files.exists(configTarget)) {
          Setup.copyOwnership(configTarget, temporary);
          Files.copy(
              configTarget,
              aside,
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.COPY_ATTRIBUTES);
          ctl.out().println("the config it replaces is kept as " + aside);
        }
        Files.move(
            temporary,
            configTarget,
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(configTarget.toAbsolutePath().getParent());
      }
      BackupHeader header = contents.header();
      ctl.out()
          .printf(
              Locale.ROOT,
              "restored %s (server '%s', taken %s by provisiond %s: config version %d, %d bound"
                  + " leases) into %s%s%n",
              file,
              header.server(),
              header.takenAt(),
              header.provisiondVersion(),
              header.configVersion(),
              header.boundLeases(),
              data,
              restoreConfig ? " and " + configTarget : "");
      ctl.out().println("Start the server: systemctl start provisiond (or bin/provisiond)");
      return 0;
    } finally {
      deleteTree(staging);
    }
  }

  /** A folder for the staging copy: the system's temporary folder. */
  private static Path scratchFolder() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** The data folder to restore into. */
  private Path target(Path home, Path backupConfig, boolean restoreConfig) throws IOException {
    if (dataDir != null) {
      return dataDir.toAbsolutePath();
    }
    if (restoreConfig) {
      try {
        return new ConfigCodec()
            .parseAccepted(Files.readString(backupConfig, StandardCharsets.UTF_8))
            .server()
            .dataDirectory(home);
      } catch (ConfigException e) {
        throw new Provisionctl.CliFailure(
            Provisionctl.INVALID,
            "refusing to restore " + file + ": the config in it is invalid, " + e.getMessage());
      }
    }
    return ctl.serverConfig().server().dataDirectory(home);
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  /** Moves a tree, across file systems if need be (the staging folder may be on another). */
  private static void move(Path from, Path to) throws IOException {
    if (!Files.exists(from)) {
      Files.createDirectories(to);
      return;
    }
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try (Stream<Path> files = Files.walk(from)) {
        for (Path source : files.toList()) {
          Path target = to.resolve(from.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
              channel.force(true);
            }
          }
        }
      }
    }
  }

  /** Gives a tree the owner and group of the data folder (as root; otherwise it is ours). */
  private static void ownLike(Path data, Path tree) throws IOException {
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path path : files.toList()) {
        Setup.copyOwnership(data, path);
      }
    }
  }

  private static void deleteTree(Path tree) {
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (NoSuchFileException e) {
      // gone already
    } catch (IOException e) {
      System.err.println("provisionctl: could not delete " + tree + ": " + e.getMessage());
    }
  }
}
