package org.provisioning.dhcp.alloc;

import org.provisioning.common.net.Ipv4Address;

/**
 * Proposes a free address of a pool; it never commits. The two servers of a failover pair share
 * every pool in full and allocate from opposite ends, so until a pool is nearly full two servers
 * that cannot talk still hand out different addresses.
 */
public interface AddressAllocator {

  /** A free address of the pool, or null if it has none. */
  Ipv4Address propose(AddressPool pool);

  /** The primary's order, and a standalone server's: lowest free address first. */
  AddressAllocator BOTTOM_UP = AddressPool::lowestFree;

  /** The secondary's order while it serves: highest free address first. */
  AddressAllocator TOP_DOWN = AddressPool::highestFree;
}
