package org.provisioning.dhcp.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

class ClientKeyTest {
  private static final int MACS = 1 << 16;

  private static byte[] mac(int n) {
    return new byte[] {0x00, 0x10, (byte) 0x95, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  @Test
  void macsThatCountUpHashApart() {
    Set<Integer> clientKeys = new HashSet<>();
    Set<Integer> byteKeys = new HashSet<>();
    Set<Integer> polynomial = new HashSet<>();
    for (int n = 0; n < MACS; n++) {
      clientKeys.add(ClientKey.ofHardware(1, mac(n)).hashCode());
      byteKeys.add(new ByteKey(mac(n)).hashCode());
      polynomial.add(Arrays.hashCode(mac(n)));
    }
    assertEquals(MACS, clientKeys.size(), "distinct hashes of 65,536 consecutive MACs");
    assertEquals(MACS, byteKeys.size());
    assertTrue(polynomial.size() < MACS / 7, "what Arrays.hashCode gives: " + polynomial.size());
  }

  @Test
  void aRecordsBinaryFormHashesAsTheDecodedLease() {
    for (byte[] clientId : new byte[][] {null, {1, 0x00, 0x10, (byte) 0x95, 0, 0, 7}, {42}}) {
      for (byte[] mac : new byte[][] {mac(7), {}, new byte[16]}) {
        LeaseRecord lease =
            new LeaseRecord(
                Ipv4Address.parse("127.16.0.9"),
                6,
                mac,
                clientId,
                LeaseState.BOUND,
                1,
                2,
                1,
                "host",
                "cls",
                new byte[] {9},
                null);
        byte[] encoded = lease.encode();
        assertEquals(ClientKey.hashOf(lease), ClientKey.hashOfEncoded(encoded));
        assertEquals(ClientKey.of(lease).hashCode(), ClientKey.hashOfEncoded(encoded));
      }
    }
  }

  /** Two binary forms are of one client exactly when their decoded leases match one key. */
  @Test
  void twoBinaryFormsAreOfOneClientAsTheirKeysSay() {
    byte[] id = {1, 0x00, 0x10, (byte) 0x95, 0, 0, 7};
    LeaseRecord[] leases = {
      lease(1, mac(7), null),
      lease(1, mac(7).clone(), null),
      lease(6, mac(7), null),
      lease(1, mac(8), null),
      lease(1, mac(7), id),
      lease(1, mac(8), id.clone()),
      lease(1, mac(7), new byte[] {42}),
    };
    for (LeaseRecord a : leases) {
      for (LeaseRecord b : leases) {
        assertEquals(
            ClientKey.of(a).equals(ClientKey.of(b)),
            ClientKey.sameEncoded(a.encode(), b.encode()),
            a + " and " + b);
      }
    }
  }

  private static LeaseRecord lease(int hardwareType, byte[] mac, byte[] clientId) {
    return new LeaseRecord(
        Ipv4Address.parse("127.16.0.9"),
        hardwareType,
        mac,
        clientId,
        LeaseState.BOUND,
        1,
        2,
        1,
        null,
        null,
        null,
        null);
  }

  @Test
  void equalOctetsAreEqualKeysAndTheTwoKindsNeverMeet() {
    byte[] mac = mac(7);
    assertEquals(ClientKey.ofHardware(1, mac), ClientKey.ofHardware(1, mac.clone()));
    assertEquals(new ByteKey(mac), new ByteKey(mac.clone()));
    assertNotEquals(ClientKey.ofHardware(1, mac), ClientKey.ofHardware(1, mac(8)));
    assertNotEquals(ClientKey.ofHardware(1, mac), ClientKey.ofHardware(6, mac));
    byte[] clientId = new byte[] {1, 0x00, 0x10, (byte) 0x95, 0, 0, 7};
    assertNotEquals(ClientKey.ofHardware(1, mac), ClientKey.ofClientId(clientId));
    assertNotEquals(new ByteKey(mac), new ByteKey(mac(8)));
  }
}
