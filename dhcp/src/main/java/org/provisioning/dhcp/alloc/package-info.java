/**
 * Address allocation: per-pool usage bitmaps and the strategies (bottom-up, top-down) that propose
 * a free address. Proposing only: the engine checks reservations and leases and commits. Imports
 * common only.
 */
package org.provisioning.dhcp.alloc;
