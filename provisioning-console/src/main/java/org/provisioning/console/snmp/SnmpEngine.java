package org.provisioning.console.snmp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.provisioning.common.io.DurableFiles;

/**
 * This server's SNMP engine identity (RFC 3411 §5, SnmpEngineID) and its boot count. The engine ID
 * must stay the same across restarts, or every v3 receiver and poller loses the user's localized
 * keys; the boot count must grow at every start (RFC 3414 §2.2.2), or a poller's clock for this
 * engine would go backwards and its requests fall out of the time window.
 *
 * @param id the engine ID octets
 * @param boots snmpEngineBoots, 1 at the first start
 */
public record SnmpEngine(byte[] id, int boots) {
  /** The enterprise number of the engine ID: 32473, reserved for documentation (RFC 5612). */
  static final int ENTERPRISE = 32473;

  /** RFC 3411 §5: at most 32 octets, 5 of them the header. */
  private static final int MAX_TEXT = 27;

  public SnmpEngine {
    id = id.clone();
  }

  @Override
  public byte[] id() {
    return id.clone();
  }

  public String idHex() {
    return engineIdHex(id);
  }

  static String engineIdHex(byte[] id) {
    return HexFormat.of().formatHex(id);
  }

  /**
   * The engine ID: the configured one (hex), or format 4 of RFC 3411 (enterprise 32473 with the
   * high bit set, octet 4, then the server's name as text, cut at 27 octets).
   */
  public static byte[] engineId(String configuredHex, String serverName) {
    if (configuredHex != null) {
      return HexFormat.of().parseHex(configuredHex.replace(":", ""));
    }
    byte[] name = serverName.getBytes(StandardCharsets.UTF_8);
    byte[] id = new byte[5 + Math.min(name.length, MAX_TEXT)];
    id[0] = (byte) (0x80 | (ENTERPRISE >>> 24));
    id[1] = (byte) (ENTERPRISE >>> 16);
    id[2] = (byte) (ENTERPRISE >>> 8);
    id[3] = (byte) ENTERPRISE;
    id[4] = 4;
    System.arraycopy(name, 0, id, 5, id.length - 5);
    return id;
  }

  /**
   * Counts one more boot in {@code file} (made if missing, replaced durably) and returns the engine
   * with it. A count at its maximum stays there (RFC 3414 §2.2.2 says the engine then needs new
   * keys).
   */
  public static SnmpEngine boot(byte[] id, Path file) throws IOException {
    int previous = 0;
    if (Files.exists(file)) {
      try {
        previous = Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).strip());
      } catch (NumberFormatException e) {
        // Unreadable (a damaged disk): a count no earlier boot can have reached, since it cannot
        // have booted more than once a minute; a count back at 1 would make every manager that
        // saw a higher one refuse this engine's v3 messages as replays (RFC 3414 §2.2.2).
        previous = (int) Math.min(Integer.MAX_VALUE - 1, minutesSince2000());
      }
    }
    int boots = previous >= Integer.MAX_VALUE - 1 ? Integer.MAX_VALUE : Math.max(previous, 0) + 1;
    DurableFiles.replace(file, boots + "\n");
    return new SnmpEngine(id, boots);
  }

  private static long minutesSince2000() {
    return java.time.Duration.between(
            java.time.Instant.parse("2000-01-01T00:00:00Z"), java.time.Instant.now())
        .toMinutes();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SnmpEngine e && Arrays.equals(id, e.id) && boots == e.boots;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(id) * 31 + boots;
  }

  @Override
  public String toString() {
    return "SnmpEngine[id=" + idHex() + ", boots=" + boots + "]";
  }
}
