package org.provisioning.dhcp.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigException;
import org.provisioning.common.config.DhcpConfig;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.ManualClock;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.message.BootOp;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.message.HardwareAddress;
import org.provisioning.dhcp.message.HardwareType;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;

/**
 * An engine on a cable headend's config, a clock the test moves, and an in-process client that
 * speaks the exchanges (the way Kea's Dhcp4Client serves its scenario tests).
 */
final class EngineHarness {
  static final String CONFIG =
      """
      server: {id: 1}
      dhcp:
        enabled: true
        listen: 127.0.0.1
        port: 1067
        serverIdentifier: 127.20.0.1
        offerHoldSeconds: 30
        declineQuarantineSeconds: 600
        options: {dnsServers: [127.0.0.53], domainName: example.net}
        classes:
          - name: cable-modem
            role: modem
            match: {vendorClassPrefix: docsis, reserved: true}
            leaseTime: 604800
            options:
              bootFile: "cm-{mac}.cfg"
              nextServer: 127.0.0.69
              tftpServers: [127.0.0.69]
              timeServers: [127.0.0.37]
          - name: unknown-modem
            role: modem
            match: {vendorClassPrefix: docsis}
            options: {bootFile: walled-garden.cfg, nextServer: 127.0.0.69}
          - name: emta
            role: mta
            match: {vendorClassPrefix: pktc}
            options: {bootFile: "mta-{mac}.bin", raw: {122: "06:09:05:42:41:53:49:43:01:31:00"}}
          - name: cpe
            match: {modemKnown: true}
        subnets:
          - subnet: 127.16.0.0/24
            relays: [127.16.0.1]
            options: {routers: [127.16.0.1]}
            pools:
              - {name: modems, range: 127.16.0.10-127.16.0.19, classes: [cable-modem]}
              - {name: garden, range: 127.16.0.200-127.16.0.201, classes: [unknown-modem]}
          - subnet: 127.17.0.0/24
            relays: [127.16.0.1]
            options: {routers: [127.17.0.1]}
            pools:
              - {name: cpe, range: 127.17.0.10-127.17.0.29, classes: [cpe]}
          - subnet: 127.18.0.0/24
            relays: [127.16.0.1]
            pools:
              - {name: mta, range: 127.18.0.10-127.18.0.50, classes: [emta]}
          - subnet: 127.20.0.0/24
            options: {routers: [127.20.0.1]}
            pools:
              - {name: local, range: 127.20.0.100-127.20.0.109, warningPercent: 50, criticalPercent: 80}
        reservations:
          - {mac: "00:10:95:00:00:01", hostname: modem-1}
          - {mac: "00:10:95:00:00:02"}
          - {mac: "00:10:95:00:00:03", address: 127.16.0.15}
          - {mac: "00:10:95:00:00:66", blocked: true}
        policies: {maxCpePerModem: 2}
      """;

  static final Ipv4Address SERVER_ID = Ipv4Address.parse("127.20.0.1");
  static final Ipv4Address CMTS = Ipv4Address.parse("127.16.0.1");

  final ManualClock clock;
  final MemoryLeaseStore store;
  final StatisticsRegistry registry = new StatisticsRegistry();
  final AlertCenter alerts;
  final DhcpEngine engine;
  private final String config;

  /** Every lease change the engine asked to make durable, in order. */
  final List<LeaseRecord> journal = new ArrayList<>();

  EngineHarness() {
    this(CONFIG);
  }

  EngineHarness(String config) {
    this(config, new MemoryLeaseStore(), new ManualClock(Instant.parse("2026-11-25T12:00:00Z")));
  }

  private EngineHarness(String config, MemoryLeaseStore store, ManualClock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.alerts = new AlertCenter(clock, 100);
    engine =
        new DhcpEngine(dhcp(config), 1, store, clock, clock, new DhcpStatistics(registry), alerts);
  }

  /**
   * The server after a restart: a new engine, statistics and alerts on this one's lease store (as
   * the journal's replay leaves it) and clock.
   */
  EngineHarness restarted() {
    return new EngineHarness(config, store, clock);
  }

