package org.provisioning.dist;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FailoverLink;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dist.DualRelay.Reply;
import org.provisioning.dist.ProvisiondPair.Server;

/**
 * The failover soak benchmark of issue 9: a {@link ProvisiondPair} (its failover traffic through a
 * {@link FailoverLink}) under a bounded DHCP load for N minutes while it is abused, then checked.
 * Not a test (the build never runs it); run it through dist/bench/failover-soak.sh.
 *
 * <ul>
 *   <li>Load: {@code rate} new clients a second, each with a MAC never seen before, each doing one
 *       DORA through a {@link DualRelay} (both helper addresses, as a CMTS in front of a pair);
 *       DISCOVER and REQUEST are retransmitted after 1 s, a client gives up 3 s after it began.
 *       Every ACK that reaches the relay is recorded (client, address, server, time).
 *   <li>Chaos: 30 s into the run and every minute after, one server (primary and secondary in turn)
 *       is killed with -9, stopped with SIGTERM, or hung with SIGSTOP (in that rotation, so each
 *       server gets each); a stopped server is restarted on its data after 1-5 s, a hung one
 *       continued after 2-8 s. Independently, the failover link is cut at random (10-40 s apart)
 *       for 2-10 s and healed. The schedule comes from the seed printed at the start.
 *   <li>End: load stopped, link healed, both running, the pair given 2 minutes to reach NORMAL,
 *       then the bound leases of both servers (leases API) compared until they agree (1 minute).
 * </ul>
 *
 * <p>Checks: (a) no address bound to two clients, on either server, and both servers hold the same
 * bindings; (b) every acknowledged lease is held by its client on both servers, unless another
 * acknowledged client holds it and the address is one both servers alerted as a conflict
 * (FAILOVER_LEASE_CONFLICT in their logs, which outlive restarts; the counters do not, so their sum
 * is sampled per process); (c) the longest stretch with no ACK from either server while clients
 * kept asking, and how many such stretches passed 1 s. Exits 1 when (a) or (b) fails or the pair
 * does not reach NORMAL, 0 otherwise; (c) is a figure.
 *
 * <p>Every process it starts is stopped on the way out, also on failure and on SIGINT/SIGTERM;
 * their PIDs are kept in WORK/pids for the calling script in case this JVM itself is killed. The
 * summary goes to stdout and WORK/summary.txt, every ACK to WORK/acks.csv, beside the servers' logs
 * (WORK/primary/provisiond.log, WORK/secondary/provisiond.log).
 */
public final class FailoverSoak {
  /** A /14 behind relay 127.0.0.2: 262,000 addresses, leases of a day, so nothing runs out. */
  static final String SOAK_POOL =
      """
          - subnet: 127.16.0.0/14
            relays: [127.0.0.2]
            leaseTime: 86400
            pools: [{range: 127.16.0.10-127.19.255.250}]
      """;

  /** The leases API returns at most this many; the load must stay under it. */
  static final int MAX_LEASES = 100_000;

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Path work;
  private final long durationMillis;
  private final int rate;
  private final long seed;
  private final long t0 = System.nanoTime();
  private final Instant wallStart = Instant.now();
  private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
  private final List<double[]> loadAverages = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean chaosOver;
  private ProvisiondPair pair;

  private FailoverSoak(Path work, long durationMillis, int rate, long seed) {
    this.work = work;
    this.durationMillis = durationMillis;
    this.rate = rate;
    this.seed = seed;
  }

