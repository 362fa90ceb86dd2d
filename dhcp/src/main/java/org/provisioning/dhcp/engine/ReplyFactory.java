package org.provisioning.dhcp.engine;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.provisioning.common.config.DhcpOptionsConfig;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.engine.ServingPlan.Reservation;
import org.provisioning.dhcp.engine.ServingPlan.SubnetPlan;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;
import org.provisioning.dhcp.option.VendorIdentifyingOptions;

/**
 * Builds OFFER, ACK and NAK replies. The options a reply carries depend only on its subnet and the
 * client's class (and, rarely, a reservation), so they are prepared once per pair and reused: a
 * reply then costs a copy plus the per-client parts (boot file with the MAC, option 82 and 61
 * echoes).
 */
final class ReplyFactory {
  private final ServingPlan plan;
  private final Map<Long, Prepared> prepared = new HashMap<>();

  /** The pair asked for last, found without boxing its key: most replies repeat it. */
  private long lastKey;

  private Prepared lastPrepared;

  ReplyFactory(ServingPlan plan) {
    this.plan = plan;
  }

  DhcpMessage reply(
      DhcpMessage request,
      DhcpMessageType type,
      Ipv4Address address,
      SubnetPlan subnet,
      DeviceClass cls,
      Reservation reservation,
      long leaseTime,
      UnaryOperator<String> bootFileNamer) {
    Prepared base = prepared(subnet, cls, reservation, true, leaseTime);
    String bootFile = base.bootFile(request);
    if (bootFile != null) {
      bootFile = bootFileNamer.apply(bootFile);
    }
    DhcpOptions options = base.options(type);
    if (bootFile != null) {
      options = options.toBuilder().string(DhcpOptionCode.BOOTFILE_NAME, bootFile).build();
    }
    return request
        .replyBuilder(type)
        .yourAddress(address)
        .nextServerAddress(base.nextServer)
        .bootFileName(fileField(bootFile))
        .options(echoed(request, options))
        .build();
  }

  /** The ACK to an INFORM: configuration only, no lease (RFC 2131 §4.3.5). */
  DhcpMessage informReply(
      DhcpMessage request, SubnetPlan subnet, DeviceClass cls, Reservation reservation) {
    Prepared base = prepared(subnet, cls, reservation, false, 0);
    DhcpOptions.Builder options = base.options(DhcpMessageType.ACK).toBuilder();
    String bootFile = base.bootFile(request);
    if (bootFile != null) {
      options.string(DhcpOptionCode.BOOTFILE_NAME, bootFile);
    }
    return request
        .replyBuilder(DhcpMessageType.ACK)
        .clientAddress(request.clientAddress())
        .nextServerAddress(base.nextServer)
        .bootFileName(fileField(bootFile))
        .options(echoed(request, options.build()))
        .build();
  }

  /** The {@code file} field holds 128 octets; a longer name travels in option 67 alone. */
  private static String fileField(String bootFile) {
    return bootFile == null || bootFile.length() > DhcpMessage.BOOT_FILE_NAME_LENGTH
        ? ""
        : bootFile;
  }

