package org.provisioning.common.lease;

/**
 * Names the boot file DHCP hands a client in its ACK (siaddr/file, option 67). TFTP implements it:
 * with the anti-theft mode on, a modem's configured boot file becomes a random name valid for a
 * while, from that lease's address only. DHCP calls it through the composition root, so neither
 * service imports the other.
 */
@FunctionalInterface
public interface BootFileIssuer {
  /**
   * @param bootFile the boot file the client's class is configured with
   * @return the name to put in the ACK: {@code bootFile} itself, or a short-lived name for it
   */
  String bootFileFor(LeaseRecord lease, String bootFile);
}