  /** args: WORK_DIR [MINUTES (10)] [RATE per second (100)] [SEED (random)]. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: FailoverSoak WORK_DIR [minutes] [rate] [seed]");
      System.exit(2);
    }
    Path work = Path.of(args[0]).toAbsolutePath();
    double minutes = args.length > 1 ? Double.parseDouble(args[1]) : 10;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : new Random().nextLong();
    long clients = Math.round(minutes * 60 * rate);
    if (clients > MAX_LEASES * 9L / 10) {
      System.err.printf(
          "%d minutes at %d/s make %,d clients; the leases API lists at most %,d: run shorter or"
              + " slower%n",
          (long) minutes, rate, clients, MAX_LEASES);
      System.exit(2);
    }
    Files.createDirectories(work);
    FailoverSoak soak = new FailoverSoak(work, Math.round(minutes * 60_000), rate, seed);
    System.exit(soak.run());
  }

  private int run() throws Exception {
    System.out.printf(
        "failover soak: %.1f min, %d DORA/s, seed %d, started %s UTC, load average %s%n",
        durationMillis / 60_000.0, rate, seed, wallStart, loadAverageText());
    Thread cleanup = new Thread(this::stopEverything, "soak-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      pair = ProvisiondPair.start(work, SOAK_POOL, true);
      writePids();
      event(
          "pair formed: primary pid "
              + pid(pair.primary())
              + ", secondary pid "
              + pid(pair.secondary()));
      return soak();
    } finally {
      stopEverything();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  private synchronized void stopEverything() {
    if (pair != null) {
      pair.close();
      pair = null;
    }
  }

  private int soak() throws Exception {
    Sampler sampler = new Sampler();
    sampler.start();
    Load load = new Load(pair.dhcpPort());
    Thread restarts = thread("soak-restarts", this::restartEveryMinute);
    Thread cuts = thread("soak-link", this::cutAtRandom);
    long loadStart = millis();
    load.start();
    sleepUntil(loadStart + durationMillis);
    load.stopAsking();
    long loadEnd = millis();
    chaosOver = true;
    event("load stopped");
    restarts.join(120_000);
    cuts.join(30_000);
    load.finish();

    // Heal, make sure both run, and let the pair settle.
    pair.link().heal();
    for (Server server : servers()) {
      if (!server.isAlive()) {
        event(server.name() + " was not running at the end: starting it");
        server.start();
        writePids();
      }
    }
    long normalFrom = millis();
    boolean normal = true;
    try {
      pair.awaitNormal(Duration.ofMinutes(2));
      event(
          String.format(
              "both NORMAL %.1f s after the end of the load", (millis() - normalFrom) / 1000.0));
    } catch (RuntimeException e) {
      normal = false;
      event(
          "NOT NORMAL within 2 minutes: primary "
              + pair.primary().state()
              + ", secondary "
              + pair.secondary().state());
    }
    sampler.stop();
    Bindings onPrimary = Bindings.of(pair.primary());
    Bindings onSecondary = Bindings.of(pair.secondary());
    long settleFrom = millis();
    while (!onPrimary.byAddress.equals(onSecondary.byAddress) && millis() - settleFrom < 60_000) {
      TimeUnit.SECONDS.sleep(2);
      onPrimary = Bindings.of(pair.primary());
      onSecondary = Bindings.of(pair.secondary());
    }
    Map<String, Long> finalStats = new LinkedHashMap<>();
    for (Server server : servers()) {
      JsonNode stats = server.api("/stats?prefix=failover.", Duration.ofSeconds(10));
      stats
          .fields()
          .forEachRemaining(
              f -> finalStats.put(server.name() + " " + f.getKey(), f.getValue().asLong()));
    }
    sampler.sampleAll();
    return report(load, loadStart, loadEnd, normal, onPrimary, onSecondary, sampler, finalStats);
  }

  // ---------------------------------------------------------------- chaos

  private enum Blow {
    KILL,
    TERM,
    STOP
  }

  /**
   * 30 s in and every minute after: primary, secondary, primary... each in turn killed (-9),
   * terminated (SIGTERM) or hung (SIGSTOP), then brought back. Each action is finished before the
   * thread looks at the clock again, so the end never leaves a server down or stopped.
   */
  private void restartEveryMinute() {
    Random random = new Random(seed);
    for (int k = 0; ; k++) {
      long at = 30_000 + 60_000L * k;
      if (at > durationMillis - 15_000 || !sleepUntil(at)) {
        return;
      }
      Server server = k % 2 == 0 ? pair.primary() : pair.secondary();
      Blow blow = Blow.values()[k % 3];
      try {
        blow(server, blow, random);
      } catch (Exception e) {
        event("chaos: " + blow + " of " + server.name() + " failed: " + e);
      }
    }
  }