  static DhcpConfig dhcp(String config) {
    try {
      return new ConfigCodec().parse(config).dhcp();
    } catch (ConfigException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  Optional<DhcpOutcome> send(DhcpMessage request) {
    Optional<DhcpOutcome> outcome =
        engine.handle(
            request,
            new DhcpRequestContext(
                request.isRelayed()
                    ? request.relayAgentAddress()
                    : Ipv4Address.parse("127.20.0.50"),
                request.isRelayed() ? 1067 : 1068));
    outcome.map(DhcpOutcome::leaseChange).ifPresent(journal::add);
    return outcome;
  }

  DhcpMessage reply(DhcpMessage request) {
    Optional<DhcpOutcome> outcome = send(request);
    assertTrue(
        outcome.isPresent() && outcome.get().reply() != null,
        "a reply to " + request.messageType());
    return outcome.get().reply();
  }

  long counter(String name) {
    return registry.snapshot().getOrDefault(name, 0L);
  }

  Client client(String mac) {
    return new Client(mac);
  }

  /** A DHCP client with one MAC, behind a relay or on the server's own link. */
  final class Client {
    final byte[] mac;
    Ipv4Address relay = Ipv4Address.ANY;
    String vendorClass;
    byte[] remoteId;
    byte[] circuitId;
    byte[] clientId;
    int xid = ThreadLocalRandom.current().nextInt();

    Client(String mac) {
      this.mac = HexFormat.ofDelimiter(":").parseHex(mac);
    }

    Client behind(Ipv4Address relay) {
      this.relay = relay;
      return this;
    }

    Client vendorClass(String vendorClass) {
      this.vendorClass = vendorClass;
      return this;
    }

    /** Option 82 as a CMTS adds it: the modem's MAC as remote-id. */
    Client relayInfo(String circuitId, String remoteIdMac) {
      this.circuitId = circuitId.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      this.remoteId = HexFormat.ofDelimiter(":").parseHex(remoteIdMac);
      return this;
    }

    Client clientId(byte[] clientId) {
      this.clientId = clientId;
      return this;
    }

    DhcpMessage.Builder message(DhcpMessageType type, Consumer<DhcpOptions.Builder> extra) {
      DhcpOptions.Builder options = DhcpOptions.builder();
      if (vendorClass != null) {
        options.string(DhcpOptionCode.VENDOR_CLASS_IDENTIFIER, vendorClass);
      }
      if (clientId != null) {
        options.bytes(DhcpOptionCode.CLIENT_IDENTIFIER, clientId);
      }
      extra.accept(options);
      if (remoteId != null) {
        byte[] info = new byte[4 + circuitId.length + remoteId.length];
        info[0] = 1;
        info[1] = (byte) circuitId.length;
        System.arraycopy(circuitId, 0, info, 2, circuitId.length);
        info[2 + circuitId.length] = 2;
        info[3 + circuitId.length] = (byte) remoteId.length;
        System.arraycopy(remoteId, 0, info, 4 + circuitId.length, remoteId.length);
        options.bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, info);
      }
      return DhcpMessage.builder()
          .op(BootOp.BOOTREQUEST)
          .clientHardwareAddress(HardwareAddress.of(HardwareType.ETHERNET, mac))
          .transactionId(xid)
          .hops(relay.value() == 0 ? 0 : 1)
          .relayAgentAddress(relay)
          .messageType(type)
          .options(options.build());
    }

    DhcpMessage discover() {
      return message(DhcpMessageType.DISCOVER, o -> {}).build();
    }

    DhcpMessage select(DhcpMessage offer) {
      return message(
              DhcpMessageType.REQUEST,
              o ->
                  o.ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offer.yourAddress())
                      .ipv4Address(
                          DhcpOptionCode.SERVER_IDENTIFIER,
                          offer.options().serverIdentifier().orElseThrow()))
          .build();
    }

    DhcpMessage initReboot(Ipv4Address address) {
      return message(
              DhcpMessageType.REQUEST,
              o -> o.ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address))
          .build();
    }

    /** RENEWING (unicast) and REBINDING (broadcast) look alike to a server: ciaddr set. */
    DhcpMessage renew(Ipv4Address address) {
      return message(DhcpMessageType.REQUEST, o -> {}).clientAddress(address).build();
    }

    DhcpMessage release(Ipv4Address address) {
      return message(
              DhcpMessageType.RELEASE,
              o -> o.ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, SERVER_ID))
          .clientAddress(address)
          .build();
    }

    DhcpMessage decline(Ipv4Address address) {
      return message(
              DhcpMessageType.DECLINE,
              o ->
                  o.ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address)
                      .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, SERVER_ID))
          .build();
    }

    DhcpMessage inform(Ipv4Address address) {
      return message(DhcpMessageType.INFORM, o -> {}).clientAddress(address).build();
    }

    /** DISCOVER, OFFER, REQUEST, ACK; returns the ACK. */
    DhcpMessage dora() {
      DhcpMessage offer = reply(discover());
      assertEquals(DhcpMessageType.OFFER, offer.messageType());
      DhcpMessage ack = reply(select(offer));
      assertEquals(
          DhcpMessageType.ACK, ack.messageType(), () -> ack.options().message().orElse(""));
      return ack;
    }
  }
}
