package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncodeException;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.engine.EngineHarness.Client;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.DhcpOptionCode;

/**
 * An eMTA class with a 400-octet option 43 beside its boot file: the ACK does not fit the 576
 * octets a client takes without option 57, and was not sent at all though its lease was committed.
 * Cut down to what the client asked for, it fits.
 */
class ReplyTrimmingTest {
  private static final String LARGE_43 = HexFormat.ofDelimiter(":").formatHex(new byte[400]);

  private final EngineHarness server =
      new EngineHarness(
          EngineHarness.CONFIG.replace(
              "raw: {122: \"06:09:05:42:41:53:49:43:01:31:00\"}",
              "raw: {122: \"06:09:05:42:41:53:49:43:01:31:00\", 43: \"" + LARGE_43 + "\"}"));

  @Test
  void aReplyTooLargeForItsClientKeepsTheOptionsItAskedFor() throws Exception {
    Client emta =
        server
            .client("00:10:95:aa:00:01")
            .behind(EngineHarness.CMTS)
            .vendorClass("pktc1.5:")
            .relayInfo("cable-1/0/0", "00:10:95:00:00:01");
    DhcpMessage request =
        emta.message(
                DhcpMessageType.DISCOVER,
                o -> o.parameterRequestList(List.of(DhcpOptionCode.ROUTER, DhcpOptionCode.of(122))))
            .build();
    DhcpMessage offer = server.reply(request);
    DhcpEncoder encoder = new DhcpEncoder();
    byte[] out = new byte[1500];
    assertThrows(DhcpEncodeException.class, () -> encoder.encode(offer, 576, out));

    DhcpMessage trimmed = ReplyTrimming.toRequested(offer, request);
    int length = encoder.encode(trimmed, 576, out);
    DhcpMessage sent = new DhcpDecoder().decode(out, 0, length);
    assertEquals(DhcpMessageType.OFFER, sent.messageType());
    assertEquals(offer.yourAddress(), sent.yourAddress());
    assertEquals("mta-001095aa0001.bin", sent.bootFileName());
    assertFalse(sent.options().contains(DhcpOptionCode.of(43)), "not asked for: left out");
    assertTrue(sent.options().contains(DhcpOptionCode.of(122)), "asked for: kept");
    assertTrue(sent.options().contains(DhcpOptionCode.SERVER_IDENTIFIER));
    assertTrue(sent.options().contains(DhcpOptionCode.IP_ADDRESS_LEASE_TIME));
    assertTrue(sent.options().contains(DhcpOptionCode.RELAY_AGENT_INFORMATION), "82 echoed");
  }

  /**
   * The client asked for the large option too: the reply keeps as many of the requested options as
   * fit, leaving out those asked for last. It used to be sent with none of them, or not at all.
   */
  @Test
  void aRequestedOptionThatDoesNotFitIsLeftOutFromTheEndOfTheRequestList() throws Exception {
    Client emta =
        server
            .client("00:10:95:aa:00:02")
            .behind(EngineHarness.CMTS)
            .vendorClass("pktc1.5:")
            .relayInfo("cable-1/0/0", "00:10:95:00:00:01");
    DhcpMessage request =
        emta.message(
                DhcpMessageType.DISCOVER,
                o ->
                    o.parameterRequestList(
                        List.of(
                            DhcpOptionCode.ROUTER, DhcpOptionCode.of(122), DhcpOptionCode.of(43))))
            .build();
    DhcpMessage offer = server.reply(request);
    DhcpEncoder encoder = new DhcpEncoder();
    byte[] out = new byte[1500];
    assertThrows(
        DhcpEncodeException.class,
        () -> encoder.encode(ReplyTrimming.toRequested(offer, request), 576, out),
        "the requested options alone do not fit");

    int length = ReplyTrimming.encodeTrimmed(encoder, offer, request, 576, out);
    DhcpMessage sent = new DhcpDecoder().decode(out, 0, length);
    assertEquals(DhcpMessageType.OFFER, sent.messageType());
    assertFalse(sent.options().contains(DhcpOptionCode.of(43)), "asked for last: left out");
    assertTrue(sent.options().contains(DhcpOptionCode.of(122)), "asked for before it: kept");
    assertTrue(sent.options().contains(DhcpOptionCode.RELAY_AGENT_INFORMATION), "82 echoed");
  }
}
