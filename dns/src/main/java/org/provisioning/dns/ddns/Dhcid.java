package org.provisioning.dns.ddns;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.provisioning.common.lease.LeaseRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DHCIDRecord;
import org.xbill.DNS.Name;

/**
 * The DHCID RDATA of RFC 4701 section 3.3: identifier type, digest type 1 (SHA-256), and the
 * SHA-256 of the client identifier followed by the FQDN in canonical wire form. A client with
 * option 61 is identified by it (type 0x0001), others by htype and chaddr (type 0x0000).
 */
final class Dhcid {
  private Dhcid() {}

  static byte[] rdata(LeaseRecord lease, Name fqdn) {
    byte[] identifier;
    int identifierType;
    if (lease.clientId().length > 0) {
      identifierType = 1;
      identifier = lease.clientId();
    } else {
      identifierType = 0;
      identifier = new byte[1 + lease.hardwareAddress().length];
      identifier[0] = (byte) lease.hardwareType();
      System.arraycopy(lease.hardwareAddress(), 0, identifier, 1, lease.hardwareAddress().length);
    }
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(identifier);
      sha256.update(fqdn.toWireCanonical());
      byte[] digest = sha256.digest();
      return ByteBuffer.allocate(3 + digest.length)
          .putShort((short) identifierType)
          .put((byte) 1)
          .put(digest)
          .array();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static DHCIDRecord record(Name owner, long ttl, byte[] rdata) {
    return new DHCIDRecord(owner, DClass.IN, ttl, rdata);
  }
}
