package org.provisioning.common.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The layout of a backup file (big-endian):
 *
 * <pre>
 * 8 bytes  magic "PSBACKUP"
 * int      format version (1)
 * int      header length, then the {@link BackupHeader} as UTF-8 JSON
 * per file: byte 1, short name length, UTF-8 name, long size, the bytes
 * byte 0   end of files
 * 32 bytes SHA-256 of every byte above
 * </pre>
 *
 * Names are {@code journal/<file>} (snapshots and segments of the state bus), {@code
 * config/provisiond.yaml} (the config file the server ran on) and {@code data/<file>} (the pairing
 * secret); nothing else is ever written or extracted.
 */
public final class BackupFormat {
  /** The format this code writes, and the newest it reads. */
  public static final int VERSION = 1;

  static final byte[] MAGIC = {'P', 'S', 'B', 'A', 'C', 'K', 'U', 'P'};
  static final byte FILE = 1;
  static final byte END = 0;
  static final int MAX_HEADER = 64 * 1024;
  static final Pattern NAME = Pattern.compile("(journal|config|data)/[A-Za-z0-9][A-Za-z0-9._-]*");

  public static final String CONFIG_ENTRY = "config/provisiond.yaml";

  private BackupFormat() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static byte[] encode(BackupHeader header) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("format", header.format());
    node.put("takenAt", header.takenAt().toString());
    node.put("server", header.server());
    node.put("serverId", header.serverId());
    node.put("provisiondVersion", header.provisiondVersion());
    node.put("configVersion", header.configVersion());
    node.put("boundLeases", header.boundLeases());
    return JSON.writeValueAsBytes(node);
  }

  static BackupHeader decode(byte[] bytes) throws BackupException {
    try {
      JsonNode node = JSON.readTree(bytes);
      return new BackupHeader(
          node.path("format").asInt(),
          Instant.parse(node.path("takenAt").asText()),
          node.path("server").asText(),
          node.path("serverId").asInt(),
          node.path("provisiondVersion").asText(),
          node.path("configVersion").asLong(),
          node.path("boundLeases").asLong());
    } catch (IOException | DateTimeParseException e) {
      throw new BackupException("its header cannot be read: " + e.getMessage());
    }
  }
}
