package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dist.DualRelay.Reply;
import org.provisioning.dist.ProvisiondPair.Server;

/**
 * A rolling upgrade of a failover pair, one server at a time, the way an operator upgrades a
 * headend (the package's upgrade stops the service with SIGTERM and starts the new release on the
 * same data): with the {@link ProvisiondPair} in NORMAL and a DHCP load running, the secondary is
 * terminated (SIGTERM), started again from the same distribution on its data (standing in for the
 * new release) and the pair awaited in NORMAL; then the same for the primary.
 *
 * <p>The load comes through a {@link DualRelay} (both helper addresses, as a CMTS in front of a
 * pair): 20 new clients a second, each a DORA, and 10 clients a second that hold a lease asking for
 * it again (INIT-REBOOT REQUEST), every one retransmitting each second until it is answered, as a
 * client does (one whose REQUEST for an offer goes unanswered three times starts over). Throughout,
 * every client is answered within {@link #ANSWER_BOUND_MILLIS}, the load never goes {@link
 * #GAP_BOUND_MILLIS} without an ACK, no client is NAKed or given another address, each server
 * serves while the other is down, and no address is acknowledged to two clients. After it, both
 * servers hold every lease acknowledged, each under its client; no address is bound to two clients
 * on or across them, and no conflict is counted.
 */
class RollingUpgradeIT {
  /** 4,081 addresses behind relay 127.0.0.2: the load never runs short. */
  private static final String POOL =
      """
          - subnet: 127.16.0.0/20
            relays: [127.0.0.2]
            pools: [{range: 127.16.0.10-127.16.15.250}]
      """;

  /**
   * A client unanswered this long after it began has waited too long: 3 s of REQUESTs to a server
   * that stopped before its ACK left, then a whole DORA with its partner, on a loaded machine.
   */
  private static final long ANSWER_BOUND_MILLIS = 6_000;

  /** The longest the load may go without any ACK. */
  private static final long GAP_BOUND_MILLIS = 3_000;

  /** The load before, between and after the two upgrades, so each shows a pair at work. */
  private static final long STEADY_MILLIS = 2_000;

  @TempDir Path dir;
  private ProvisiondPair pair;
  private Load load;

