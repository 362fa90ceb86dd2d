package org.provisioning.common.backup;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Writes a backup file ({@link BackupFormat}): the header, then files, then {@link #finish}. */
public final class BackupWriter {
  private final OutputStream sink;
  private final MessageDigest sha256;
  private final DataOutputStream out;
  private boolean finished;

  public BackupWriter(OutputStream sink, BackupHeader header) throws IOException {
    this.sink = new BufferedOutputStream(sink, 1 << 16);
    this.sha256 = sha256();
    this.out = new DataOutputStream(new DigestOutputStream(this.sink, sha256));
    out.write(BackupFormat.MAGIC);
    out.writeInt(BackupFormat.VERSION);
    byte[] json = BackupFormat.encode(header);
    out.writeInt(json.length);
    out.write(json);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }

  /** Adds a file's content under {@code name} ({@code journal/...}, {@code config/...}, ...). */
  public void add(String name, Path file) throws IOException {
    long size = Files.size(file);
    entry(name, size);
    try (InputStream in = Files.newInputStream(file)) {
      long copied = in.transferTo(out);
      if (copied != size) {
        throw new IOException(file + " changed size while it was copied");
      }
    }
  }

  public void add(String name, byte[] content) throws IOException {
    entry(name, content.length);
    out.write(content);
  }

  private void entry(String name, long size) throws IOException {
    if (!BackupFormat.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a backup entry name");
    }
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    out.writeByte(BackupFormat.FILE);
    out.writeShort(bytes.length);
    out.write(bytes);
    out.writeLong(size);
  }

  /** Ends the file list and appends the checksum; flushes, does not close the stream. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    out.writeByte(BackupFormat.END);
    out.flush();
    sink.write(sha256.digest());
    sink.flush();
  }
}
