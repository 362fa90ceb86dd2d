package org.provisioning.dhcp.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends the replies of every thread without any thread waiting for another. The receivers send
 * OFFERs and NAKs as they decide them, the journal writer a burst of ACKs after each fsync; on one
 * {@link DatagramChannel} they would queue on its write lock, and each wait is a park and an
 * unpark: two context switches (dear on a VM) while the receiver's next request waits too.
 *
 * <p>Here a thread that finds another sending leaves a copy of its reply and goes on; the sender
 * sends it before it stops (flat combining). A thread's replies leave in the order it gave them:
 * the queue is sent before a thread's own reply.
 */
final class ReplySender {
  /** What sends one datagram: {@link DatagramChannel#send}, in production. */
  interface Transport {
    void transmit(DatagramChannel from, ByteBuffer datagram, SocketAddress to) throws IOException;
  }

  /** Told of each reply that could not be sent, on the thread that tried. */
  interface Failures {
    void failed(SocketAddress to, IOException e);
  }

  private record HandedOver(DatagramChannel from, ByteBuffer datagram, SocketAddress to) {}

  private final Transport transport;
  private final Failures failures;
  private final AtomicBoolean sending = new AtomicBoolean();
  private final ConcurrentLinkedQueue<HandedOver> handedOver = new ConcurrentLinkedQueue<>();

  ReplySender(Transport transport, Failures failures) {
    this.transport = transport;
    this.failures = failures;
  }

  /**
   * Sends the datagram (its remaining octets) now, or hands a copy to the thread sending: either
   * way it is free for reuse when this returns.
   */
  void send(DatagramChannel from, ByteBuffer datagram, SocketAddress to) {
    if (sending.compareAndSet(false, true)) {
      try {
        sendHandedOver();
        transmit(from, datagram, to);
      } finally {
        sending.set(false);
      }
    } else {
      ByteBuffer copy = ByteBuffer.allocate(datagram.remaining()).put(datagram).flip();
      handedOver.add(new HandedOver(from, copy, to));
    }
    // A copy left while the sender was stopping would wait for the next reply: send it now. Each
    // side writes (the queue, the flag) before it reads the other's, so one of them sees it.
    while (!handedOver.isEmpty() && sending.compareAndSet(false, true)) {
      try {
        sendHandedOver();
      } finally {
        sending.set(false);
      }
    }
  }

  private void sendHandedOver() {
    for (HandedOver reply; (reply = handedOver.poll()) != null; ) {
      transmit(reply.from(), reply.datagram(), reply.to());
    }
  }

  private void transmit(DatagramChannel from, ByteBuffer datagram, SocketAddress to) {
    try {
      transport.transmit(from, datagram, to);
    } catch (IOException e) {
      failures.failed(to, e);
    }
  }
}
