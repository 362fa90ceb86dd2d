package org.provisioning.dhcp.failover;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.message.BootOp;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.message.HardwareAddress;
import org.provisioning.dhcp.message.HardwareType;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;

/** A relay agent on loopback that runs DORA for numbered clients against one server. */
final class DhcpRelay implements AutoCloseable {
  static final Ipv4Address RELAY = Ipv4Address.parse("127.0.0.2");
  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final DhcpEncoder encoder = new DhcpEncoder();
  private final DhcpDecoder decoder = new DhcpDecoder();

  DhcpRelay(InetSocketAddress server) throws IOException {
    this.server = server;
    this.socket =
        new DatagramSocket(new InetSocketAddress(RELAY.toInetAddress(), server.getPort()));
    this.socket.setSoTimeout(100);
  }

  static byte[] mac(int n) {
    return new byte[] {2, 0, 0, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  /** DORA for one client; the ACKed address, or null if no ACK came within the timeout. */
  Ipv4Address bind(int n, long timeoutMillis) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    send(message(n, DhcpMessageType.DISCOVER, DhcpOptions.builder()));
    DhcpMessage offer = await(n, DhcpMessageType.OFFER, deadline);
    if (offer == null) {
      return null;
    }
    send(
        message(
            n,
            DhcpMessageType.REQUEST,
            DhcpOptions.builder()
                .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offer.yourAddress())
                .ipv4Address(
                    DhcpOptionCode.SERVER_IDENTIFIER,
                    offer.options().serverIdentifier().orElseThrow())));
    DhcpMessage ack = await(n, DhcpMessageType.ACK, deadline);
    return ack == null ? null : ack.yourAddress();
  }

  /**
   * An INIT-REBOOT REQUEST (RFC 2131 §4.3.2: no server identifier, the address in option 50): the
   * reply's type, NAK if the address is not the client's, or null if none came.
   */
  DhcpMessageType reboot(int n, Ipv4Address address, long timeoutMillis) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    send(
        message(
            n,
            DhcpMessageType.REQUEST,
            DhcpOptions.builder().ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address)));
    byte[] buffer = new byte[1500];
    while (System.currentTimeMillis() < deadline) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        continue;
      }
      DhcpMessage reply = decoder.decode(buffer, 0, packet.getLength());
      if (reply.transactionId() == n) {
        return reply.messageType();
      }
    }
    return null;
  }

  /** Binds clients from..to-1 one after another. */
  Map<Integer, Ipv4Address> bindAll(int from, int to, long timeoutMillis) throws IOException {
    Map<Integer, Ipv4Address> acked = new LinkedHashMap<>();
    for (int n = from; n < to; n++) {
      Ipv4Address address = bind(n, timeoutMillis);
      if (address != null) {
        acked.put(n, address);
      }
    }
    return acked;
  }

  private DhcpMessage await(int xid, DhcpMessageType type, long deadline) throws IOException {
    byte[] buffer = new byte[1500];
    while (System.currentTimeMillis() < deadline) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        continue;
      }
      DhcpMessage reply = decoder.decode(buffer, 0, packet.getLength());
      if (reply.transactionId() == xid && reply.messageType() == type) {
        return reply;
      }
    }
    return null;
  }

  private DhcpMessage message(int n, DhcpMessageType type, DhcpOptions.Builder options) {
    return DhcpMessage.builder()
        .op(BootOp.BOOTREQUEST)
        .clientHardwareAddress(HardwareAddress.of(HardwareType.ETHERNET, mac(n)))
        .transactionId(n)
        .hops(1)
        .relayAgentAddress(RELAY)
        .messageType(type)
        .options(options.build())
        .build();
  }

  private void send(DhcpMessage message) throws IOException {
    byte[] bytes = encoder.encode(message);
    socket.send(new DatagramPacket(bytes, bytes.length, server));
  }

  @Override
  public void close() {
    socket.close();
  }
}
