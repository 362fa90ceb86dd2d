package org.provisioning.dhcp.lease;

import java.util.Arrays;

/**
 * A byte string as a hash-map key (a MAC, an option 82 remote-id), hashed so that keys which differ
 * in their last octets land apart. {@link Arrays#hashCode(byte[])} and {@link
 * java.nio.ByteBuffer#hashCode()} are polynomials in 31: MACs that count up, as a vendor's modems
 * do, collide about eight to a value ((a, b) and (a + 1, b - 31) in the last two octets), and the
 * lease store's maps then search tree bins on every lookup.
 */
public final class ByteKey {
  private final byte[] bytes;
  private final int hash;

  public ByteKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = hash(bytes);
  }

  /** FNV-1a's starting value, for {@link #mix} to continue from. */
  static final int FNV_BASIS = 0x811c9dc5;

  /** 32-bit FNV-1a: each octet is mixed into every higher bit before the next one comes. */
  static int hash(byte[] bytes) {
    return mix(FNV_BASIS, bytes, 0, bytes.length);
  }

  /**
   * The hash continued over {@code length} more octets from {@code offset}: a key made of parts, or
   * lying inside a larger array, hashes without being joined or copied.
   */
  static int mix(int hash, byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      hash = mix(hash, bytes[i]);
    }
    return hash;
  }

  static int mix(int hash, int octet) {
    return (hash ^ (octet & 0xff)) * 0x01000193;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey other && other.hash == hash && Arrays.equals(other.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
