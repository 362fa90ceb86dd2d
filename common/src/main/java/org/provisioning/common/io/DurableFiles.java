package org.provisioning.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small state files replaced whole, so that a crash or a power loss leaves either the old content
 * or the new one, never an empty or half-written file: the new content goes to a temporary file in
 * the same directory, which is synced, renamed over the old one, and the directory synced. A rename
 * alone is not enough: until the data is synced, a power loss can leave the renamed file empty.
 */
public final class DurableFiles {
  private DurableFiles() {}

  /** Replaces {@code file} with {@code text} (UTF-8), readable by its owner only. */
  public static void replace(Path file, String text) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Path temporary = synced(directory, file, text);
    try {
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    syncDirectory(directory);
  }

  /**
   * Creates {@code file} with {@code text} (UTF-8), readable by its owner only, whole or not at
   * all: it appears under its name (a hard link) only once its content is synced.
   *
   * @throws java.nio.file.FileAlreadyExistsException if it exists (another process made it first)
   */
  public static void create(Path file, String text) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Path temporary = synced(directory, file, text);
    try {
      Files.createLink(file, temporary);
    } finally {
      Files.deleteIfExists(temporary);
    }
    syncDirectory(directory);
  }

  /** A temporary file beside {@code file} holding {@code text}, synced. */
  private static Path synced(Path directory, Path file, String text) throws IOException {
    // A temporary file is made owner-only (rw-------) on POSIX file systems.
    Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      ByteBuffer content = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (content.hasRemaining()) {
        channel.write(content);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    return temporary;
  }

  /**
   * Puts a file written in full (by the caller, under a temporary name in {@code target}'s
   * directory) in place of {@code target}: its content synced, renamed over it, the directory
   * synced, so that a power loss leaves the old file or the new one, never an empty one.
   */
  public static void moveInto(Path temporary, Path target) throws IOException {
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /** Makes a directory's entries (files created, renamed or removed in it) durable. */
  public static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /**
   * Makes every file and directory under {@code root} durable, then the entry of {@code root} in
   * its parent: for trees written with plain writes, copies and moves (a restored journal).
   */
  public static void syncTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (Files.isDirectory(path)) {
          syncDirectory(path);
        } else if (Files.isRegularFile(path)) {
          try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.force(true);
          }
        }
      }
    }
    syncDirectory(root.toAbsolutePath().getParent());
  }
}
