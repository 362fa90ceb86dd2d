package org.provisioning.tftp.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.provisioning.tftp.message.TftpErrorCode;

/**
 * A directory that requests are confined to. A name is refused, and counted by reason, when it
 * holds a NUL ({@code nul}), is absolute ({@code absolute}), has a {@code ..} part with either
 * slash ({@code dotdot}), or leads through a symbolic link to anything outside the directory
 * ({@code symlink}); the check is made on the real path of the file, after every link is followed.
 */
public final class TftpRoot implements TftpFileResolver {
  private final Path real;

  public TftpRoot(Path directory) throws IOException {
    this.real = directory.toRealPath();
    if (!Files.isDirectory(real)) {
      throw new IOException(directory + " is not a directory");
    }
  }

  public Path directory() {
    return real;
  }

  /** A name the root refuses, with the refusal to answer and count. */
  public static final class Refusal extends Exception {
    private final transient TftpResolution.Refused refused;

    Refusal(TftpResolution.Refused refused) {
      super(refused.reason(), null, false, false);
      this.refused = refused;
    }

    public TftpResolution.Refused refused() {
      return refused;
    }
  }

  /** A name's path inside the root, not yet checked for links. */
  private Path confine(String name) throws Refusal {
    if (name.indexOf('\0') >= 0) {
      throw outside("nul");
    }
    if (name.startsWith("/")
        || name.startsWith("\\")
        || (name.length() > 1 && name.charAt(1) == ':')) {
      throw outside("absolute");
    }
    for (String part : name.split("[/\\\\]", -1)) {
      if (part.equals("..")) {
        throw outside("dotdot");
      }
    }
    try {
      return real.resolve(name).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      // A name the file system cannot hold (under a locale without UTF-8, any octet above 127): it
      // escaped unanswered and uncounted.
      throw new Refusal(
          new TftpResolution.Refused(
              TftpErrorCode.FILE_NOT_FOUND, "file not found: not a usable file name", "bad_name"));
    }
  }

  private static Refusal outside(String reason) {
    return new Refusal(
        new TftpResolution.Refused(
            TftpErrorCode.ACCESS_VIOLATION,
            "access violation: path outside the served root",
            reason));
  }

  @Override
  public TftpResolution resolve(String name, InetSocketAddress client) {
    try {
      Path file = confine(name).toRealPath();
      if (!file.startsWith(real)) {
        throw outside("symlink");
      }
      if (!Files.isRegularFile(file)) {
        return TftpResolution.notFound();
      }
      return new TftpResolution.Found(
          TransferSource.of(FileChannel.open(file, StandardOpenOption.READ)));
    } catch (Refusal refusal) {
      return refusal.refused();
    } catch (NoSuchFileException e) {
      return TftpResolution.notFound();
    } catch (IOException | SecurityException e) {
      return new TftpResolution.Refused(
          TftpErrorCode.ACCESS_VIOLATION,
          "access violation: the file cannot be read",
          "unreadable");
    }
  }

  /**
   * Where an upload of {@code name} goes: inside the root, in a directory that exists, not through
   * a link and not onto a link.
   */
  public Path writeTarget(String name) throws Refusal {
    Path path = confine(name);
    Path parent;
    try {
      parent = path.getParent().toRealPath();
    } catch (IOException e) {
      throw new Refusal(
          new TftpResolution.Refused(
              TftpErrorCode.ACCESS_VIOLATION, "no such directory for the upload", "not_found"));
    }
    if (!parent.startsWith(real)) {
      throw outside("symlink");
    }
    Path target = parent.resolve(path.getFileName());
    if (Files.isSymbolicLink(target)
        || (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target))) {
      throw outside("symlink");
    }
    return target;
  }
}
