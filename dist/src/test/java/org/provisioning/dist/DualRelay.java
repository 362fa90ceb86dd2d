package org.provisioning.dist;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;
import org.provisioning.dhcp.testing.RelayedDhcpClient;

/**
 * A relay agent with two helper addresses, as a CMTS in front of a failover pair has: every request
 * goes to both servers of a {@link ProvisiondPair}, and each reply says which server sent it.
 * Client {@code n} has the hardware address {@link #mac(int) mac(n)} and uses {@code n} as its
 * transaction id.
 *
 * <p>One thread at a time drives whole exchanges ({@link #bind}, {@link #bindVia}, {@link
 * #reboot}); many clients at once are driven by sending with {@link #discover} and {@link #request}
 * from any thread and reading every reply on one thread with {@link #receive}.
 */
final class DualRelay implements AutoCloseable {
  /** The giaddr most tests relay from: the relay of {@link ProvisiondPair#ONE_BIG_POOL}. */
  static final Ipv4Address RELAY = Ipv4Address.parse("127.0.0.2");

  /** Client {@code client} was acknowledged {@code address} by the server at {@code server}. */
  record Ack(int client, Ipv4Address address, String server) {}

  /** A reply from a server, and the server's address. */
  record Reply(DhcpMessage message, String from) {}

  private static final String[] BOTH = {ProvisiondPair.PRIMARY, ProvisiondPair.SECONDARY};

  private final DatagramSocket socket;
  private final int port;
  private final Ipv4Address relay;
  private final DhcpEncoder encoder = new DhcpEncoder();
  private final DhcpDecoder decoder = new DhcpDecoder();
  private final byte[] buffer = new byte[1500];

  DualRelay(int port) throws IOException {
    this(port, RELAY);
  }

  /** A relay agent at another address (giaddr), for another subnet. */
  DualRelay(int port, Ipv4Address relay) throws IOException {
    this.port = port;
    this.relay = relay;
    this.socket = new DatagramSocket(new InetSocketAddress(relay.toInetAddress(), port));
    this.socket.setSoTimeout(50);
  }

  static byte[] mac(int n) {
    return new byte[] {2, 0, 1, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  /** {@link #mac(int)} as the leases API writes it: {@code 02:00:01:..}. */
  static String macText(int n) {
    return HexFormat.ofDelimiter(":").formatHex(mac(n));
  }

  /** A whole DORA for client {@code n} through both helper addresses. */
  Ack bind(int n, long timeoutMillis) throws IOException {
    return bind(n, timeoutMillis, BOTH);
  }

  /** DORA through one helper address only: the client is served by that server or by none. */
  Ack bindVia(String server, int n, long timeoutMillis) throws IOException {
    return bind(n, timeoutMillis, server);
  }

  /**
   * An INIT-REBOOT REQUEST (RFC 2131 §4.3.2) for {@code address}, to both servers: the first
   * reply's type, or null if none came.
   */
  DhcpMessageType reboot(int n, Ipv4Address address, long timeoutMillis) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    rebootRequest(n, address);
    while (System.currentTimeMillis() < deadline) {
      Reply reply = receive();
      if (reply != null && reply.message().transactionId() == n) {
        return reply.message().messageType();
      }
    }
    return null;
  }

  /**
   * Sends client {@code n}'s INIT-REBOOT REQUEST for {@code address} to both servers (again, for a
   * retransmission): a client that holds a lease asking for it again.
   */
  void rebootRequest(int n, Ipv4Address address) throws IOException {
    send(
        message(
            n,
            DhcpMessageType.REQUEST,
            DhcpOptions.builder().ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address)),
        BOTH);
  }

  /** Sends client {@code n}'s DISCOVER to both servers (again, for a retransmission). */
  void discover(int n) throws IOException {
    send(message(n, DhcpMessageType.DISCOVER, DhcpOptions.builder()), BOTH);
  }

  /**
   * Sends client {@code n}'s REQUEST for what {@code offer} offered to both servers, naming the
   * server that offered it (RFC 2131 §3.1: the other server takes that as a decline of its offer).
   */
  void request(int n, DhcpMessage offer) throws IOException {
    request(n, offer, BOTH);
  }

  /**
   * The next reply that reaches the relay, or null when none came within 50 ms. Only one thread may
   * receive.
   */
  Reply receive() throws IOException {
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new Reply(
        decoder.decode(buffer, 0, packet.getLength()), packet.getAddress().getHostAddress());
  }

  private Ack bind(int n, long timeoutMillis, String... servers) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    send(message(n, DhcpMessageType.DISCOVER, DhcpOptions.builder()), servers);
    Reply offer = await(n, DhcpMessageType.OFFER, deadline);
    if (offer == null) {
      return null;
    }
    request(n, offer.message(), servers);
    Reply ack = await(n, DhcpMessageType.ACK, deadline);
    return ack == null ? null : new Ack(n, ack.message().yourAddress(), ack.from());
  }

  private void request(int n, DhcpMessage offer, String... servers) throws IOException {
    send(
        message(
            n,
            DhcpMessageType.REQUEST,
            DhcpOptions.builder()
                .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offer.yourAddress())
                .ipv4Address(
                    DhcpOptionCode.SERVER_IDENTIFIER,
                    offer.options().serverIdentifier().orElseThrow())),
        servers);
  }

  private Reply await(int xid, DhcpMessageType type, long deadline) throws IOException {
    while (System.currentTimeMillis() < deadline) {
      Reply reply = receive();
      if (reply != null
          && reply.message().transactionId() == xid
          && reply.message().messageType() == type) {
        return reply;
      }
    }
    return null;
  }

  private DhcpMessage message(int n, DhcpMessageType type, DhcpOptions.Builder options) {
    return RelayedDhcpClient.relayed(mac(n), n, relay, type, options);
  }

  /** Encodes under a lock: the senders of {@link #discover} and {@link #request} may differ. */
  private void send(DhcpMessage message, String... servers) throws IOException {
    byte[] bytes;
    synchronized (encoder) {
      bytes = encoder.encode(message);
    }
    for (String server : servers) {
      socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(server, port)));
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
