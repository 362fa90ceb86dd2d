package org.provisioning.dhcp.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;

class DhcpMessageTest {

  private static final MacAddress MAC = MacAddress.parse("20:e5:2a:b8:15:14");

  private static DhcpMessage discover() {
    return DhcpMessage.builder()
        .clientHardwareAddress(HardwareAddress.ethernet(MAC))
        .transactionId(0x5d05478d)
        .hops(1)
        .secondsElapsed(4)
        .broadcast(true)
        .relayAgentAddress(Ipv4Address.parse("10.254.226.1"))
        .messageType(DhcpMessageType.DISCOVER)
        .options(
            DhcpOptions.builder()
                .bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, new byte[] {1, 1, 7})
                .build())
        .build();
  }

  @Test
  void builderSetsTheMessageTypeInOption53() {
    DhcpMessage m = discover();
    assertEquals(DhcpMessageType.DISCOVER, m.messageType());
    assertEquals(1, m.options().uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE).getAsInt());
    assertTrue(m.options().contains(DhcpOptionCode.RELAY_AGENT_INFORMATION));
    assertTrue(m.isBroadcast());
    assertTrue(m.isRelayed());
    assertEquals(BootOp.BOOTREQUEST, m.op());
  }

  @Test
  void replyCopiesTheFieldsRfc2131Table3Copies() {
    DhcpMessage request = discover();
    DhcpMessage offer =
        request
            .replyBuilder(DhcpMessageType.OFFER)
            .yourAddress(Ipv4Address.parse("10.254.226.10"))
            .build();
    assertEquals(BootOp.BOOTREPLY, offer.op());
    assertEquals(DhcpMessageType.OFFER, offer.messageType());
    assertEquals(request.transactionId(), offer.transactionId());
    assertEquals(request.flags(), offer.flags());
    assertEquals(request.relayAgentAddress(), offer.relayAgentAddress());
    assertEquals(request.clientHardwareAddress(), offer.clientHardwareAddress());
    assertEquals(0, offer.hops());
    assertEquals(0, offer.secondsElapsed());
    assertEquals(Ipv4Address.ANY, offer.clientAddress());
    assertFalse(offer.options().contains(DhcpOptionCode.RELAY_AGENT_INFORMATION));
  }

  @Test
  void toBuilderMakesANewMessageAndLeavesTheOldOne() {
    DhcpMessage m = discover();
    DhcpMessage changed = m.toBuilder().broadcast(false).hops(2).build();
    assertTrue(m.isBroadcast());
    assertFalse(changed.isBroadcast());
    assertEquals(2, changed.hops());
    assertEquals(m.options(), changed.options());
    assertNotSame(m, changed);
    assertEquals(m, m.toBuilder().build());
  }

  @Test
  void aMessageNeedsAKnownType() {
    assertThrows(IllegalArgumentException.class, () -> DhcpMessage.builder().build());
    DhcpOptions unknownType =
        DhcpOptions.builder().uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, 99).build();
    assertThrows(
        IllegalArgumentException.class, () -> DhcpMessage.builder().options(unknownType).build());
  }

  @Test
  void headerFieldsMustFitTheirWidth() {
    DhcpMessage.Builder b = discover().toBuilder();
    assertThrows(IllegalArgumentException.class, () -> b.hops(256).build());
    assertThrows(
        IllegalArgumentException.class, () -> discover().toBuilder().secondsElapsed(65536).build());
    assertThrows(IllegalArgumentException.class, () -> discover().toBuilder().flags(-1).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> discover().toBuilder().serverName("x".repeat(65)).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> discover().toBuilder().bootFileName("x".repeat(129)).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> discover().toBuilder().bootFileName("a\u0000b").build());
  }
}
