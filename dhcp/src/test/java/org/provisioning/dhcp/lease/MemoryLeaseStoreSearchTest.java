package org.provisioning.dhcp.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.lease.LeaseFilter;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;

/** The console's lease search: each criterion, and the indexes that answer MAC and remote-id. */
class MemoryLeaseStoreSearchTest {
  private static final long NOW = 1_800_000_000_000L;
  private final MemoryLeaseStore store = new MemoryLeaseStore();

  private static byte[] hex(String text) {
    return HexFormat.ofDelimiter(":").parseHex(text);
  }

  private static LeaseRecord lease(
      String ip, String mac, byte[] clientId, String hostname, String remoteId, String circuit) {
    return new LeaseRecord(
        Ipv4Address.parse(ip),
        1,
        hex(mac),
        clientId,
        LeaseState.BOUND,
        NOW,
        NOW + 3_600_000,
        1,
        hostname,
        "cpe",
        remoteId == null ? null : hex(remoteId),
        circuit == null ? null : circuit.getBytes(StandardCharsets.US_ASCII));
  }

  private static LeaseRecord lease(String ip, String mac) {
    return lease(ip, mac, null, "", null, null);
  }

  private List<String> addresses(LeaseFilter.Builder filter) {
    return store.find(filter.build()).stream().map(l -> l.address().toString()).toList();
  }

  @Test
  void aMacFindsEveryAddressItHoldsALeaseAtLowestFirst() {
    store.put(lease("127.17.0.20", "02:00:00:00:00:01"));
    store.put(lease("127.16.0.10", "02:00:00:00:00:01", new byte[] {1, 2}, "", null, null));
    store.put(lease("127.16.0.11", "02:00:00:00:00:02"));
    assertEquals(
        List.of("127.16.0.10", "127.17.0.20"),
        addresses(LeaseFilter.builder().hardwareAddress(hex("02:00:00:00:00:01"))));
    assertEquals(
        "127.16.0.10",
        store.byHardwareAddress(hex("02:00:00:00:00:01")).orElseThrow().address().toString(),
        "the newest lease of the MAC");
  }

  @Test
  void anAddressGivenToAnotherMacLeavesTheFirstMacsResults() {
    store.put(lease("127.16.0.10", "02:00:00:00:00:01"));
    store.put(lease("127.16.0.10", "02:00:00:00:00:02"));
    assertEquals(
        List.of(), addresses(LeaseFilter.builder().hardwareAddress(hex("02:00:00:00:00:01"))));
    assertTrue(store.byHardwareAddress(hex("02:00:00:00:00:01")).isEmpty());
    assertEquals(
        List.of("127.16.0.10"),
        addresses(LeaseFilter.builder().hardwareAddress(hex("02:00:00:00:00:02"))));
  }

  @Test
  void aMacRemembersItsNewestAddressesOnly() {
    for (int i = 0; i < MemoryLeaseStore.MAX_ADDRESSES_PER_HARDWARE + 4; i++) {
      // A new client-id at each boot, and a renewal of each lease (which changes nothing).
      LeaseRecord lease =
          lease("127.16.1." + i, "02:00:00:00:00:01", new byte[] {(byte) i}, "", null, null);
      store.put(lease);
      store.put(lease);
    }
    List<String> found = addresses(LeaseFilter.builder().hardwareAddress(hex("02:00:00:00:00:01")));
    assertEquals(MemoryLeaseStore.MAX_ADDRESSES_PER_HARDWARE, found.size());
    assertEquals("127.16.1.4", found.get(0), "the four oldest are forgotten");
    assertEquals("127.16.1.19", found.get(found.size() - 1));
  }

  /**
   * A modem that moved to another address is found at the new one even after its old lease expires
   * (a later change, but of an older grant): the CPE behind it still count as behind a known modem.
   */
  @Test
  void anOldLeaseExpiringLaterDoesNotHideTheClientsNewerOne() {
    byte[] mac = hex("02:00:00:00:00:01");
    LeaseRecord old = lease("127.16.0.10", "02:00:00:00:00:01");
    LeaseRecord moved =
        new LeaseRecord(
            Ipv4Address.parse("127.17.0.10"),
            1,
            mac,
            null,
            LeaseState.BOUND,
            NOW + 60_000,
            NOW + 3_660_000,
            1,
            "",
            "cm",
            null,
            null);
    store.put(old);
    store.put(moved);
    store.put(old.withState(LeaseState.EXPIRED, NOW + 120_000));
    assertEquals(moved, store.byHardwareAddress(mac).orElseThrow());
    assertEquals(moved, store.byClient(ClientKey.ofHardware(1, mac)).orElseThrow());
    assertEquals(
        List.of("127.16.0.10", "127.17.0.10"),
        addresses(LeaseFilter.builder().hardwareAddress(mac)));
  }

