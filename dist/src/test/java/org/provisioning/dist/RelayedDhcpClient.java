package org.provisioning.dist;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.HashMap;
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

/**
 * Plays a relay agent on loopback for many clients at once: it sends their DISCOVERs and REQUESTs
 * with its own address as giaddr and collects the replies the server sends back to it.
 */
final class RelayedDhcpClient implements AutoCloseable {
  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final Ipv4Address relay;
  private final DhcpEncoder encoder = new DhcpEncoder();
  private final DhcpDecoder decoder = new DhcpDecoder();

  /** Binds the relay's address at the server's port, where relayed replies go (RFC 2131 §4.1). */
  RelayedDhcpClient(Ipv4Address relay, InetSocketAddress server) throws IOException {
    this.relay = relay;
    this.server = server;
    this.socket =
        new DatagramSocket(new InetSocketAddress(relay.toInetAddress(), server.getPort()));
    this.socket.setSoTimeout(200);
  }

  static byte[] mac(int n) {
    return new byte[] {2, 0, 0, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  /**
   * Runs DISCOVER-OFFER-REQUEST-ACK for clients 0..count-1, a window at a time.
   *
   * @return the address each acknowledged client got, by client number
   */
  Map<Integer, Ipv4Address> bindAll(int count, int window, long deadlineMillis) throws IOException {
    return bindRange(0, count, window, deadlineMillis);
  }

  /** Runs DISCOVER-OFFER-REQUEST-ACK for clients from..to-1, a window at a time. */
  Map<Integer, Ipv4Address> bindRange(int from, int to, int window, long deadlineMillis)
      throws IOException {
    Map<Integer, Ipv4Address> acked = new LinkedHashMap<>();
    for (int start = from;
        start < to && System.currentTimeMillis() < deadlineMillis;
        start += window) {
      int end = Math.min(to, start + window);
      Map<Integer, Ipv4Address> offered = new HashMap<>();
      for (int n = start; n < end; n++) {
        send(message(n, DhcpMessageType.DISCOVER, DhcpOptions.builder()));
      }
      collect(offered, DhcpMessageType.OFFER, end - start, deadlineMillis);
      for (Map.Entry<Integer, Ipv4Address> offer : offered.entrySet()) {
        send(
            message(
                offer.getKey(),
                DhcpMessageType.REQUEST,
                DhcpOptions.builder()
                    .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offer.getValue())
                    .ipv4Address(
                        DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.parse("127.0.0.1"))));
      }
      collect(acked, DhcpMessageType.ACK, offered.size(), deadlineMillis);
    }
    return acked;
  }

  /**
   * Binds client {@code n} alone, sending {@code hostname} as option 12 in its DISCOVER and
   * REQUEST.
   *
   * @return the acknowledged address, or null if no ACK came
   */
  Ipv4Address bind(int n, String hostname, long deadlineMillis) throws IOException {
    return bind(n, hostname, null, null, null, deadlineMillis);
  }

  /**
   * Binds client {@code n} alone as {@link #bind(int, String, long)} does, with a vendor class
   * (option 60) and the relay agent information a CMTS adds (option 82: circuit-id, remote-id),
   * each left out when null.
   */
  Ipv4Address bind(
      int n,
      String hostname,
      String vendorClass,
      byte[] circuitId,
      byte[] remoteId,
      long deadlineMillis)
      throws IOException {
    Map<Integer, Ipv4Address> offered = new HashMap<>();
    send(
        message(n, DhcpMessageType.DISCOVER, identity(hostname, vendorClass, circuitId, remoteId)));
    collect(offered, DhcpMessageType.OFFER, 1, deadlineMillis);
    if (!offered.containsKey(n)) {
      return null;
    }
    send(
        message(
            n,
            DhcpMessageType.REQUEST,
            identity(hostname, vendorClass, circuitId, remoteId)
                .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offered.get(n))
                .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.parse("127.0.0.1"))));
    Map<Integer, Ipv4Address> acked = new HashMap<>();
    collect(acked, DhcpMessageType.ACK, 1, deadlineMillis);
    return acked.get(n);
  }

  private static DhcpOptions.Builder identity(
      String hostname, String vendorClass, byte[] circuitId, byte[] remoteId) {
    DhcpOptions.Builder options = DhcpOptions.builder();
    if (hostname != null) {
      options.string(DhcpOptionCode.HOST_NAME, hostname);
    }
    if (vendorClass != null) {
      options.string(DhcpOptionCode.VENDOR_CLASS_IDENTIFIER, vendorClass);
    }
    if (circuitId != null || remoteId != null) {
      byte[] circuit = circuitId == null ? new byte[0] : circuitId;
      byte[] remote = remoteId == null ? new byte[0] : remoteId;
      byte[] info = new byte[4 + circuit.length + remote.length];
      info[0] = 1; // RFC 3046: circuit-id
      info[1] = (byte) circuit.length;
      System.arraycopy(circuit, 0, info, 2, circuit.length);
      info[2 + circuit.length] = 2; // remote-id
      info[3 + circuit.length] = (byte) remote.length;
      System.arraycopy(remote, 0, info, 4 + circuit.length, remote.length);
      options.bytes(DhcpOptionCode.RELAY_AGENT_INFORMATION, info);
    }
    return options;
  }

  /** Client {@code n} gives its address back (DHCPRELEASE, which gets no reply). */
  void release(int n, Ipv4Address address) throws IOException {
    send(
        DhcpMessage.builder()
            .op(BootOp.BOOTREQUEST)
            .clientHardwareAddress(HardwareAddress.of(HardwareType.ETHERNET, mac(n)))
            .transactionId(n)
            .hops(1)
            .relayAgentAddress(relay)
            .clientAddress(address)
            .messageType(DhcpMessageType.RELEASE)
            .options(
                DhcpOptions.builder()
                    .ipv4Address(DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.parse("127.0.0.1"))
                    .build())
            .build());
  }

  private void collect(
      Map<Integer, Ipv4Address> into, DhcpMessageType type, int expected, long deadlineMillis)
      throws IOException {
    int got = 0;
    byte[] buffer = new byte[1500];
    long windowDeadline = Math.min(deadlineMillis, System.currentTimeMillis() + 5_000);
    while (got < expected && System.currentTimeMillis() < windowDeadline) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        continue;
      }
      DhcpMessage reply = decoder.decode(buffer, 0, packet.getLength());
      if (reply.messageType() == type) {
        into.put(reply.transactionId(), reply.yourAddress());
        got++;
      }
    }
  }

  private DhcpMessage message(int n, DhcpMessageType type, DhcpOptions.Builder options) {
    return DhcpMessage.builder()
        .op(BootOp.BOOTREQUEST)
        .clientHardwareAddress(HardwareAddress.of(HardwareType.ETHERNET, mac(n)))
        .transactionId(n)
        .hops(1)
        .relayAgentAddress(relay)
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
