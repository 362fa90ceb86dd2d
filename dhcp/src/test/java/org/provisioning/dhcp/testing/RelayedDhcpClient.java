package org.provisioning.dhcp.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
 * Plays a relay agent on loopback for numbered clients against one server: it sends their requests
 * with its own address as giaddr and reads the replies the server sends back to it (RFC 2131 §4.1:
 * to giaddr, at the server's port). Client {@code n} has the hardware address {@link #mac(int)
 * mac(n)} and uses {@code n} as its transaction id. Every wait ends at an absolute deadline ({@link
 * System#currentTimeMillis}), so a test bounds a whole scenario with one.
 *
 * <p>Shared by the failover tests and the distribution's integration tests (dhcp's test-jar).
 */
public final class RelayedDhcpClient implements AutoCloseable {
  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final Ipv4Address relay;
  private final DhcpEncoder encoder = new DhcpEncoder();
  private final DhcpDecoder decoder = new DhcpDecoder();

  /** Binds the relay's address at the server's port, where relayed replies go. */
  public RelayedDhcpClient(Ipv4Address relay, InetSocketAddress server) throws IOException {
    this.relay = relay;
    this.server = server;
    this.socket =
        new DatagramSocket(new InetSocketAddress(relay.toInetAddress(), server.getPort()));
    this.socket.setSoTimeout(100);
  }

  public static byte[] mac(int n) {
    return new byte[] {2, 0, 0, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  /** A deadline {@code millis} from now. */
  public static long in(long millis) {
    return System.currentTimeMillis() + millis;
  }

  /**
   * Runs DISCOVER-OFFER-REQUEST-ACK for clients 0..count-1, a window at a time.
   *
   * @return the address each acknowledged client got, by client number
   */
  public Map<Integer, Ipv4Address> bindAll(int count, int window, long deadlineMillis)
      throws IOException {
    return bindRange(0, count, window, deadlineMillis);
  }

  /**
   * Runs DISCOVER-OFFER-REQUEST-ACK for clients from..to-1, a window at a time (a window of 1: one
   * client after the other). Each REQUEST names the server that made its offer (option 54).
   *
   * @return the address each acknowledged client got, by client number, in the order of the ACKs
   */
  public Map<Integer, Ipv4Address> bindRange(int from, int to, int window, long deadlineMillis)
      throws IOException {
    Map<Integer, Ipv4Address> acked = new LinkedHashMap<>();
    for (int start = from;
        start < to && System.currentTimeMillis() < deadlineMillis;
        start += window) {
      int end = Math.min(to, start + window);
      for (int n = start; n < end; n++) {
        send(message(n, DhcpMessageType.DISCOVER, DhcpOptions.builder()));
      }
      Set<Integer> clients = new HashSet<>();
      for (int n = start; n < end; n++) {
        clients.add(n);
      }
      Map<Integer, DhcpMessage> offers = collect(DhcpMessageType.OFFER, clients, deadlineMillis);
      for (DhcpMessage offer : offers.values()) {
        send(request(offer, DhcpOptions.builder()));
      }
      collect(DhcpMessageType.ACK, offers.keySet(), deadlineMillis)
          .forEach((n, ack) -> acked.put(n, ack.yourAddress()));
    }
    return acked;
  }

  /** Binds client {@code n} alone; the acknowledged address, or null if no ACK came. */
  public Ipv4Address bind(int n, long deadlineMillis) throws IOException {
    return bind(n, null, null, null, null, deadlineMillis);
  }

  /**
   * Binds client {@code n} alone, sending {@code hostname} as option 12 in its DISCOVER and
   * REQUEST.
   *
   * @return the acknowledged address, or null if no ACK came
   */
  public Ipv4Address bind(int n, String hostname, long deadlineMillis) throws IOException {
    return bind(n, hostname, null, null, null, deadlineMillis);
  }

  /**
   * Binds client {@code n} alone as {@link #bind(int, String, long)} does, with a vendor class
   * (option 60) and the relay agent information a CMTS adds (option 82: circuit-id, remote-id),
   * each left out when null.
   */
  public Ipv4Address bind(
      int n,
      String hostname,
      String vendorClass,
      byte[] circuitId,
      byte[] remoteId,
      long deadlineMillis)
      throws IOException {
    send(
        message(n, DhcpMessageType.DISCOVER, identity(hostname, vendorClass, circuitId, remoteId)));
    DhcpMessage offer = collect(DhcpMessageType.OFFER, Set.of(n), deadlineMillis).get(n);
    if (offer == null) {
      return null;
    }
    send(request(offer, identity(hostname, vendorClass, circuitId, remoteId)));
    DhcpMessage ack = collect(DhcpMessageType.ACK, Set.of(n), deadlineMillis).get(n);
    return ack == null ? null : ack.yourAddress();
  }

  /**
   * An INIT-REBOOT REQUEST (RFC 2131 §4.3.2: no server identifier, the address in option 50): the
   * reply's type, NAK if the address is not the client's, or null if none came.
   */
  public DhcpMessageType reboot(int n, Ipv4Address address, long deadlineMillis)
      throws IOException {
    send(
        message(
            n,
            DhcpMessageType.REQUEST,
            DhcpOptions.builder().ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address)));
    DhcpMessage reply = collect(null, Set.of(n), deadlineMillis).get(n);
    return reply == null ? null : reply.messageType();
  }

  /**
   * Client {@code n} gives its address back (DHCPRELEASE, which gets no reply) to the server at the
   * address this client sends to.
   */
  public void release(int n, Ipv4Address address) throws IOException {
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
                    .ipv4Address(
                        DhcpOptionCode.SERVER_IDENTIFIER, Ipv4Address.of(server.getAddress()))
                    .build())
            .build());
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

  /** The REQUEST (SELECTING) that takes an offer, from the server that made it. */
  private DhcpMessage request(DhcpMessage offer, DhcpOptions.Builder options) {
    return message(
        offer.transactionId(),
        DhcpMessageType.REQUEST,
        options
            .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offer.yourAddress())
            .ipv4Address(
                DhcpOptionCode.SERVER_IDENTIFIER,
                offer.options().serverIdentifier().orElseThrow()));
  }

  /**
   * The replies of a type (any type when null) to these transactions, by transaction id, until each
   * came, the deadline passed or five seconds went by without them all. Late replies to earlier
   * transactions are passed over.
   */
  private Map<Integer, DhcpMessage> collect(
      DhcpMessageType type, Set<Integer> transactions, long deadlineMillis) throws IOException {
    Map<Integer, DhcpMessage> replies = new HashMap<>();
    byte[] buffer = new byte[1500];
    long windowDeadline = Math.min(deadlineMillis, in(5_000));
    while (replies.size() < transactions.size() && System.currentTimeMillis() < windowDeadline) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        continue;
      }
      DhcpMessage reply = decoder.decode(buffer, 0, packet.getLength());
      if ((type == null || reply.messageType() == type)
          && transactions.contains(reply.transactionId())) {
        replies.put(reply.transactionId(), reply);
      }
    }
    return replies;
  }

  private DhcpMessage message(int n, DhcpMessageType type, DhcpOptions.Builder options) {
    return relayed(mac(n), n, relay, type, options);
  }

  /**
   * A request of an Ethernet client with this hardware address, the transaction id {@code n}, as
   * the relay agent at {@code relay} forwards it (giaddr, one hop).
   */
  public static DhcpMessage relayed(
      byte[] mac, int n, Ipv4Address relay, DhcpMessageType type, DhcpOptions.Builder options) {
    return DhcpMessage.builder()
        .op(BootOp.BOOTREQUEST)
        .clientHardwareAddress(HardwareAddress.of(HardwareType.ETHERNET, mac))
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