  @Test
  void aRemoteIdFindsTheLeasesBehindTheModemAndTheStateFilters() {
    store.put(lease("127.17.0.10", "02:00:00:00:01:01", null, "", "00:11:22:33:44:55", null));
    store.put(lease("127.17.0.11", "02:00:00:00:01:02", null, "", "00:11:22:33:44:55", null));
    store.put(lease("127.17.0.12", "02:00:00:00:01:03", null, "", "00:11:22:33:44:66", null));
    store.put(
        store
            .byAddress(Ipv4Address.parse("127.17.0.11"))
            .orElseThrow()
            .withState(LeaseState.RELEASED, NOW));
    assertEquals(
        List.of("127.17.0.10", "127.17.0.11"),
        addresses(LeaseFilter.builder().remoteId(hex("00:11:22:33:44:55"))));
    assertEquals(
        List.of("127.17.0.10"),
        addresses(
            LeaseFilter.builder().remoteId(hex("00:11:22:33:44:55")).state(LeaseState.BOUND)));
    // The address passes to a client behind another modem: it leaves the first modem's list.
    store.put(lease("127.17.0.10", "02:00:00:00:01:09", null, "", "00:11:22:33:44:66", null));
    assertEquals(
        List.of("127.17.0.11"),
        addresses(LeaseFilter.builder().remoteId(hex("00:11:22:33:44:55"))));
  }

  @Test
  void clientIdCircuitIdAndHostNameFind() {
    store.put(
        lease(
            "127.16.0.10",
            "02:00:00:00:00:01",
            hex("01:02:00:00:00:00:01"),
            "Alice-PC",
            null,
            "cmts1 3/0/1:2"));
    store.put(lease("127.16.0.11", "02:00:00:00:00:02", null, "bob-phone", null, "cmts1 3/0/1:3"));
    assertEquals(
        List.of("127.16.0.10"),
        addresses(LeaseFilter.builder().clientId(hex("01:02:00:00:00:00:01"))));
    assertEquals(
        List.of("127.16.0.11"),
        addresses(
            LeaseFilter.builder().circuitId("cmts1 3/0/1:3".getBytes(StandardCharsets.US_ASCII))));
    assertEquals(List.of("127.16.0.10"), addresses(LeaseFilter.builder().hostname("alice")));
    assertEquals(
        List.of("127.16.0.10", "127.16.0.11"), addresses(LeaseFilter.builder().hostname("-")));
  }

  @Test
  void aPoolsRangeAndTheLimitKeepTheLowestAddresses() {
    for (int i = 250; i >= 1; i--) {
      store.put(lease("127.16.0." + i, String.format("02:00:00:00:00:%02x", i)));
    }
    store.put(lease("127.17.0.1", "02:00:00:00:01:01"));
    assertEquals(
        List.of("127.16.0.1", "127.16.0.2", "127.16.0.3"),
        addresses(LeaseFilter.builder().limit(3)));
    assertEquals(
        List.of("127.16.0.100", "127.16.0.101"),
        addresses(
            LeaseFilter.builder().range(Ipv4Range.parse("127.16.0.100-127.16.0.101")).limit(10)));
    assertEquals(
        List.of("127.17.0.1"),
        addresses(LeaseFilter.builder().range(Ipv4Range.parse("127.17.0.0-127.17.255.255"))));
    assertEquals(251, store.find(LeaseFilter.builder().limit(100_000).build()).size());
  }

  @Test
  void theOldSearchStillAnswers() {
    store.put(lease("127.16.0.10", "02:00:00:00:00:01"));
    assertEquals(1, store.find(null, hex("02:00:00:00:00:01"), LeaseState.BOUND, 10).size());
    assertEquals(0, store.find(null, null, LeaseState.EXPIRED, 10).size());
  }
}