  private void blow(Server server, Blow blow, Random random) throws Exception {
    long pid = pid(server);
    switch (blow) {
      case KILL, TERM -> {
        long downMillis = 1_000 + random.nextInt(4_001);
        if (blow == Blow.KILL) {
          server.kill();
          event("kill -9 " + server.name() + " (pid " + pid + "); down for " + downMillis + " ms");
        } else {
          long from = millis();
          boolean clean = server.terminate(Duration.ofSeconds(30));
          event(
              "SIGTERM "
                  + server.name()
                  + " (pid "
                  + pid
                  + "): "
                  + (clean ? "exited" : "DID NOT EXIT, killed")
                  + " after "
                  + (millis() - from)
                  + " ms; down for "
                  + downMillis
                  + " ms");
        }
        Thread.sleep(downMillis);
        long from = millis();
        server.start();
        writePids();
        event(
            "started "
                + server.name()
                + " again (pid "
                + pid(server)
                + "), API up after "
                + (millis() - from)
                + " ms");
      }
      case STOP -> {
        long stoppedMillis = 2_000 + random.nextInt(6_001);
        server.pause();
        event("SIGSTOP " + server.name() + " (pid " + pid + ") for " + stoppedMillis + " ms");
        try {
          Thread.sleep(stoppedMillis);
        } finally {
          server.resume();
          event("SIGCONT " + server.name());
        }
      }
    }
  }

