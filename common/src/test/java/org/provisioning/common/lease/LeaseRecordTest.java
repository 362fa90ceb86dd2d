package org.provisioning.common.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;

class LeaseRecordTest {
  private final LeaseRecord modem =
      new LeaseRecord(
          Ipv4Address.parse("127.16.0.10"),
          1,
          new byte[] {0, 0x11, 0x22, 0x33, 0x44, 0x55},
          new byte[] {1, 0, 0x11, 0x22, 0x33, 0x44, 0x55},
          LeaseState.BOUND,
          1_700_000_000_000L,
          1_700_003_600_000L,
          1,
          "cm-001122334455",
          "cable-modem",
          new byte[] {0, 0x11, 0x22, 0x33, 0x44, 0x55},
          new byte[] {1, 2});

  @Test
  void roundTripsEveryField() {
    byte[] bytes = modem.encode();
    assertEquals(modem, LeaseRecord.decode(bytes));
    assertArrayEquals(bytes, LeaseRecord.decode(bytes).encode());
    assertTrue(bytes.length < 80, "compact: " + bytes.length + " octets");
  }

  @Test
  void theEncodedFormReadsInPlaceWhatIndexesNeed() {
    byte[] bytes = modem.encode();
    assertTrue(LeaseRecord.Encoded.isReadable(bytes));
    assertEquals(modem.address().value(), LeaseRecord.Encoded.address(bytes));
    assertEquals(1, LeaseRecord.Encoded.hardwareType(bytes));
    int hw = LeaseRecord.Encoded.hardwareAddressOffset();
    assertArrayEquals(
        modem.hardwareAddress(),
        Arrays.copyOfRange(bytes, hw, hw + LeaseRecord.Encoded.hardwareAddressLength(bytes)));
    int id = LeaseRecord.Encoded.clientIdOffset(bytes);
    assertArrayEquals(
        modem.clientId(),
        Arrays.copyOfRange(bytes, id, id + LeaseRecord.Encoded.clientIdLength(bytes)));
    // Cut before the end of the client-id, or of another format: not readable in place.
    int end = id + modem.clientId().length;
    for (int cut = 0; cut < end; cut++) {
      assertFalse(LeaseRecord.Encoded.isReadable(Arrays.copyOf(bytes, cut)), "cut at " + cut);
    }
    assertTrue(LeaseRecord.Encoded.isReadable(Arrays.copyOf(bytes, end)));
    byte[] otherFormat = bytes.clone();
    otherFormat[0] = 9;
    assertFalse(LeaseRecord.Encoded.isReadable(otherFormat));
  }

  /** What a lease store reads in place of the leases it keeps encoded: state, start, remote-id. */
  @Test
  void aWholeRecordReadsItsStateStartAndRemoteIdInPlace() {
    LeaseRecord bare =
        new LeaseRecord(
            Ipv4Address.parse("127.16.0.11"),
            1,
            new byte[] {2, 0, 0, 0, 0, 1},
            null,
            LeaseState.DECLINED,
            -5L,
            0L,
            2,
            null,
            null,
            null,
            null);
    for (LeaseRecord lease : new LeaseRecord[] {modem, bare}) {
      byte[] bytes = lease.encode();
      assertEquals(
          lease.state(), LeaseState.fromCode(bytes[LeaseRecord.Encoded.stateOffset()] & 0xff));
      assertEquals(lease.state(), LeaseRecord.Encoded.state(bytes));
      assertEquals(lease.startMillis(), LeaseRecord.Encoded.startMillis(bytes));
      assertEquals(lease.expiresAtMillis(), LeaseRecord.Encoded.expiresAtMillis(bytes));
      for (long now : new long[] {-10, lease.expiresAtMillis() - 1, lease.expiresAtMillis()}) {
        assertEquals(
            lease.holdsAddressAt(now), LeaseRecord.Encoded.holdsAddressAt(bytes, now), "at " + now);
      }
      int remote = LeaseRecord.Encoded.remoteIdOffset(bytes);
      assertArrayEquals(
          lease.remoteId(),
          Arrays.copyOfRange(bytes, remote, remote + LeaseRecord.Encoded.remoteIdLength(bytes)));
    }
  }

  @Test
  void refusesTruncatedAndUnknownFormats() {
    byte[] bytes = modem.encode();
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      assertThrows(IllegalArgumentException.class, () -> LeaseRecord.decode(truncated));
    }
    bytes[0] = 9;
    assertThrows(IllegalArgumentException.class, () -> LeaseRecord.decode(bytes));
  }

  @Test
  void holdsItsAddressOnlyWhileBoundOrQuarantined() {
    assertTrue(modem.holdsAddressAt(1_700_000_000_001L));
    assertEquals(false, modem.holdsAddressAt(1_700_003_600_000L));
    assertEquals(false, modem.withState(LeaseState.RELEASED, 1_700_003_600_000L).holdsAddressAt(0));
    assertTrue(
        modem
            .withState(LeaseState.DECLINED, 1_800_000_000_000L)
            .holdsAddressAt(1_750_000_000_000L));
  }
}
