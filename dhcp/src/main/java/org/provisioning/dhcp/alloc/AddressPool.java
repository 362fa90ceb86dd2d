package org.provisioning.dhcp.alloc;

import java.util.BitSet;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;

/**
 * Which addresses of one pool are in use (bound, offered, quarantined or reserved), as one bit
 * each: a million-address pool costs 128 KiB, and finding the lowest or highest free address is a
 * word scan from a hint rather than a walk over leases. Not thread-safe: the engine's thread owns
 * it.
 */
public final class AddressPool {
  private final String name;
  private final Ipv4Range range;
  private final int size;
  private final BitSet used;
  private int usedCount;

  /** No free address below this index (bottom-up search starts here). */
  private int lowestFreeHint;

  /** No free address above this index (top-down search starts here). */
  private int highestFreeHint;

  public AddressPool(String name, Ipv4Range range) {
    if (!range.isOrdered() || range.size() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("pool " + name + " has an unusable range " + range);
    }
    this.name = name;
    this.range = range;
    this.size = (int) range.size();
    this.used = new BitSet(size);
    this.highestFreeHint = size - 1;
  }

  public String name() {
    return name;
  }

  public Ipv4Range range() {
    return range;
  }

  public int size() {
    return size;
  }

  public int usedCount() {
    return usedCount;
  }

  public boolean contains(Ipv4Address address) {
    return range.contains(address);
  }

  public boolean isUsed(Ipv4Address address) {
    return used.get(indexOf(address));
  }

  /** Marks an address of this pool used; returns false if it already was. */
  public boolean markUsed(Ipv4Address address) {
    int i = indexOf(address);
    if (used.get(i)) {
      return false;
    }
    used.set(i);
    usedCount++;
    return true;
  }

  /** Marks an address of this pool free; returns false if it already was. */
  public boolean markFree(Ipv4Address address) {
    int i = indexOf(address);
    if (!used.get(i)) {
      return false;
    }
    used.clear(i);
    usedCount--;
    lowestFreeHint = Math.min(lowestFreeHint, i);
    highestFreeHint = Math.max(highestFreeHint, i);
    return true;
  }

  /** The lowest free address, or null if none. */
  Ipv4Address lowestFree() {
    int i = used.nextClearBit(lowestFreeHint);
    if (i >= size) {
      lowestFreeHint = size;
      return null;
    }
    lowestFreeHint = i;
    return range.first().plus(i);
  }

  /** The highest free address, or null if none. */
  Ipv4Address highestFree() {
    int i = highestFreeHint < 0 ? -1 : used.previousClearBit(highestFreeHint);
    if (i < 0) {
      highestFreeHint = -1;
      return null;
    }
    highestFreeHint = i;
    return range.first().plus(i);
  }

  /** Percent of the pool in use, 0-100. */
  public int utilisationPercent() {
    return size == 0 ? 100 : (int) (100L * usedCount / size);
  }

  private int indexOf(Ipv4Address address) {
    if (!range.contains(address)) {
      throw new IllegalArgumentException(address + " is not in pool " + name + " " + range);
    }
    return (int) (address.unsigned() - range.first().unsigned());
  }

  @Override
  public String toString() {
    return "AddressPool[" + name + " " + range + " used=" + usedCount + "/" + size + "]";
  }
}