  DhcpOptions nakOptions(DhcpMessage request, String message) {
    return echoed(
        request,
        DhcpOptions.builder()
            .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, plan.serverIdentifier)
            .string(DhcpOptionCode.MESSAGE, message)
            .build());
  }

  /**
   * The reply's options with the request's own echoed: option 82 unchanged (RFC 3046 §2.2), option
   * 118 (RFC 3011 §2: a client that asked for a subnet discards a reply without it), option 61 too
   * if asked (RFC 6842). Each echoed option costs one copy of the collection; a request without
   * them, none.
   */
  private DhcpOptions echoed(DhcpMessage request, DhcpOptions options) {
    DhcpOptions echoed =
        options
            .withCopyOf(DhcpOptionCode.RELAY_AGENT_INFORMATION, request.options())
            .withCopyOf(DhcpOptionCode.SUBNET_SELECTION, request.options());
    if (plan.config.policies().echoClientId()) {
      echoed = echoed.withCopyOf(DhcpOptionCode.CLIENT_IDENTIFIER, request.options());
    }
    return echoed;
  }

  private Prepared prepared(
      SubnetPlan subnet, DeviceClass cls, Reservation reservation, boolean lease, long leaseTime) {
    if (reservation != null && reservation.options() != DhcpOptionsConfig.NONE) {
      return prepare(subnet, cls, reservation.options(), lease, leaseTime);
    }
    long key =
        ((long) subnet.index() << 32)
            | ((cls == null ? 0xffff : cls.index()) << 1)
            | (lease ? 1 : 0);
    if (key == lastKey && lastPrepared != null) {
      return lastPrepared;
    }
    Prepared cached = prepared.get(key);
    if (cached == null) {
      cached = prepare(subnet, cls, DhcpOptionsConfig.NONE, lease, leaseTime);
      prepared.put(key, cached);
    }
    lastKey = key;
    lastPrepared = cached;
    return cached;
  }

  private Prepared prepare(
      SubnetPlan subnet,
      DeviceClass cls,
      DhcpOptionsConfig reservationOptions,
      boolean lease,
      long leaseTime) {
    DhcpOptionsConfig values =
        reservationOptions.over(
            cls == null ? subnet.options() : cls.options().over(subnet.options()));
    DhcpOptions.Builder options =
        DhcpOptions.builder().ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, plan.serverIdentifier);
    if (lease) {
      options
          .uint32(DhcpOptionCode.IP_ADDRESS_LEASE_TIME, leaseTime)
          .uint32(DhcpOptionCode.RENEWAL_TIME, leaseTime / 2)
          .uint32(DhcpOptionCode.REBINDING_TIME, leaseTime * 7 / 8);
    }
    options.ipv4Address(DhcpOptionCode.SUBNET_MASK, subnet.subnet().netmask());
    addresses(options, DhcpOptionCode.ROUTER, values.routers());
    addresses(options, DhcpOptionCode.DOMAIN_NAME_SERVER, values.dnsServers());
    addresses(options, DhcpOptionCode.TIME_SERVER, values.timeServers());
    addresses(options, DhcpOptionCode.LOG_SERVER, values.logServers());
    addresses(options, DhcpOptionCode.NTP_SERVERS, values.ntpServers());
    if (values.domainName() != null) {
      options.string(DhcpOptionCode.DOMAIN_NAME, values.domainName());
    }
    if (values.timeOffset() != null) {
      options.int32(DhcpOptionCode.TIME_OFFSET, values.timeOffset());
    }
    if (values.tftpServer() != null) {
      options.string(DhcpOptionCode.TFTP_SERVER_NAME, values.tftpServer());
    }
    if (values.tftpServers() != null && !values.tftpServers().isEmpty()) {
      options.bytes(
          DhcpOptionCode.V_I_VENDOR_SPECIFIC_INFORMATION,
          cableLabsTftpServers(values.tftpServers()));
    }
    values
        .raw()
        .forEach((code, hex) -> options.bytes(DhcpOptionCode.of(code), Octets.parseHex(hex)));
    String bootFile = values.bootFile();
    return new Prepared(
        options,
        new DhcpOptions[DhcpMessageType.values().length],
        bootFile,
        bootFile != null && bootFile.contains("{mac}"),
        values.nextServer() == null
            ? Ipv4Address.ANY
            : values.nextServer().resolve(plan.serverIdentifier));
  }

  private static void addresses(
      DhcpOptions.Builder options, DhcpOptionCode code, List<Ipv4Address> addresses) {
    if (addresses != null && !addresses.isEmpty()) {
      options.ipv4Addresses(code, addresses);
    }
  }

  /**
   * Option 125 with enterprise 4491 (CableLabs) and its sub-option 2, the TFTP servers a DOCSIS 3.0
   * modem asks for (RFC 3925 §4).
   */
  static byte[] cableLabsTftpServers(List<Ipv4Address> servers) {
    int subLength = 4 * servers.size();
    ByteBuffer value = ByteBuffer.allocate(4 + 1 + 2 + subLength);
    value.putInt((int) VendorIdentifyingOptions.CABLELABS);
    value.put((byte) (2 + subLength));
    value.put((byte) 2).put((byte) subLength);
    for (Ipv4Address server : servers) {
      value.putInt(server.value());
    }
    return value.array();
  }

  /**
   * The options of one (subnet, class) pair, built once per message type with its option 53: a
   * reply whose options carry its type is not copied again to add it.
   */
  private record Prepared(
      DhcpOptions.Builder common,
      DhcpOptions[] byType,
      String bootFileTemplate,
      boolean perClient,
      Ipv4Address nextServer) {

    DhcpOptions options(DhcpMessageType type) {
      DhcpOptions options = byType[type.ordinal()];
      if (options == null) {
        options = common.uint8(DhcpOptionCode.DHCP_MESSAGE_TYPE, type.code()).build();
        byType[type.ordinal()] = options;
      }
      return options;
    }

    /** The boot file for this client: {@code {mac}} becomes 12 lowercase hex digits. */
    String bootFile(DhcpMessage request) {
      if (!perClient) {
        return bootFileTemplate;
      }
      String mac = HexFormat.of().formatHex(request.clientHardwareAddress().toBytes());
      return bootFileTemplate.replace("{mac}", mac);
    }
  }
}
