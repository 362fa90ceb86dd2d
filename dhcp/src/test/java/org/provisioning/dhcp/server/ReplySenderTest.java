package org.provisioning.dhcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplySenderTest {
  private static final SocketAddress RELAY = new InetSocketAddress("127.0.0.2", 67);

  /** What the transport sent, and on which thread. */
  private final List<String> sent = Collections.synchronizedList(new ArrayList<>());

  private final List<SocketAddress> failed = Collections.synchronizedList(new ArrayList<>());

  private static ByteBuffer datagram(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String text(ByteBuffer datagram) {
    byte[] octets = new byte[datagram.remaining()];
    datagram.get(octets);
    return new String(octets, StandardCharsets.US_ASCII);
  }

  @Test
  void aThreadThatFindsAnotherSendingHandsItsReplyOverAndGoesOn() throws Exception {
    CountDownLatch firstInFlight = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ReplySender sender =
        new ReplySender(
            (from, datagram, to) -> {
              String reply = text(datagram);
              if (reply.equals("ack-1")) {
                firstInFlight.countDown();
                await(release);
              }
              sent.add(reply + " by " + Thread.currentThread().getName());
            },
            (to, e) -> failed.add(to));
    Thread journal =
        new Thread(() -> sender.send(null, datagram("ack-1"), RELAY), "bus-journal-writer");
    journal.start();
    assertTrue(firstInFlight.await(5, TimeUnit.SECONDS));

    // The receiver's OFFER while the ACK is on its way: it returns at once, the buffer reusable.
    ByteBuffer offer = datagram("offer-2");
    CompletableFuture<Void> receiver =
        CompletableFuture.runAsync(() -> sender.send(null, offer, RELAY));
    receiver.get(5, TimeUnit.SECONDS);
    offer.clear().put("XXXXXXX".getBytes(StandardCharsets.US_ASCII));
    assertTrue(sent.isEmpty(), "nothing sent yet: " + sent);

    release.countDown();
    journal.join(5_000);
    assertFalse(journal.isAlive());
    assertEquals(List.of("ack-1 by bus-journal-writer", "offer-2 by bus-journal-writer"), sent);
    assertTrue(failed.isEmpty());
  }

  @Test
  void everyReplyLeavesOnceAndEachThreadsInItsOrder() throws Exception {
    ReplySender sender =
        new ReplySender(
            (from, datagram, to) -> {
              sent.add(text(datagram));
              Thread.onSpinWait(); // a little time on the wire, for the threads to meet
            },
            (to, e) -> failed.add(to));
    int threads = 4;
    int each = 5_000;
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      senders.add(
          new Thread(
              () -> {
                ByteBuffer reused = ByteBuffer.allocate(32);
                for (int n = 0; n < each; n++) {
                  reused.clear().put((thread + ":" + n).getBytes(StandardCharsets.US_ASCII));
                  sender.send(null, reused.flip(), RELAY);
                }
              }));
    }
    senders.forEach(Thread::start);
    for (Thread t : senders) {
      t.join(30_000);
    }
    assertEquals(threads * each, sent.size());
    Map<Integer, Integer> next = new HashMap<>();
    for (String reply : sent) {
      int thread = Integer.parseInt(reply.substring(0, reply.indexOf(':')));
      int n = Integer.parseInt(reply.substring(reply.indexOf(':') + 1));
      assertEquals(next.getOrDefault(thread, 0), n, "thread " + thread + " out of order");
      next.put(thread, n + 1);
    }
    assertTrue(failed.isEmpty());
  }

  @Test
  void aReplyThatCannotBeSentIsReportedAndTheNextOneLeaves() {
    ReplySender sender =
        new ReplySender(
            (from, datagram, to) -> {
              String reply = text(datagram);
              if (reply.startsWith("bad")) {
                throw new IOException("network unreachable");
              }
              sent.add(reply);
            },
            (to, e) -> failed.add(to));
    sender.send(null, datagram("bad-1"), RELAY);
    sender.send(null, datagram("ack-2"), RELAY);
    assertEquals(List.of(RELAY), failed);
    assertEquals(List.of("ack-2"), sent);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
