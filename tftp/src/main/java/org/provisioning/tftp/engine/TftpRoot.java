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

  /** A name's path inside the root, not yet checked for links; or the refusal. */
  public Object confine(String name) {
    if (name.indexOf('\0') >= 0) {
      return refused("nul");
    }
    if (name.startsWith("/")
        || name.startsWith("\\")
        || (name.length() > 1 && name.charAt(1) == ':')) {
      return refused("absolute");
    }
    for (String part : name.split("[/\\\\]", -1)) {
      if (part.equals("..")) {
        return refused("dotdot");
      }
    }
    return real.resolve(name).normalize();
  }

  private static TftpResolution.Refused refused(String reason) {
    return new TftpResolution.Refused(
        TftpErrorCode.ACCESS_VIOLATION, "access violation: path outside the served root", reason);
  }

  @Override
  public TftpResolution resolve(String name, InetSocketAddress client) {
    Object confined = confine(name);
    if (confined instanceof TftpResolution.Refused refusal) {
      return refusal;
    }
    Path path = (Path) confined;
    try {
      Path file = path.toRealPath();
      if (!file.startsWith(real)) {
        return refused("symlink");
      }
      if (!Files.isRegularFile(file)) {
        return TftpResolution.notFound();
      }
      return new TftpResolution.Found(
          TransferSource.of(FileChannel.open(file, StandardOpenOption.READ)));
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
  public Object writeTarget(String name) {
    Object confined = confine(name);
    if (confined instanceof TftpResolution.Refused) {
      return confined;
    }
    Path path = (Path) confined;
    try {
      Path parent = path.getParent().toRealPath();
      if (!parent.startsWith(real)) {
        return refused("symlink");
      }
      Path target = parent.resolve(path.getFileName());
      if (Files.isSymbolicLink(target)
          || (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target))) {
        return refused("symlink");
      }
      return target;
    } catch (IOException e) {
      return new TftpResolution.Refused(
          TftpErrorCode.ACCESS_VIOLATION, "no such directory for the upload", "not_found");
    }
  }
}