  /** Cuts the failover link 10-40 s after the last heal, for 2-10 s, until the load ends. */
  private void cutAtRandom() {
    Random random = new Random(seed + 1);
    FailoverLink link = pair.link();
    while (true) {
      if (!sleepUntil(millis() + 10_000 + random.nextInt(30_001))) {
        return;
      }
      long cutMillis = 2_000 + random.nextInt(8_001);
      link.cut();
      event("link cut for " + cutMillis + " ms");
      try {
        Thread.sleep(cutMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        link.heal();
        event("link healed");
      }
    }
  }

  // ---------------------------------------------------------------- load

  /** Many clients at once through one {@link DualRelay}: a sender paces them, one thread reads. */
  private final class Load {
    private static final long RETRANSMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final DualRelay relay;
    private final Map<Integer, Client> pending = new ConcurrentHashMap<>();
    private final List<AckEvent> acks = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> latencyMicros = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> gaveUpAt = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> beganAt = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong extraAcks = new AtomicLong();
    private final AtomicLong naks = new AtomicLong();
    private final AtomicLong offers = new AtomicLong();
    private final AtomicLong retransmits = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicLong senderLateMax = new AtomicLong();
    private final AtomicLong senderLateOver100ms = new AtomicLong();
    private volatile boolean asking = true;
    private volatile boolean receiving = true;
    private Thread sender;
    private Thread receiver;

    Load(int dhcpPort) throws IOException {
      relay = new DualRelay(dhcpPort);
    }

    void start() {
      receiver = thread("soak-receive", this::receive);
      sender = thread("soak-send", this::send);
    }

    private void send() {
      long period = TimeUnit.SECONDS.toNanos(1) / rate;
      long next = System.nanoTime();
      long lastScan = next;
      int n = 0;
      while (asking) {
        long now = System.nanoTime();
        if (now >= next) {
          long late = now - next;
          senderLateMax.accumulateAndGet(late, Math::max);
          if (late > TimeUnit.MILLISECONDS.toNanos(100)) {
            senderLateOver100ms.incrementAndGet();
          }
          begin(n++, now);
          next += period;
          if (now - next > TimeUnit.SECONDS.toNanos(1)) {
            next = now; // the driver itself stalled: go on at the rate, without a burst
          }
        }
        if (now - lastScan >= TimeUnit.MILLISECONDS.toNanos(100)) {
          scan(now);
          lastScan = now;
        }
        LockSupport.parkNanos(Math.max(0, Math.min(next - System.nanoTime(), 2_000_000)));
      }
    }

    private void begin(int n, long now) {
      Client client = new Client(n, now);
      pending.put(n, client);
      started.incrementAndGet();
      beganAt.add(TimeUnit.NANOSECONDS.toMillis(now - t0));
      try {
        relay.discover(n);
      } catch (IOException e) {
        event("relay send failed: " + e);
      }
    }

    /** Retransmits what went unanswered for a second, gives up on clients 3 s old. */
    private void scan(long now) {
      for (Client client : pending.values()) {
        synchronized (client) {
          if (now - client.began >= GIVE_UP_NANOS) {
            if (pending.remove(client.n, client)) {
              gaveUpAt.add(TimeUnit.NANOSECONDS.toMillis(client.began - t0));
            }
          } else if (now - client.sent >= RETRANSMIT_NANOS) {
            client.sent = now;
            retransmits.incrementAndGet();
            try {
              if (client.offer == null) {
                relay.discover(client.n);
              } else {
                relay.request(client.n, client.offer);
              }
            } catch (IOException e) {
              event("relay send failed: " + e);
            }
          }
        }
      }
    }

    private void receive() {
      while (receiving) {
        Reply reply;
        try {
          reply = relay.receive();
        } catch (IOException | RuntimeException e) {
          if (receiving) {
            undecodable.incrementAndGet();
          }
          continue;
        }
        if (reply == null) {
          continue;
        }
        long now = System.nanoTime();
        DhcpMessage message = reply.message();
        int n = message.transactionId();
        DhcpMessageType type = message.messageType();
        if (type == null) {
          undecodable.incrementAndGet();
          continue;
        }
        switch (type) {
          case OFFER -> {
            offers.incrementAndGet();
            Client client = pending.get(n);
            if (client != null) {
              synchronized (client) {
                if (client.offer == null) {
                  client.offer = message;
                  client.sent = now;
                  try {
                    relay.request(n, message);
                  } catch (IOException e) {
                    event("relay send failed: " + e);
                  }
                }
              }
            }
          }
          case ACK -> {
            acks.add(
                new AckEvent(
                    n,
                    message.yourAddress(),
                    reply.from(),
                    TimeUnit.NANOSECONDS.toMillis(now - t0)));
            Client client = pending.remove(n);
            if (client != null) {
              answered.incrementAndGet();
              latencyMicros.add(TimeUnit.NANOSECONDS.toMicros(now - client.began));
            } else {
              extraAcks.incrementAndGet();
            }
          }
          case NAK -> {
            naks.incrementAndGet();
            pending.remove(n);
            event("NAK from " + reply.from() + " for client " + n);
          }
          default -> undecodable.incrementAndGet();
        }
      }
    }

    void stopAsking() throws InterruptedException {
      asking = false;
      sender.join(10_000);
    }

    /** Lets the clients still under way finish or give up, then stops reading. */
    void finish() throws InterruptedException {
      long until = System.nanoTime() + GIVE_UP_NANOS + TimeUnit.SECONDS.toNanos(1);
      while (!pending.isEmpty() && System.nanoTime() < until) {
        scan(System.nanoTime());
        TimeUnit.MILLISECONDS.sleep(100);
      }
      scan(System.nanoTime() + GIVE_UP_NANOS);
      receiving = false;
      receiver.join(5_000);
      relay.close();
    }
  }

  private static final class Client {
    final int n;
    final long began;
    long sent;
    DhcpMessage offer;

    Client(int n, long began) {
      this.n = n;
      this.began = began;
      this.sent = began;
    }
  }

  /** One ACK as the relay saw it; {@code atMillis} from the start of the run. */
  record AckEvent(int client, Ipv4Address address, String server, long atMillis) {}

  // ---------------------------------------------------------------- sampling

  /**
   * Polls both servers' failover status twice a second: state changes (as seen from outside), and
   * each process's conflict counter, which a restart sets back to 0, kept per PID.
   */
  private final class Sampler {
    private final Map<String, String> lastState = new ConcurrentHashMap<>();
    private final Map<Long, Long> conflictsByPid = new ConcurrentHashMap<>();
    private final List<String> transitions = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> partnerDownMillis = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private final List<Thread> threads = new ArrayList<>();

    void start() {
      for (Server server : servers()) {
        threads.add(thread("soak-sample-" + server.name(), () -> poll(server)));
      }
      threads.add(thread("soak-loadavg", this::pollLoadAverage));
    }

    private void poll(Server server) {
      long last = millis();
      while (running) {
        sample(server);
        long now = millis();
        if ("PARTNER_DOWN".equals(lastState.get(server.name()))) {
          partnerDownMillis.merge(server.name(), now - last, Long::sum);
        }
        last = now;
        sleepQuietly(500);
      }
    }

    void sample(Server server) {
      Process process = server.process();
      if (process == null) {
        return;
      }
      String state;
      try {
        JsonNode status = server.api("/failover", Duration.ofSeconds(1));
        state = status.path("state").asText();
        conflictsByPid.merge(process.pid(), status.path("conflicts").asLong(), Math::max);
      } catch (Exception e) {
        state = process.isAlive() ? "UNANSWERED" : "DOWN";
      }
      String before = lastState.put(server.name(), state);
      if (!state.equals(before)) {
        transitions.add(String.format("%s %s -> %s", stamp(millis()), server.name(), state));
      }
    }

    void sampleAll() {
      servers().forEach(this::sample);
    }

    private void pollLoadAverage() {
      while (running) {
        loadAverages.add(new double[] {millis(), loadAverage()});
        sleepQuietly(10_000);
      }
    }

    long conflictsCounted() {
      return conflictsByPid.values().stream().mapToLong(Long::longValue).sum();
    }

    void stop() throws InterruptedException {
      running = false;
      for (Thread t : threads) {
        t.join(5_000);
      }
    }
  }

  // ---------------------------------------------------------------- checks

  /** A server's bound leases as its API lists them. */
  private static final class Bindings {
    final Map<String, String> byAddress = new TreeMap<>();
    final Map<String, List<String>> listedTwice = new TreeMap<>();
    final Map<String, List<String>> addressesOfMac = new HashMap<>();
    final int listed;

    private Bindings(JsonNode leases) {
      int count = 0;
      for (JsonNode lease : leases.path("leases")) {
        count++;
        String ip = lease.path("ip").asText();
        String mac = lease.path("mac").asText();
        String before = byAddress.put(ip, mac);
        if (before != null) {
          listedTwice.computeIfAbsent(ip, k -> new ArrayList<>(List.of(before))).add(mac);
        }
        addressesOfMac.computeIfAbsent(mac, k -> new ArrayList<>()).add(ip);
      }
      listed = count;
    }

    static Bindings of(Server server) throws IOException, InterruptedException {
      return new Bindings(
          server.api("/leases?state=bound&limit=" + MAX_LEASES, Duration.ofSeconds(60)));
    }
  }

  private static final Pattern CONFLICT_ALERT =
      Pattern.compile("FAILOVER_LEASE_CONFLICT id=\\d+ object=(\\S+)");
  private static final Pattern STATE_LINE = Pattern.compile("FAILOVER_STATE from=(\\S+) to=(\\S+)");

  private int report(
      Load load,
      long loadStart,
      long loadEnd,
      boolean normal,
      Bindings onPrimary,
      Bindings onSecondary,
      Sampler sampler,
      Map<String, Long> finalStats)
      throws IOException {
    PrintSummary out = new PrintSummary();
    out.section("events");
    new ArrayList<>(events).forEach(e -> out.line(stamp(e.atMillis()) + " " + e.what()));
    out.section("failover states seen by polling twice a second");
    sampler.transitions.forEach(out::line);

    // Logs outlive restarts: conflicts alerted and state changes over every process's life.
    Set<String> conflictAddresses = new TreeSet<>();
    Map<String, Integer> entered = new TreeMap<>();
    for (Server server : servers()) {
      for (String line : Files.readAllLines(server.log())) {
        Matcher conflict = CONFLICT_ALERT.matcher(line);
        if (conflict.find()) {
          conflictAddresses.add(conflict.group(1));
        }
        Matcher state = STATE_LINE.matcher(line);
        if (state.find()) {
          entered.merge(server.name() + " entered " + state.group(2), 1, Integer::sum);
        }
      }
    }

    out.section("load");
    List<AckEvent> acks = new ArrayList<>(load.acks);
    StringBuilder csv = new StringBuilder("ms_from_start,client,mac,address,server\n");
    for (AckEvent a : acks) {
      csv.append(a.atMillis()).append(',').append(a.client()).append(',');
      csv.append(DualRelay.macText(a.client())).append(',').append(a.address()).append(',');
      csv.append(a.server()).append('\n');
    }
    Files.writeString(work.resolve("acks.csv"), csv);
    long fromPrimary = acks.stream().filter(a -> a.server().equals(ProvisiondPair.PRIMARY)).count();
    out.line(
        "clients %,d over %.1f s (%.1f/s); answered %,d (%.2f %%), gave up after 3 s %,d; NAKs %,d",
        load.started.get(),
        (loadEnd - loadStart) / 1000.0,
        load.started.get() * 1000.0 / (loadEnd - loadStart),
        load.answered.get(),
        100.0 * load.answered.get() / Math.max(1, load.started.get()),
        load.gaveUpAt.size(),
        load.naks.get());
    out.line(
        "ACKs %,d: %,d from the primary, %,d from the secondary; %,d repeated or late; OFFERs %,d;"
            + " retransmissions %,d; undecodable %,d",
        acks.size(),
        fromPrimary,
        acks.size() - fromPrimary,
        load.extraAcks.get(),
        load.offers.get(),
        load.retransmits.get(),
        load.undecodable.get());
    List<Long> latencies = new ArrayList<>(load.latencyMicros);
    Collections.sort(latencies);
    if (!latencies.isEmpty()) {
      out.line(
          "DORA time: median %.1f ms, p99 %.1f ms, max %.1f ms",
          latencies.get(latencies.size() / 2) / 1000.0,
          latencies.get((int) (latencies.size() * 0.99)) / 1000.0,
          latencies.get(latencies.size() - 1) / 1000.0);
    }
    out.line(
        "driver: sender late at most %.0f ms, %d times over 100 ms",
        load.senderLateMax.get() / 1e6, load.senderLateOver100ms.get());
    double maxLoad = 0;
    double sumLoad = 0;
    for (double[] sample : loadAverages) {
      maxLoad = Math.max(maxLoad, sample[1]);
      sumLoad += sample[1];
    }
    out.line(
        "machine: %d cores, 1-min load average mean %.1f, max %.1f (sampled every 10 s); now %s",
        Runtime.getRuntime().availableProcessors(),
        sumLoad / Math.max(1, loadAverages.size()),
        maxLoad,
        loadAverageText());
    out.line(
        "PARTNER_DOWN seen by polling: primary %.1f s, secondary %.1f s; state entries from the"
            + " logs: %s",
        sampler.partnerDownMillis.getOrDefault("primary", 0L) / 1000.0,
        sampler.partnerDownMillis.getOrDefault("secondary", 0L) / 1000.0,
        entered);
    out.line("final failover counters (last process of each): %s", interesting(finalStats));

    // (a) no address bound to two clients; both servers agree.
    out.section("(a) addresses bound to two clients");
    List<String> disagree = new ArrayList<>();
    Set<String> addresses = new TreeSet<>(onPrimary.byAddress.keySet());
    addresses.addAll(onSecondary.byAddress.keySet());
    for (String address : addresses) {
      String p = onPrimary.byAddress.get(address);
      String s = onSecondary.byAddress.get(address);
      if (p == null || !p.equals(s)) {
        disagree.add(address + " primary " + p + " secondary " + s);
      }
    }
    long macsWithTwo = onPrimary.addressesOfMac.values().stream().filter(l -> l.size() > 1).count();
    out.line(
        "bound: primary %,d, secondary %,d; listed twice within a server: primary %d, secondary"
            + " %d; addresses the two servers disagree on: %d; clients holding two addresses"
            + " (primary): %d",
        onPrimary.listed,
        onSecondary.listed,
        onPrimary.listedTwice.size(),
        onSecondary.listedTwice.size(),
        disagree.size(),
        macsWithTwo);
    onPrimary.listedTwice.forEach((a, m) -> out.line("  primary lists %s for %s", a, m));
    onSecondary.listedTwice.forEach((a, m) -> out.line("  secondary lists %s for %s", a, m));
    disagree.stream().limit(20).forEach(d -> out.line("  %s", d));
    boolean boundTwice =
        !onPrimary.listedTwice.isEmpty()
            || !onSecondary.listedTwice.isEmpty()
            || !disagree.isEmpty();

    // (b) every acknowledged lease held by its client on both, losers of counted conflicts apart.
    out.section("(b) acknowledged leases");
    Map<Integer, List<AckEvent>> byClient = new LinkedHashMap<>();
    Map<String, Set<Integer>> ackedAddress = new HashMap<>();
    for (AckEvent ack : acks) {
      byClient.computeIfAbsent(ack.client(), k -> new ArrayList<>()).add(ack);
      ackedAddress
          .computeIfAbsent(ack.address().toString(), k -> new TreeSet<>())
          .add(ack.client());
    }
    int held = 0;
    List<String> losers = new ArrayList<>();
    List<String> unexplainedLosers = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    List<String> twoAddresses = new ArrayList<>();
    for (Map.Entry<Integer, List<AckEvent>> entry : byClient.entrySet()) {
      int client = entry.getKey();
      String mac = DualRelay.macText(client);
      Set<String> itsAddresses = new TreeSet<>();
      entry.getValue().forEach(a -> itsAddresses.add(a.address().toString()));
      if (itsAddresses.size() > 1) {
        twoAddresses.add(client + " " + mac + " acked " + itsAddresses);
      }
      for (String address : itsAddresses) {
        AckEvent ack =
            entry.getValue().stream()
                .filter(a -> a.address().toString().equals(address))
                .findFirst()
                .orElseThrow();
        String p = onPrimary.byAddress.get(address);
        String s = onSecondary.byAddress.get(address);
        if (mac.equals(p) && mac.equals(s)) {
          held++;
          continue;
        }
        String evidence =
            String.format(
                "client %d %s acked %s by %s at %s; now primary: %s, secondary: %s; its MAC bound"
                    + " to primary %s, secondary %s",
                client,
                mac,
                address,
                ack.server(),
                stamp(ack.atMillis()),
                p,
                s,
                onPrimary.addressesOfMac.get(mac),
                onSecondary.addressesOfMac.get(mac));
        boolean heldByAnotherAcked =
            p != null
                && p.equals(s)
                && ackedAddress.get(address).stream()
                    .anyMatch(other -> other != client && DualRelay.macText(other).equals(p));
        if (heldByAnotherAcked && conflictAddresses.contains(address)) {
          losers.add(evidence);
        } else if (heldByAnotherAcked) {
          unexplainedLosers.add(evidence);
        } else {
          lost.add(evidence);
        }
      }
    }
    out.line(
        "acknowledged clients %,d: held by their client on both servers %,d; lost a counted"
            + " conflict %d; lost to another acked client with no conflict alerted %d; LOST %d;"
            + " clients acked two addresses %d",
        byClient.size(),
        held,
        losers.size(),
        unexplainedLosers.size(),
        lost.size(),
        twoAddresses.size());
    out.line(
        "conflicts: failover.conflicts summed over every process (sampled) %d; addresses alerted"
            + " FAILOVER_LEASE_CONFLICT in the logs %d %s",
        sampler.conflictsCounted(),
        conflictAddresses.size(),
        conflictAddresses.size() <= 20 ? conflictAddresses : "");
    losers.stream().limit(20).forEach(l -> out.line("  conflict loser: %s", l));
    unexplainedLosers.stream().limit(20).forEach(l -> out.line("  UNEXPLAINED loser: %s", l));
    lost.stream().limit(30).forEach(l -> out.line("  LOST: %s", l));
    twoAddresses.stream().limit(20).forEach(l -> out.line("  two addresses: %s", l));

    // (c) never both refusing: stretches with no ACK from either while clients kept asking.
    out.section("(c) stretches with no ACK from either server while clients asked");
    List<Long> times = new ArrayList<>();
    acks.forEach(a -> times.add(a.atMillis()));
    Collections.sort(times);
    List<long[]> gaps = new ArrayList<>();
    long previous = loadStart;
    for (long t : times) {
      if (t >= loadStart && t <= loadEnd) {
        gaps.add(new long[] {previous, t - previous});
        previous = t;
      }
    }
    gaps.add(new long[] {previous, loadEnd - previous});
    gaps.sort((x, y) -> Long.compare(y[1], x[1]));
    List<Long> began = new ArrayList<>(load.beganAt);
    Collections.sort(began);
    long over1s = gaps.stream().filter(g -> g[1] > 1_000).count();
    long over1sAsking =
        gaps.stream()
            .filter(g -> g[1] > 1_000 && driverSilence(began, g[0], g[0] + g[1]) < 250)
            .count();
    long over500 = gaps.stream().filter(g -> g[1] > 500).count();
    long[] longestAsking =
        gaps.stream()
            .filter(g -> driverSilence(began, g[0], g[0] + g[1]) < 250)
            .findFirst()
            .orElse(new long[] {0, 0});
    out.line(
        "longest %d ms (from %s); over 1 s: %d, of which %d while the driver kept sending (never"
            + " silent 250 ms); over 500 ms: %d",
        gaps.get(0)[1], stamp(gaps.get(0)[0]), over1s, over1sAsking, over500);
    out.line(
        "longest while the driver kept sending: %d ms (from %s)",
        longestAsking[1], stamp(longestAsking[0]));
    gaps.stream()
        .limit(10)
        .forEach(
            g ->
                out.line(
                    "  %5d ms from %s (driver silent %d ms of it); %s",
                    g[1],
                    stamp(g[0]),
                    driverSilence(began, g[0], g[0] + g[1]),
                    cause(g[0], g[1], loadStart)));

    boolean passed =
        normal
            && !boundTwice
            && lost.isEmpty()
            && unexplainedLosers.isEmpty()
            && twoAddresses.isEmpty();
    out.section("verdict");
    out.line(
        "%s: pair NORMAL at the end %s; (a) addresses bound to two clients %d; (b) acked leases"
            + " lost %d (+%d unexplained losers, %d conflict losers); (c) longest stretch without an"
            + " ACK %d ms, %d over 1 s (%d while the driver kept sending)",
        passed ? "PASS" : "FAIL",
        normal ? "yes" : "NO",
        onPrimary.listedTwice.size() + onSecondary.listedTwice.size() + disagree.size(),
        lost.size(),
        unexplainedLosers.size(),
        losers.size(),
        gaps.get(0)[1],
        over1s,
        over1sAsking);
    Files.writeString(work.resolve("summary.txt"), out.text());
    return passed ? 0 : 1;
  }

  /**
   * The longest stretch within [from, to] in which the driver began no client: its own stall
   * (starved of CPU, or paused), not the servers'.
   */
  private static long driverSilence(List<Long> began, long from, long to) {
    int i = Collections.binarySearch(began, from);
    i = i < 0 ? -i - 1 : i;
    long previous = from;
    long longest = 0;
    for (; i < began.size() && began.get(i) <= to; i++) {
      longest = Math.max(longest, began.get(i) - previous);
      previous = began.get(i);
    }
    return Math.max(longest, to - previous);
  }

  private static Map<String, Long> interesting(Map<String, Long> stats) {
    Map<String, Long> shown = new TreeMap<>();
    stats.forEach(
        (k, v) -> {
          if (v != 0
              && (k.contains("conflicts")
                  || k.contains("replication_lagging")
                  || k.contains("stale")
                  || k.contains("refused")
                  || k.contains("dropped")
                  || k.contains("syncs"))) {
            shown.put(k, v);
          }
        });
    return shown;
  }

  /** Prints as it goes and keeps the text for summary.txt. */
  private static final class PrintSummary {
    private final StringBuilder text = new StringBuilder();

    void section(String title) {
      line("");
      line("== " + title);
    }

    void line(String format, Object... args) {
      String line = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
      System.out.println(line);
      text.append(line).append('\n');
    }

    String text() {
      return text.toString();
    }
  }

  // ---------------------------------------------------------------- plumbing

  private List<Server> servers() {
    return List.of(pair.primary(), pair.secondary());
  }

  private long millis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  /** "+123.4 s (01:02:03)": from the start of the run, and UTC to find it in the servers' logs. */
  private String stamp(long atMillis) {
    return String.format(
        Locale.ROOT,
        "+%.1f s (%s)",
        atMillis / 1000.0,
        CLOCK.format(wallStart.plusMillis(atMillis)));
  }

  /** What the soak did (or saw) and when, from the start of the run. */
  private record Event(long atMillis, String what) {}

  private void event(String what) {
    long at = millis();
    events.add(new Event(at, what));
    System.out.println(stamp(at) + " " + what);
  }

  /**
   * What came just before a stretch without ACKs: the load's start, or the last event at most 20 s
   * before it ended.
   */
  private String cause(long from, long length, long loadStart) {
    if (from == loadStart) {
      return "the first ACKs of the run";
    }
    Event last = null;
    for (Event e : new ArrayList<>(events)) {
      if (e.atMillis() <= from + length && e.atMillis() >= from - 20_000) {
        last = e;
      }
    }
    if (last == null) {
      return "no event in the 20 s before";
    }
    long after = from - last.atMillis();
    return after >= 0
        ? String.format(Locale.ROOT, "%.1f s after: %s", after / 1000.0, last.what())
        : String.format(Locale.ROOT, "%.1f s into it: %s", -after / 1000.0, last.what());
  }

  /** Sleeps until {@code atMillis} into the run; false if the chaos ended first. */
  private boolean sleepUntil(long atMillis) {
    while (millis() < atMillis) {
      if (chaosOver) {
        return false;
      }
      sleepQuietly(Math.min(200, Math.max(1, atMillis - millis())));
    }
    return !chaosOver;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static long pid(Server server) {
    Process p = server.process();
    return p == null ? -1 : p.pid();
  }

  /** WORK/pids: the servers' PIDs now, for the calling script to stop if this JVM is killed. */
  private void writePids() throws IOException {
    Files.writeString(
        work.resolve("pids"), pid(pair.primary()) + "\n" + pid(pair.secondary()) + "\n");
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static String loadAverageText() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
