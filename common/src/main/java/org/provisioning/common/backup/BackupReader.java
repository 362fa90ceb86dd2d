package org.provisioning.common.backup;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a backup file ({@link BackupFormat}) through to its checksum. Every file is written into a
 * folder the caller has just made, and is to be moved into place only once {@link #extract}
 * returned: a damaged, truncated, foreign or newer backup throws {@link BackupException} first.
 */
public final class BackupReader {
  /** A backup that read back whole: its header and the names of its files. */
  public record Contents(BackupHeader header, List<String> names) {}

  private BackupReader() {}

  /** Reads and checks the whole backup without keeping its files. */
  public static Contents verify(InputStream in) throws IOException, BackupException {
    return extract(in, null);
  }

  /**
   * Reads the whole backup, writing each file under {@code into} (by its name, e.g. {@code
   * into/journal/journal-0000000000000001.log}), fsynced; {@code into} null only checks.
   */
  public static Contents extract(InputStream raw, Path into) throws IOException, BackupException {
    MessageDigest sha256 = BackupWriter.sha256();
    DigestInputStream digesting =
        new DigestInputStream(new BufferedInputStream(raw, 1 << 16), sha256);
    DataInputStream in = new DataInputStream(digesting);
    long[] offset = {0};
    try {
      byte[] magic = new byte[BackupFormat.MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, BackupFormat.MAGIC)) {
        throw new BackupException(
            "it is not a provisiond backup (it does not start with "
                + new String(BackupFormat.MAGIC, StandardCharsets.US_ASCII)
                + ")");
      }
      int format = in.readInt();
      if (format > BackupFormat.VERSION) {
        throw new BackupException(
            "it is in backup format "
                + format
                + ", newer than the format "
                + BackupFormat.VERSION
                + " this release reads: it was written by a newer provisiond; install that"
                + " release (or a later one) to restore it");
      }
      if (format < 1) {
        throw new BackupException("it is damaged: its format version is " + format);
      }
      int headerLength = in.readInt();
      if (headerLength <= 0 || headerLength > BackupFormat.MAX_HEADER) {
        throw new BackupException("it is damaged: its header length is " + headerLength);
      }
      byte[] headerBytes = new byte[headerLength];
      in.readFully(headerBytes);
      List<String> names = new ArrayList<>();
      byte[] buffer = new byte[1 << 16];
      while (true) {
        byte tag = in.readByte();
        if (tag == BackupFormat.END) {
          break;
        }
        if (tag != BackupFormat.FILE) {
          throw new BackupException("it is damaged: an entry starts with " + tag);
        }
        byte[] nameBytes = new byte[in.readUnsignedShort()];
        in.readFully(nameBytes);
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        long size = in.readLong();
        if (!BackupFormat.NAME.matcher(name).matches() || size < 0 || names.contains(name)) {
          throw new BackupException(
              "it is damaged: it holds an entry '" + name + "' of " + size + " bytes");
        }
        names.add(name);
        copy(in, size, into == null ? null : into.resolve(name), buffer);
      }
      digesting.on(false);
      byte[] expected = sha256.digest();
      byte[] stored = new byte[expected.length];
      in.readFully(stored);
      if (!MessageDigest.isEqual(expected, stored)) {
        throw new BackupException("it is damaged: its SHA-256 checksum does not match its content");
      }
      if (in.read() != -1) {
        throw new BackupException("it is damaged: bytes follow its checksum");
      }
      BackupHeader header = BackupFormat.decode(headerBytes);
      return new Contents(header, List.copyOf(names));
    } catch (EOFException e) {
      throw new BackupException("it is truncated: it ends before its checksum");
    }
  }

  private static void copy(DataInputStream in, long size, Path target, byte[] buffer)
      throws IOException {
    OutputStream out = OutputStream.nullOutputStream();
    FileChannel channel = null;
    if (target != null) {
      Files.createDirectories(target.getParent());
      channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      out = java.nio.channels.Channels.newOutputStream(channel);
    }
    try {
      long left = size;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new EOFException();
        }
        out.write(buffer, 0, n);
        left -= n;
      }
      if (channel != null) {
        channel.force(true);
      }
    } finally {
      if (channel != null) {
        channel.close();
      }
    }
  }
}
