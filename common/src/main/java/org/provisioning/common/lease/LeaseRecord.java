package org.provisioning.common.lease;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.provisioning.common.net.Ipv4Address;

/**
 * A lease's whole state after a change: the payload of every {@code LEASE} bus record, journaled
 * before the client is answered and replicated to the failover peer. DHCP writes it; TFTP (which
 * address asks for which modem's file), DNS (which names to publish) and failover read it. Being
 * whole-state, the last record for an address is the truth.
 *
 * <p>Byte arrays are never copied: treat them as read-only.
 *
 * @param hardwareType ARP hardware type ({@code htype}), 1 for Ethernet
 * @param hardwareAddress {@code chaddr}, {@code hlen} octets
 * @param clientId option 61, empty if the client sent none
 * @param startMillis when the lease was granted or last renewed
 * @param expiresAtMillis when it ends (for DECLINED: when the quarantine ends)
 * @param allocatedBy the server id that granted it, so a merge after a partition knows whose it was
 * @param hostname option 12 or 81 as the client sent it, empty if none
 * @param clientClass the class the client fell in, empty if none
 * @param remoteId option 82 remote-id (for cable: the modem behind which a CPE sits), or empty
 * @param circuitId option 82 circuit-id, or empty
 */
public record LeaseRecord(
    Ipv4Address address,
    int hardwareType,
    byte[] hardwareAddress,
    byte[] clientId,
    LeaseState state,
    long startMillis,
    long expiresAtMillis,
    int allocatedBy,
    String hostname,
    String clientClass,
    byte[] remoteId,
    byte[] circuitId) {

  private static final int FORMAT = 1;
  private static final byte[] NONE = new byte[0];

  public LeaseRecord {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(state, "state");
    hardwareAddress = hardwareAddress == null ? NONE : hardwareAddress;
    clientId = clientId == null ? NONE : clientId;
    hostname = hostname == null ? "" : hostname;
    clientClass = clientClass == null ? "" : clientClass;
    remoteId = remoteId == null ? NONE : remoteId;
    circuitId = circuitId == null ? NONE : circuitId;
    if (hardwareAddress.length > 16) {
      throw new IllegalArgumentException("hardware address longer than 16 octets");
    }
    checkShort("client id", clientId.length);
    checkShort("remote id", remoteId.length);
    checkShort("circuit id", circuitId.length);
    checkShort("hostname", hostname);
    checkShort("client class", clientClass);
  }

  private static void checkShort(String what, int length) {
    if (length > 255) {
      throw new IllegalArgumentException(what + " longer than 255 octets");
    }
  }

  /** Encodes the text only when it might be too long: UTF-8 takes at most 3 octets a char. */
  private static void checkShort(String what, String text) {
    if (text.length() * 3 > 255) {
      checkShort(what, text.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  /** Whether the address is held at {@code nowMillis} (bound, or declined and in quarantine). */
  public boolean holdsAddressAt(long nowMillis) {
    return holds(state, expiresAtMillis, nowMillis);
  }

  private static boolean holds(LeaseState state, long expiresAtMillis, long nowMillis) {
    return (state == LeaseState.BOUND || state == LeaseState.DECLINED)
        && expiresAtMillis > nowMillis;
  }

  public LeaseRecord withState(LeaseState newState, long newExpiresAtMillis) {
    return new LeaseRecord(
        address,
        hardwareType,
        hardwareAddress,
        clientId,
        newState,
        startMillis,
        newExpiresAtMillis,
        allocatedBy,
        hostname,
        clientClass,
        remoteId,
        circuitId);
  }

  /** Compact binary form: about 40 octets for a typical modem lease. */
  public byte[] encode() {
    byte[] host = hostname.getBytes(StandardCharsets.UTF_8);
    byte[] cls = clientClass.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out =
        ByteBuffer.allocate(
            1
                + 4
                + 1
                + 1
                + 1
                + hardwareAddress.length
                + 1
                + clientId.length
                + 8
                + 8
                + 1
                + 1
                + host.length
                + 1
                + cls.length
                + 1
                + remoteId.length
                + 1
                + circuitId.length);
    out.put((byte) FORMAT)
        .putInt(address.value())
        .put((byte) state.code())
        .put((byte) hardwareType)
        .put((byte) hardwareAddress.length)
        .put(hardwareAddress)
        .put((byte) clientId.length)
        .put(clientId)
        .putLong(startMillis)
        .putLong(expiresAtMillis)
        .put((byte) allocatedBy);
    putShort(out, host);
    putShort(out, cls);
    putShort(out, remoteId);
    putShort(out, circuitId);
    return out.array();
  }

  private static void putShort(ByteBuffer out, byte[] value) {
    out.put((byte) value.length).put(value);
  }

  /**
   * Reads the binary form.
   *
   * @throws IllegalArgumentException if the bytes are not a lease record of a known format
   */
  public static LeaseRecord decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      int format = in.get() & 0xff;
      if (format != FORMAT) {
        throw new IllegalArgumentException("lease record format " + format + " is unknown");
      }
      Ipv4Address address = new Ipv4Address(in.getInt());
      LeaseState state = LeaseState.fromCode(in.get() & 0xff);
      int htype = in.get() & 0xff;
      byte[] hw = shortBytes(in);
      byte[] clientId = shortBytes(in);
      long start = in.getLong();
      long expires = in.getLong();
      int allocatedBy = in.get() & 0xff;
      String hostname = shortText(in);
      String cls = shortText(in);
      byte[] remoteId = shortBytes(in);
      byte[] circuitId = shortBytes(in);
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " stray octets after a lease record");
      }
      return new LeaseRecord(
          address,
          htype,
          hw,
          clientId,
          state,
          start,
          expires,
          allocatedBy,
          hostname,
          cls,
          remoteId,
          circuitId);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("lease record truncated", e);
    }
  }

  /**
   * Fields of a record's binary form read in place, for an index that keeps the records' bytes: no
   * decode, nothing allocated. The layout is {@link #encode}'s: format, address, state, hardware
   * type, then the hardware address and the client-id, each a length octet and octets.
   */
  public static final class Encoded {
    private static final int ADDRESS = 1;
    private static final int STATE = 5;
    private static final int HARDWARE_TYPE = 6;
    private static final int HARDWARE_LENGTH = 7;

    private Encoded() {}

    /**
     * Whether the bytes are of the known format and long enough for the fields read here (the
     * state's code is checked by {@link LeaseState#fromCode}).
     */
    public static boolean isReadable(byte[] record) {
      return record.length > HARDWARE_LENGTH
          && (record[0] & 0xff) == FORMAT
          && record.length >= clientIdOffset(record) // its length octet is there
          && record.length >= clientIdOffset(record) + clientIdLength(record);
    }

    public static int address(byte[] record) {
      return ((record[ADDRESS] & 0xff) << 24)
          | ((record[ADDRESS + 1] & 0xff) << 16)
          | ((record[ADDRESS + 2] & 0xff) << 8)
          | (record[ADDRESS + 3] & 0xff);
    }

    /**
     * Where the state's code is ({@link LeaseState#fromCode}): a store reads that octet alone, in
     * place.
     */
    public static int stateOffset() {
      return STATE;
    }

    public static int hardwareType(byte[] record) {
      return record[HARDWARE_TYPE] & 0xff;
    }

    public static int hardwareAddressOffset() {
      return HARDWARE_LENGTH + 1;
    }

    public static int hardwareAddressLength(byte[] record) {
      return record[HARDWARE_LENGTH] & 0xff;
    }

    public static int clientIdOffset(byte[] record) {
      return hardwareAddressOffset() + hardwareAddressLength(record) + 1;
    }

    public static int clientIdLength(byte[] record) {
      return record[clientIdOffset(record) - 1] & 0xff;
    }

    /** Read only from a whole record (one this process encoded), as are the fields below. */
    public static long startMillis(byte[] record) {
      return longAt(record, clientIdOffset(record) + clientIdLength(record));
    }

    public static long expiresAtMillis(byte[] record) {
      return longAt(record, clientIdOffset(record) + clientIdLength(record) + 8);
    }

    public static LeaseState state(byte[] record) {
      return LeaseState.fromCode(record[STATE] & 0xff);
    }

    /** {@link LeaseRecord#holdsAddressAt}, read in place. */
    public static boolean holdsAddressAt(byte[] record, long nowMillis) {
      return holds(state(record), expiresAtMillis(record), nowMillis);
    }

    private static long longAt(byte[] record, int at) {
      long value = 0;
      for (int i = at; i < at + 8; i++) {
        value = (value << 8) | (record[i] & 0xff);
      }
      return value;
    }

    /** Where the option 82 remote-id's octets begin (its length octet just before). */
    public static int remoteIdOffset(byte[] record) {
      // Past the start and expiry (8 octets each), allocated-by (1), hostname and class.
      int hostname = clientIdOffset(record) + clientIdLength(record) + 17;
      int clientClass = hostname + 1 + (record[hostname] & 0xff);
      return clientClass + 1 + (record[clientClass] & 0xff) + 1;
    }

    public static int remoteIdLength(byte[] record) {
      return record[remoteIdOffset(record) - 1] & 0xff;
    }
  }

  /** A length octet and octets; none shares one empty array, as leases are decoded often. */
  private static byte[] shortBytes(ByteBuffer in) {
    int length = in.get() & 0xff;
    if (length == 0) {
      return NONE;
    }
    byte[] value = new byte[length];
    in.get(value);
    return value;
  }

  private static String shortText(ByteBuffer in) {
    byte[] text = shortBytes(in);
    return text.length == 0 ? "" : new String(text, StandardCharsets.UTF_8);
  }

  /** The hardware address as {@code 00:11:22:33:44:55}. */
  public String hardwareAddressText() {
    return HexFormat.ofDelimiter(":").formatHex(hardwareAddress);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeaseRecord other
        && address.equals(other.address)
        && hardwareType == other.hardwareType
        && Arrays.equals(hardwareAddress, other.hardwareAddress)
        && Arrays.equals(clientId, other.clientId)
        && state == other.state
        && startMillis == other.startMillis
        && expiresAtMillis == other.expiresAtMillis
        && allocatedBy == other.allocatedBy
        && hostname.equals(other.hostname)
        && clientClass.equals(other.clientClass)
        && Arrays.equals(remoteId, other.remoteId)
        && Arrays.equals(circuitId, other.circuitId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(address, state, expiresAtMillis, Arrays.hashCode(hardwareAddress));
  }

  @Override
  public String toString() {
    return "Lease["
        + address
        + " "
        + state
        + " hw="
        + hardwareAddressText()
        + " expires="
        + expiresAtMillis
        + " by="
        + allocatedBy
        + "]";
  }
}
