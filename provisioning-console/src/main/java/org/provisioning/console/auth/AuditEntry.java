package org.provisioning.console.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One change made through the management API: who, when, from where, what.
 *
 * @param server the server that took the change (both servers of a pair show both's entries)
 * @param actor the user's name, or {@code api-token}
 * @param via {@code session}, or {@code token} with the login name provisionctl reports
 * @param remote the client's address and port
 * @param action {@code METHOD /api/v1/path}, or a word for what has no route ({@code login})
 * @param status the HTTP status it was answered with
 * @param summary one line: what changed
 * @param detail more lines: the config diff, the request's fields (secrets masked)
 */
public record AuditEntry(
    Instant at,
    String server,
    String actor,
    String via,
    String remote,
    String action,
    int status,
    String summary,
    String detail) {

  /** An entry's detail is cut here, far below what one replicated record may carry. */
  static final int MAX_DETAIL_CHARS = 16_000;

  private static final int FORMAT = 1;

  public AuditEntry {
    Objects.requireNonNull(at, "at");
    server = server == null ? "" : server;
    actor = actor == null ? "" : actor;
    via = via == null ? "" : via;
    remote = remote == null ? "" : remote;
    action = action == null ? "" : action;
    summary = summary == null ? "" : summary;
    detail = detail == null ? "" : detail;
    if (detail.length() > MAX_DETAIL_CHARS) {
      detail =
          detail.substring(0, MAX_DETAIL_CHARS)
              + "\n... ("
              + (detail.length() - MAX_DETAIL_CHARS)
              + " more characters)";
    }
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(at.toEpochMilli());
      for (String text : new String[] {server, actor, via, remote, action, summary, detail}) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
      }
      out.writeInt(status);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static AuditEntry decode(byte[] payload) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IOException("audit record format " + format + " is not " + FORMAT);
      }
      Instant at = Instant.ofEpochMilli(in.readLong());
      String[] texts = new String[7];
      for (int i = 0; i < texts.length; i++) {
        int length = in.readInt();
        if (length < 0 || length > payload.length) {
          throw new IOException("audit record field of " + length + " octets");
        }
        texts[i] = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      }
      int status = in.readInt();
      return new AuditEntry(
          at, texts[0], texts[1], texts[2], texts[3], texts[4], status, texts[5], texts[6]);
    }
  }
}
