package org.provisioning.tftp.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.provisioning.tftp.codec.TftpCodec;
import org.provisioning.tftp.message.TftpPacket;

/** A datagram socket that speaks raw TFTP, for what no ready-made client does on purpose. */
final class RawClient implements AutoCloseable {
  final DatagramSocket socket;

  record Received(TftpPacket packet, int port) {}

  RawClient() throws IOException {
    this(InetAddress.getLoopbackAddress());
  }

  /** A client on another loopback address (127.0.0.2...): another host, as the server sees it. */
  RawClient(InetAddress address) throws IOException {
    socket = new DatagramSocket(0, address);
    socket.setSoTimeout(2000);
  }

  void send(int port, byte[] datagram) throws IOException {
    socket.send(
        new DatagramPacket(
            datagram,
            datagram.length,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
  }

  void send(int port, TftpPacket packet) throws IOException {
    send(port, TftpCodec.encode(packet));
  }

  Received receive() throws Exception {
    byte[] buffer = new byte[70_000];
    DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
    socket.receive(datagram);
    return new Received(TftpCodec.decode(buffer, datagram.getLength()), datagram.getPort());
  }

  /** The next packet, or null if none comes within {@code millis}. */
  Received receiveWithin(int millis) throws Exception {
    socket.setSoTimeout(millis);
    try {
      return receive();
    } catch (SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(2000);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