  @AfterEach
  void stop() throws InterruptedException {
    if (load != null) {
      load.close();
    }
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void upgradingOneServerAtATimeKeepsEveryClientServedAndEveryLease() throws Exception {
    pair = ProvisiondPair.start(dir, POOL);
    load = new Load(pair.dhcpPort());
    load.start();
    MILLISECONDS.sleep(STEADY_MILLIS);

    long[] secondaryDown = upgrade(pair.secondary());
    MILLISECONDS.sleep(STEADY_MILLIS);
    long[] primaryDown = upgrade(pair.primary());
    MILLISECONDS.sleep(STEADY_MILLIS);
    load.finish();

    // Every client answered in time, with its own address, and never NAKed.
    assertTrue(
        load.problems.isEmpty(),
        () -> String.join("\n", load.problems) + "\n" + String.join("\n", events));
    assertEquals(load.asked.get(), load.answered.get(), "every client was answered");
    assertTrue(
        load.slowestMillis.get() <= ANSWER_BOUND_MILLIS,
        () ->
            "the slowest client waited "
                + load.slowestMillis.get()
                + " ms:\n"
                + String.join("\n", load.slow)
                + "\n"
                + String.join("\n", events));
    long gap = load.longestGapMillis();
    assertTrue(
        gap <= GAP_BOUND_MILLIS,
        () -> "the load went " + gap + " ms without an ACK:\n" + String.join("\n", events));
    assertTrue(
        load.acksFrom(ProvisiondPair.PRIMARY, secondaryDown) > 0,
        "the primary served while the secondary was down");
    assertTrue(
        load.acksFrom(ProvisiondPair.SECONDARY, primaryDown) > 0,
        "the secondary served while the primary was down");

    // No address acknowledged to two clients, nor a client given two addresses.
    Map<Ipv4Address, Set<Integer>> clientsOf = new TreeMap<>();
    Map<Integer, Set<Ipv4Address>> addressesOf = new TreeMap<>();
    for (AckSeen ack : load.acks) {
      clientsOf.computeIfAbsent(ack.address(), a -> new TreeSet<>()).add(ack.client());
      addressesOf.computeIfAbsent(ack.client(), c -> new TreeSet<>()).add(ack.address());
    }
    clientsOf.forEach(
        (address, clients) ->
            assertEquals(1, clients.size(), address + " acknowledged to clients " + clients));
    addressesOf.forEach(
        (client, addresses) ->
            assertEquals(1, addresses.size(), "client " + client + " given " + addresses));

    // Every lease acknowledged is held by its client on both servers.
    pair.awaitNormal(Duration.ofSeconds(20));
    Map<String, String> onPrimary = bindings(pair.primary());
    Map<String, String> onSecondary = bindings(pair.secondary());
    List<String> missing = new ArrayList<>();
    addressesOf.forEach(
        (client, addresses) -> {
          String address = addresses.iterator().next().toString();
          String mac = DualRelay.macText(client);
          if (!mac.equals(onPrimary.get(address)) || !mac.equals(onSecondary.get(address))) {
            missing.add(
                address
                    + " of client "
                    + client
                    + ": primary has "
                    + onPrimary.get(address)
                    + ", secondary "
                    + onSecondary.get(address));
          }
        });
    assertTrue(missing.isEmpty(), () -> "acknowledged leases not held:\n" + missing);
    // An address bound on both servers is bound to one client; besides the acknowledged leases,
    // a client may hold one it was never told of, and no other client holds that.
    onPrimary.forEach(
        (address, mac) ->
            assertEquals(
                mac,
                onSecondary.getOrDefault(address, mac),
                address + " is bound to two clients: " + mac + " on the primary"));
    Map<String, String> orphansOnPrimary = neverAcknowledged(onPrimary, addressesOf);
    Map<String, String> orphansOnSecondary = neverAcknowledged(onSecondary, addressesOf);
    for (Server server : List.of(pair.primary(), pair.secondary())) {
      assertEquals(0, server.api("/failover").path("conflicts").asLong(), server + " conflicts");
    }
    System.out.printf(
        "rolling upgrade: %d clients asked (%d new), all answered, slowest %d ms, longest"
            + " stretch without an ACK %d ms, %d back to INIT; leases never acknowledged: %s on"
            + " the primary, %s on the secondary%n%s%n",
        load.asked.get(),
        addressesOf.size(),
        load.slowestMillis.get(),
        gap,
        load.restarts.size(),
        orphansOnPrimary,
        orphansOnSecondary,
        String.join("\n", load.restarts) + "\n" + String.join("\n", events));
  }

  /**
   * SIGTERM, as the package's upgrade stops the service: a clean exit (143) within 20 s; then
   * bin/provisiond again on the same config and data, and both NORMAL.
   *
   * @return when (on the load's clock, ms) the server stopped and when it answered again
   */
  private long[] upgrade(Server server) throws Exception {
    long stopped = load.millis();
    event("SIGTERM " + server);
    assertTrue(server.terminate(Duration.ofSeconds(20)), server + " exits on SIGTERM");
    assertEquals(143, server.process().exitValue(), server + " exit status after SIGTERM");
    event(server + " exited");
    server.start();
    long back = load.millis();
    event(server + " started again, its API answers");
    pair.awaitNormal(Duration.ofSeconds(30));
    event("both NORMAL");
    return new long[] {stopped, back};
  }

  /** What the test did when, on the load's clock, for the failure messages. */
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private void event(String what) {
    events.add(load.millis() + " ms: " + what);
  }

  /** A server's bound leases, address to MAC; fails on an address listed twice. */
  private static Map<String, String> bindings(Server server) throws Exception {
    JsonNode leases = server.api("/leases?state=bound&limit=10000", Duration.ofSeconds(20));
    Map<String, String> byAddress = new TreeMap<>();
    for (JsonNode lease : leases.path("leases")) {
      String ip = lease.path("ip").asText();
      String mac = lease.path("mac").asText();
      String before = byAddress.put(ip, mac);
      assertEquals(null, before, server + " lists " + ip + " for " + before + " and " + mac);
    }
    return byAddress;
  }

  /**
   * Bound leases no client was acknowledged, each with the MAC it is bound to; fails on one whose
   * MAC is none of the load's clients. A server stopped after it committed a lease but before its
   * ACK left leaves such a lease: the client, unanswered, went back to INIT and got another address
   * from the partner; the lease stays bound to it (unused) until it expires.
   */
  private static Map<String, String> neverAcknowledged(
      Map<String, String> bindings, Map<Integer, Set<Ipv4Address>> addressesOf) {
    Map<String, String> acknowledged = new HashMap<>();
    addressesOf.forEach(
        (client, addresses) ->
            addresses.forEach(a -> acknowledged.put(a.toString(), DualRelay.macText(client))));
    Set<String> clients = new TreeSet<>(acknowledged.values());
    Map<String, String> orphans = new TreeMap<>();
    bindings.forEach(
        (address, mac) -> {
          if (!acknowledged.containsKey(address)) {
            assertTrue(clients.contains(mac), address + " is bound to " + mac + ", no client");
            orphans.put(address, mac);
          }
        });
    return orphans;
  }

  /** An ACK as the relay saw it: for which client, what address, from which server, when (ms). */
  record AckSeen(int client, Ipv4Address address, String server, long atMillis) {}

  /**
   * Clients through one {@link DualRelay}: a sender begins them at a steady pace and retransmits
   * what is unanswered after a second; one thread reads every reply.
   */
  private static final class Load implements AutoCloseable {
    private static final long NEW_EVERY_NANOS = MILLISECONDS.toNanos(50);
    private static final long RETRANSMIT_NANOS = SECONDS.toNanos(1);
    private static final long DRAIN_NANOS = SECONDS.toNanos(10);
    private static final int REQUESTS_BEFORE_INIT = 3;

    private final DualRelay relay;
    private final long t0 = System.nanoTime();
    private final Random random = new Random(12);
    private final Map<Integer, Ask> pending = new ConcurrentHashMap<>();
    private final List<Integer> holders = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Ipv4Address> held = new ConcurrentHashMap<>();
    final List<AckSeen> acks = Collections.synchronizedList(new ArrayList<>());
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final List<String> slow = Collections.synchronizedList(new ArrayList<>());
    final List<String> restarts = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong asked = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong slowestMillis = new AtomicLong();
    private volatile boolean asking = true;
    private volatile boolean receiving = true;
    private long loadStart;
    private long loadEnd;
    private Thread sender;
    private Thread receiver;

    Load(int dhcpPort) throws IOException {
      relay = new DualRelay(dhcpPort);
    }

    long millis() {
      return NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    void start() {
      loadStart = millis();
      receiver = daemon("upgrade-load-receive", this::receive);
      sender = daemon("upgrade-load-send", this::send);
    }

    private static Thread daemon(String name, Runnable body) {
      Thread thread = new Thread(body, name);
      thread.setDaemon(true);
      thread.start();
      return thread;
    }

    private void send() {
      long next = System.nanoTime();
      int n = 0;
      boolean renewToo = false;
      while (asking) {
        long now = System.nanoTime();
        if (now >= next) {
          begin(new Ask(n++, null, now));
          // Every other tick, a client holding a lease asks for it again.
          renewToo = !renewToo;
          if (renewToo) {
            renewal(now);
          }
          next += NEW_EVERY_NANOS;
        }
        retransmit(now);
        LockSupport.parkNanos(MILLISECONDS.toNanos(10));
      }
    }

    private void renewal(long now) {
      Integer client;
      synchronized (holders) {
        if (holders.isEmpty()) {
          return;
        }
        client = holders.get(random.nextInt(holders.size()));
      }
      if (!pending.containsKey(client)) {
        begin(new Ask(client, held.get(client), now));
      }
    }

    private void begin(Ask ask) {
      pending.put(ask.client, ask);
      asked.incrementAndGet();
      transmit(ask);
    }

    /**
     * Sends again what went unanswered for a second, as a client's retransmission timer does; a
     * client whose REQUEST for an offer went unanswered {@link #REQUESTS_BEFORE_INIT} times goes
     * back to INIT and discovers again (RFC 2131 section 4.4.1): the server that offered may be the
     * one just stopped, or a secondary that has just handed back and stands by, and neither other
     * server answers a REQUEST that names another.
     */
    private void retransmit(long now) {
      for (Ask ask : pending.values()) {
        synchronized (ask) {
          if (now - ask.sent >= RETRANSMIT_NANOS) {
            ask.sent = now;
            if (ask.offer != null && ask.requests >= REQUESTS_BEFORE_INIT) {
              restarts.add(
                  "client "
                      + ask.client
                      + " back to INIT at "
                      + NANOSECONDS.toMillis(now - t0)
                      + " ms: its REQUEST to "
                      + ask.offerFrom
                      + " went unanswered");
              ask.offer = null;
              ask.offerFrom = null;
              ask.requests = 0;
            }
            transmit(ask);
          }
        }
      }
    }

    private void transmit(Ask ask) {
      try {
        if (ask.renewing != null) {
          relay.rebootRequest(ask.client, ask.renewing);
        } else if (ask.offer == null) {
          relay.discover(ask.client);
        } else {
          relay.request(ask.client, ask.offer);
          ask.requests++;
        }
      } catch (IOException e) {
        problems.add("the relay could not send for client " + ask.client + ": " + e);
      }
    }

    private void receive() {
      while (receiving) {
        Reply reply;
        try {
          reply = relay.receive();
        } catch (IOException | RuntimeException e) {
          if (receiving) {
            problems.add("an undecodable reply: " + e);
          }
          continue;
        }
        if (reply != null) {
          handle(reply, System.nanoTime());
        }
      }
    }

    private void handle(Reply reply, long now) {
      DhcpMessage message = reply.message();
      int client = message.transactionId();
      Ask ask = pending.get(client);
      DhcpMessageType type = message.messageType();
      if (type == DhcpMessageType.OFFER) {
        if (ask != null && ask.renewing == null) {
          synchronized (ask) {
            if (ask.offer == null) {
              ask.offer = message;
              ask.offerFrom = reply.from();
              ask.sent = now;
              transmit(ask);
            }
          }
        }
      } else if (type == DhcpMessageType.ACK) {
        Ipv4Address address = message.yourAddress();
        acks.add(new AckSeen(client, address, reply.from(), NANOSECONDS.toMillis(now - t0)));
        if (ask != null && pending.remove(client, ask)) {
          answered.incrementAndGet();
          long waited = NANOSECONDS.toMillis(now - ask.began);
          slowestMillis.accumulateAndGet(waited, Math::max);
          if (waited > ANSWER_BOUND_MILLIS) {
            slow.add(
                "client "
                    + client
                    + (ask.renewing != null ? " renewing " + ask.renewing : " (new)")
                    + " began at "
                    + NANOSECONDS.toMillis(ask.began - t0)
                    + " ms, "
                    + (ask.offer == null ? "no offer" : "offered by " + ask.offerFrom)
                    + ", ACKed by "
                    + reply.from()
                    + " after "
                    + waited
                    + " ms");
          }
          if (ask.renewing != null && !ask.renewing.equals(address)) {
            problems.add(
                "client " + client + " held " + ask.renewing + " and was given " + address);
          }
          if (held.putIfAbsent(client, address) == null) {
            holders.add(client);
          }
        }
      } else if (type == DhcpMessageType.NAK) {
        problems.add(
            "client "
                + client
                + (ask != null && ask.renewing != null ? " renewing " + ask.renewing : "")
                + " NAKed by "
                + reply.from()
                + " at "
                + NANOSECONDS.toMillis(now - t0)
                + " ms");
        if (ask != null) {
          pending.remove(client, ask);
          answered.incrementAndGet();
        }
      } else {
        problems.add("an unexpected " + type + " from " + reply.from());
      }
    }

    /** Stops beginning clients, lets those under way be answered (bounded), then stops reading. */
    void finish() throws InterruptedException {
      asking = false;
      sender.join(5_000);
      loadEnd = millis();
      long until = System.nanoTime() + DRAIN_NANOS;
      while (!pending.isEmpty() && System.nanoTime() < until) {
        retransmit(System.nanoTime());
        MILLISECONDS.sleep(50);
      }
      for (Ask ask : pending.values()) {
        problems.add(
            "client "
                + ask.client
                + (ask.renewing != null ? " renewing " + ask.renewing : "")
                + ", begun at "
                + NANOSECONDS.toMillis(ask.began - t0)
                + " ms, was never answered"
                + (ask.offer == null ? "" : " (offered by " + ask.offerFrom + ")"));
      }
      close();
    }

    /** The longest stretch of the load without an ACK, its start and end included. */
    long longestGapMillis() {
      List<Long> times = new ArrayList<>();
      synchronized (acks) {
        acks.forEach(ack -> times.add(ack.atMillis()));
      }
      times.add(loadStart);
      times.add(loadEnd);
      Collections.sort(times);
      long longest = 0;
      for (int i = 1; i < times.size(); i++) {
        if (times.get(i) >= loadStart && times.get(i - 1) <= loadEnd) {
          longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
      }
      return longest;
    }

    /** ACKs from {@code server} between {@code window[0]} and {@code window[1]} (ms). */
    long acksFrom(String server, long[] window) {
      synchronized (acks) {
        return acks.stream()
            .filter(a -> a.server().equals(server))
            .filter(a -> a.atMillis() >= window[0] && a.atMillis() <= window[1])
            .count();
      }
    }

    @Override
    public void close() throws InterruptedException {
      asking = false;
      receiving = false;
      if (sender != null) {
        sender.join(5_000);
      }
      if (receiver != null) {
        receiver.join(5_000);
      }
      relay.close();
    }
  }

  /** One client's exchange: a new client's DORA, or a holder's REQUEST for {@code renewing}. */
  private static final class Ask {
    final int client;
    final Ipv4Address renewing;
    final long began;
    long sent;
    DhcpMessage offer;
    String offerFrom;
    int requests;

    Ask(int client, Ipv4Address renewing, long began) {
      this.client = client;
      this.renewing = renewing;
      this.began = began;
      this.sent = began;
    }
  }
}
