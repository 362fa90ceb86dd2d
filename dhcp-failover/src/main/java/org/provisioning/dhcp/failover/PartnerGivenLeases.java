package org.provisioning.dhcp.failover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.provisioning.common.lease.LeaseRecord;

/**
 * The leases a partner's snapshot gave this server (or found it already had), each in its binary
 * form ({@link LeaseRecord#encode}) by address: what our own snapshot to the partner leaves out
 * while a lease still stands here exactly so. Compared octet for octet against the store's copy,
 * nothing decoded: a fresh secondary gets a million leases and must send back none of them, and
 * decoding them all to learn that took its sync thread 3 s.
 *
 * <p>The octets sit end to end in large arrays, and the addresses in an open-addressing table: no
 * object per lease while a million of them wait for the sync to finish. A lease given again
 * replaces the first: in place when its octets are as many, else after the others, the first octets
 * then unused until {@link #clear}. Written on the engine's thread, read on the sync thread: every
 * method holds the object's lock.
 */
final class PartnerGivenLeases {
  /**
   * A lease's reference is its chunk's number and its offset in it, plus one (0: an empty slot).
   */
  private static final int OFFSET_BITS = 20;

  /** Octets per array (1 MB): a lease takes 50-100 of them. */
  private static final int CHUNK = 1 << OFFSET_BITS;

  private final List<byte[]> chunks = new ArrayList<>();
  private int used = CHUNK; // of the last chunk: none yet, so the first lease starts one

  private int[] addresses = new int[16];
  private int[] refs = new int[16];
  private int size;

  /**
   * Remembers a lease as the partner's snapshot left it here. A lease given again in as many octets
   * (a snapshot sent anew after its sender restarted) takes the place of the first, so repeated
   * sessions do not pile up copies.
   */
  synchronized void remember(byte[] encoded) {
    int address = LeaseRecord.Encoded.address(encoded);
    int slot = slotOf(address);
    int ref = refs[slot];
    if (ref != 0 && lengthAt(ref) == encoded.length) {
      System.arraycopy(encoded, 0, chunkOf(ref), offsetOf(ref) + 2, encoded.length);
      return;
    }
    int appended = append(encoded);
    if (ref == 0) {
      if (++size * 2 > refs.length) {
        grow();
        slot = slotOf(address);
      }
      addresses[slot] = address;
    }
    refs[slot] = appended;
  }

  /**
   * Whether the lease in {@code octets[0, length)} stands here as the partner's snapshot gave it.
   */
  synchronized boolean holds(byte[] octets, int length) {
    int ref = refs[slotOf(LeaseRecord.Encoded.address(octets))];
    if (ref == 0) {
      return false;
    }
    int at = offsetOf(ref) + 2;
    return Arrays.equals(octets, 0, length, chunkOf(ref), at, at + lengthAt(ref));
  }

  synchronized int size() {
    return size;
  }

  /** Octets of the arrays made so far: what the leases held here cost. */
  synchronized long octetsHeld() {
    return (long) chunks.size() * CHUNK;
  }

  /** Forgets every lease: the session that gave them completed, the partner has ours too. */
  synchronized void clear() {
    chunks.clear();
    used = CHUNK;
    addresses = new int[16];
    refs = new int[16];
    size = 0;
  }

  /** Copies the octets after a two-octet length; returns their reference. */
  private int append(byte[] encoded) {
    if (encoded.length > 0xffff) {
      throw new IllegalArgumentException("a lease of " + encoded.length + " octets");
    }
    if (used + 2 + encoded.length > CHUNK) {
      chunks.add(new byte[CHUNK]);
      used = 0;
    }
    byte[] chunk = chunks.get(chunks.size() - 1);
    int at = used;
    chunk[at] = (byte) (encoded.length >>> 8);
    chunk[at + 1] = (byte) encoded.length;
    System.arraycopy(encoded, 0, chunk, at + 2, encoded.length);
    used += 2 + encoded.length;
    return (((chunks.size() - 1) << OFFSET_BITS) | at) + 1;
  }

  private byte[] chunkOf(int ref) {
    return chunks.get((ref - 1) >>> OFFSET_BITS);
  }

  private static int offsetOf(int ref) {
    return (ref - 1) & (CHUNK - 1);
  }

  /** The length of the octets a reference names, from the two octets before them. */
  private int lengthAt(int ref) {
    byte[] chunk = chunkOf(ref);
    int at = offsetOf(ref);
    return ((chunk[at] & 0xff) << 8) | (chunk[at + 1] & 0xff);
  }

  /** The address's slot, or the empty one where it would go. */
  private int slotOf(int address) {
    int mask = refs.length - 1;
    int slot = (address * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(refs.length));
    while (refs[slot] != 0 && addresses[slot] != address) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    int[] oldAddresses = addresses;
    int[] oldRefs = refs;
    addresses = new int[oldRefs.length * 2];
    refs = new int[oldRefs.length * 2];
    for (int i = 0; i < oldRefs.length; i++) {
      if (oldRefs[i] != 0) {
        int slot = slotOf(oldAddresses[i]);
        addresses[slot] = oldAddresses[i];
        refs[slot] = oldRefs[i];
      }
    }
  }
}
