package org.provisioning.dhcp.lease;

import java.util.Arrays;
import org.provisioning.common.lease.LeaseRecord;

/**
 * Who a client is, for finding its lease: option 61 when it sends one (RFC 2131 §4.2), its hardware
 * type and address otherwise. The two kinds never compare equal.
 */
public final class ClientKey {
  private final byte[] bytes;
  private final int hash;

  private ClientKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = ByteKey.hash(bytes);
  }

  /** The key of a client identified by option 61. */
  public static ClientKey ofClientId(byte[] clientId) {
    byte[] key = new byte[clientId.length + 1];
    key[0] = 'i';
    System.arraycopy(clientId, 0, key, 1, clientId.length);
    return new ClientKey(key);
  }

  /** The key of a client identified by its hardware address. */
  public static ClientKey ofHardware(int hardwareType, byte[] address) {
    byte[] key = new byte[address.length + 2];
    key[0] = 'h';
    key[1] = (byte) hardwareType;
    System.arraycopy(address, 0, key, 2, address.length);
    return new ClientKey(key);
  }

  /** The key a lease was granted under. */
  public static ClientKey of(LeaseRecord lease) {
    return lease.clientId().length > 0
        ? ofClientId(lease.clientId())
        : ofHardware(lease.hardwareType(), lease.hardwareAddress());
  }

  /** The hash of the key a lease was granted under, without building the key. */
  static int hashOf(LeaseRecord lease) {
    byte[] id = lease.clientId();
    byte[] hardware = lease.hardwareAddress();
    return id.length > 0
        ? clientIdHash(id, 0, id.length)
        : hardwareHash(lease.hardwareType(), hardware, 0, hardware.length);
  }

  /**
   * {@link #hashOf(LeaseRecord)} of a lease record's binary form, read in place ({@link
   * LeaseRecord.Encoded}, which must find it readable).
   */
  static int hashOfEncoded(byte[] record) {
    int idLength = LeaseRecord.Encoded.clientIdLength(record);
    return idLength > 0
        ? clientIdHash(record, LeaseRecord.Encoded.clientIdOffset(record), idLength)
        : hardwareHash(
            LeaseRecord.Encoded.hardwareType(record),
            record,
            LeaseRecord.Encoded.hardwareAddressOffset(),
            LeaseRecord.Encoded.hardwareAddressLength(record));
  }

  /** The hash of {@link #ofClientId}'s key octets ('i', the id) over the id where it lies. */
  private static int clientIdHash(byte[] bytes, int offset, int length) {
    return ByteKey.mix(ByteKey.mix(ByteKey.FNV_BASIS, 'i'), bytes, offset, length);
  }

  /** The hash of {@link #ofHardware}'s key octets ('h', the type, the address) in place. */
  private static int hardwareHash(int hardwareType, byte[] bytes, int offset, int length) {
    return ByteKey.mix(
        ByteKey.mix(ByteKey.mix(ByteKey.FNV_BASIS, 'h'), hardwareType), bytes, offset, length);
  }

  /** Whether the lease was granted under this key, without building the lease's key. */
  public boolean matches(LeaseRecord lease) {
    byte[] id = lease.clientId();
    if (id.length > 0) {
      return bytes[0] == 'i' && Arrays.equals(bytes, 1, bytes.length, id, 0, id.length);
    }
    byte[] hardware = lease.hardwareAddress();
    return bytes[0] == 'h'
        && bytes[1] == (byte) lease.hardwareType()
        && Arrays.equals(bytes, 2, bytes.length, hardware, 0, hardware.length);
  }

  /** Whether two lease records' binary forms were granted under one key, read in place. */
  static boolean sameEncoded(byte[] a, byte[] b) {
    int aId = LeaseRecord.Encoded.clientIdLength(a);
    int bId = LeaseRecord.Encoded.clientIdLength(b);
    if (aId > 0 || bId > 0) {
      int aAt = LeaseRecord.Encoded.clientIdOffset(a);
      int bAt = LeaseRecord.Encoded.clientIdOffset(b);
      return Arrays.equals(a, aAt, aAt + aId, b, bAt, bAt + bId);
    }
    int at = LeaseRecord.Encoded.hardwareAddressOffset();
    return LeaseRecord.Encoded.hardwareType(a) == LeaseRecord.Encoded.hardwareType(b)
        && Arrays.equals(
            a,
            at,
            at + LeaseRecord.Encoded.hardwareAddressLength(a),
            b,
            at,
            at + LeaseRecord.Encoded.hardwareAddressLength(b));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientKey other && other.hash == hash && Arrays.equals(other.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return (bytes[0] == 'i' ? "client-id " : "hw ")
        + java.util.HexFormat.ofDelimiter(":")
            .formatHex(bytes, bytes[0] == 'i' ? 1 : 2, bytes.length);
  }
}
