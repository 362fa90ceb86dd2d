package org.provisioning.dhcp.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.config.DhcpConfig;
import org.provisioning.common.lease.LeaseControl;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.LatencyHistogram;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dhcp.codec.DhcpDecodeException;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncodeException;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.DhcpOutcome;
import org.provisioning.dhcp.engine.DhcpRequestContext;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.engine.ReplyTrimming;
import org.provisioning.dhcp.engine.ServingMode;
import org.provisioning.dhcp.message.DhcpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCP server's sockets: thin glue around the {@link DhcpEngine}. A thread per socket blocks in
 * {@code receive}, decodes, lets the engine decide and sends the reply itself; a reply that commits
 * a lease leaves only once the lease record is durable on the state bus (group-committed with every
 * other record that arrived meanwhile), sent by the thread that completes it, or by the thread
 * already sending then ({@link ReplySender}). Malformed packets are dropped and counted by reason;
 * nothing a client sends can stop it.
 *
 * <p>The engine is not thread-safe: every call into it holds {@link #engineLock}, and the lease
 * records it produces are published under that lock too, so the journal keeps the engine's order.
 * Tasks for the engine (config changes, the failover partner's records, reclamation) run one at a
 * time on a task thread of their own, under the same lock.
 *
 * <p>Why not Netty, as the other services: one UDP socket does not need a selector, and a blocking
 * receive costs one system call per datagram where Netty's NIO loop spent an {@code epoll_wait}, a
 * second {@code recvfrom} that finds nothing, a wake-up per journal batch and its pipeline, about a
 * quarter of the server's CPU per exchange (README, DHCP benchmark).
 *
 * <p>A server that listens on the wildcard address (to receive the broadcasts of local clients)
 * also binds the server identifier's address, on the same port, and sends its broadcasts (RFC 2131
 * §4.1: to 255.255.255.255 when the client has no address yet) from there. Linux sends a limited
 * broadcast from a socket bound to an address out of that address's interface; from a wildcard
 * socket it would follow the routing table, out of the default route's interface or, with none,
 * fail with "network unreachable". ISC dhcpd and Kea avoid this with a raw socket per interface.
 */
public final class DhcpServer implements ProvisioningService, LeaseControl {
  private static final Logger log = LoggerFactory.getLogger(DhcpServer.class);
  private static final int MIN_REPLY_SIZE = 576;
  private static final Ipv4Address LIMITED_BROADCAST = Ipv4Address.parse("255.255.255.255");

  /** The largest UDP payload: a longer datagram cannot arrive, so none is cut short unseen. */
  private static final int MAX_DATAGRAM = 65_535;

  /** How often expired leases are reclaimed. */
  private static final long RECLAIM_INTERVAL_MILLIS = 1_000;

  private final DhcpEngine engine;
  private final BusPublisher bus;
  private final DhcpDecoder decoder = new DhcpDecoder();
  private final DhcpEncoder encoder = new DhcpEncoder();
  private final StatisticsRegistry registry;
  private final Counter malformed;
  private final Counter internalErrors;
  private final Counter repliesTrimmed;
  private final Counter sendFailures;
  private final Counter journalFailures;
  private final LatencyHistogram latency;
  private final Map<DhcpDecodeException.Reason, Counter> decodeErrors =
      new EnumMap<>(DhcpDecodeException.Reason.class);

  /** Every reply leaves through it: the receivers and the journal writer never wait on a socket. */
  private final ReplySender replies =
      new ReplySender((from, datagram, to) -> from.send(datagram, to), this::sendFailed);

  /** Held for every call into the engine and every lease record it hands to the bus. */
  private final ReentrantLock engineLock = new ReentrantLock();

  private volatile DhcpConfig config;
  private volatile ServiceState state = ServiceState.NEW;
  private volatile ReplicationGate replication = ReplicationGate.NONE;
  private volatile ScheduledExecutorService tasks;
  private final List<Thread> receivers = new ArrayList<>();
  private volatile DatagramChannel channel;

  /** Bound to the server identifier when {@link #channel} is bound to the wildcard, else null. */
  private volatile DatagramChannel linkChannel;

  public DhcpServer(
      DhcpConfig config, DhcpEngine engine, BusPublisher bus, StatisticsRegistry registry) {
    this.config = config;
    this.engine = engine;
    this.bus = bus;
    this.registry = registry;
    registry.declare(DhcpStatistics.DEFINITIONS);
    this.malformed = registry.counter("dhcp.dropped.malformed");
    this.internalErrors = registry.counter("dhcp.dropped.internal_error");
    this.sendFailures = registry.counter("dhcp.send_failures");
    this.repliesTrimmed = registry.counter("dhcp.replies_trimmed");
    this.journalFailures = registry.counter("dhcp.journal_failures");
    this.latency = new LatencyHistogram(registry, "dhcp.latency_us");
    registry.gauge("dhcp.offers.pending", engine::pendingOffers);
    registry.gauge("dhcp.held_for_partner", engine::heldForPartner);
    for (DhcpDecodeException.Reason reason : DhcpDecodeException.Reason.values()) {
      decodeErrors.put(reason, registry.counter("dhcp.decode_errors." + reason.label()));
    }
  }

  @Override
  public String name() {
    return "dhcp";
  }

  @Override
  public ServiceState state() {
    return state;
  }

  public InetSocketAddress localAddress() {
    return localAddress(channel);
  }

  private static InetSocketAddress localAddress(DatagramChannel socket) {
    try {
      return (InetSocketAddress) socket.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("the DHCP socket is closed", e);
    }
  }

  @Override
  public synchronized void start() throws InterruptedException {
    state = ServiceState.STARTING;
    try {
      channel = bind(config.listen());
    } catch (IOException e) {
      state = ServiceState.FAILED;
      throw new IllegalStateException(
          "cannot bind the DHCP socket " + config.listen() + ":" + config.port() + ": " + e, e);
    }
    Ipv4Address serverId = config.effectiveServerIdentifier();
    if (config.listen().equals(Ipv4Address.ANY) && !serverId.equals(Ipv4Address.ANY)) {
      try {
        linkChannel = bind(serverId);
      } catch (IOException e) {
        // Not an address of this host (NAT, a typo): broadcasts then follow the routing table.
        log.warn(
            "DHCP_LINK_SOCKET_UNAVAILABLE address={}:{}: {}; broadcast replies follow the"
                + " routing table",
            serverId,
            config.port(),
            e.toString());
      }
    }
    tasks = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("dhcp-engine-tasks"));
    tasks.scheduleWithFixedDelay(
        this::reclaim, RECLAIM_INTERVAL_MILLIS, RECLAIM_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    receive(channel, "dhcp-io");
    if (linkChannel != null) {
      receive(linkChannel, "dhcp-io-link");
    }
    state = ServiceState.RUNNING;
    log.info(
        "DHCP_LISTENING address={} server_id={} broadcasts_from={}",
        localAddress(),
        serverId,
        localAddress(linkChannel == null ? channel : linkChannel));
  }

  /** A blocking IPv4 UDP socket on {@code address}:port. */
  private DatagramChannel bind(Ipv4Address address) throws IOException {
    DatagramChannel socket = DatagramChannel.open(StandardProtocolFamily.INET);
    try {
      socket.setOption(StandardSocketOptions.SO_BROADCAST, true);
      socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      socket.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      socket.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
      socket.bind(new InetSocketAddress(address.toInetAddress(), config.port()));
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private void receive(DatagramChannel socket, String threadName) {
    Thread thread = DaemonThreads.create(threadName, () -> receiveLoop(socket));
    receivers.add(thread);
    thread.start();
  }

  @Override
  public synchronized void stop() {
    if (tasks == null || state == ServiceState.STOPPED) {
      return;
    }
    state = ServiceState.STOPPING;
    closeQuietly(linkChannel);
    closeQuietly(channel); // wakes the receivers blocked in receive
    for (Thread receiver : receivers) {
      try {
        receiver.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    receivers.clear();
    tasks.shutdown();
    try {
      tasks.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    state = ServiceState.STOPPED;
  }

  private static void closeQuietly(DatagramChannel socket) {
    if (socket == null) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("DHCP_SOCKET_CLOSE_FAILED {}", e.toString());
    }
  }

  /**
   * Makes every reply that commits a lease wait, after the record is durable, until the gate opens
   * (failover: the partner has the record too).
   */
  public void replicateThrough(ReplicationGate gate) {
    this.replication = gate == null ? ReplicationGate.NONE : gate;
  }

  /**
   * Runs a task for the engine, holding the engine to itself: config changes and the peer's lease
   * records. Tasks run one at a time, in the order given, on the task thread; before the server
   * starts, at once on the caller's.
   */
  public void execute(Runnable task) {
    ScheduledExecutorService executor = tasks;
    if (executor != null) {
      executor.execute(() -> runTask(task));
    } else {
      runTask(task);
    }
  }

  private void runTask(Runnable task) {
    engineLock.lock();
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("DHCP_TASK_FAILED task={}", task, e);
      if (tasks == null) {
        throw e;
      }
    } finally {
      engineLock.unlock();
    }
  }

  /**
   * Applies a new DHCP config on the engine's thread. Whether the server runs, its address, port
   * and identifier stay as they started until a restart (the API refuses to change them; the
   * partner's versions keep them): the engine used to answer on the new ones, replies to the new
   * port and a new option 54, while the sockets were the old ones.
   */
  public void reconfigure(DhcpConfig next) {
    DhcpConfig previous = config;
    DhcpConfig running = next.onSocketsOf(previous);
    config = running;
    execute(() -> engine.reconfigure(running));
    if (!running.enabled().equals(next.enabled())
        || !running.listen().equals(next.listen())
        || !running.port().equals(next.port())
        || !running.effectiveServerIdentifier().equals(next.effectiveServerIdentifier())) {
      log.warn(
          "DHCP_RESTART_REQUIRED enabled={} listen={}:{} server_id={}: taken at the next start",
          next.enabled(),
          next.listen(),
          next.port(),
          next.effectiveServerIdentifier());
    }
  }

  /**
   * Releases a lease for an operator, as every lease change: journaled, then held until the partner
   * has it (as an ACK would be), then the future completes. A standby releases nothing: the server
   * that serves owns the leases' changes.
   */
  @Override
  public CompletableFuture<LeaseRecord> release(Ipv4Address address) {
    CompletableFuture<LeaseRecord> done = new CompletableFuture<>();
    execute(
        () -> {
          try {
            if (engine.mode() == ServingMode.STANDBY) {
              throw new IllegalStateException(
                  "this server stands by and changes no lease: release it on the server that"
                      + " serves");
            }
            LeaseRecord released = engine.releaseByOperator(address);
            bus.publish(RecordType.LEASE, released.encode())
                .whenComplete(
                    (record, e) -> {
                      if (e != null) {
                        journalFailed(e, released);
                        done.completeExceptionally(e);
                      } else {
                        replication
                            .replicated(record)
                            .whenComplete((ignored, notReplicated) -> done.complete(released));
                      }
                    });
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  /** On the task thread, under the engine lock. */
  private void reclaim() {
    engineLock.lock();
    try {
      List<LeaseRecord> expired = engine.reclaimExpired();
      for (LeaseRecord lease : expired) {
        bus.publish(RecordType.LEASE, lease.encode())
            .whenComplete(
                (record, e) -> {
                  if (e != null) {
                    journalFailed(e, lease);
                  }
                });
      }
    } catch (RuntimeException e) {
      log.error("DHCP_RECLAIM_FAILED", e);
    } finally {
      engineLock.unlock();
    }
  }

  private void journalFailed(Throwable e, LeaseRecord lease) {
    journalFailures.increment();
    log.error(
        "DHCP_LEASE_NOT_DURABLE address={} state={}: {}; no reply sent",
        lease.address(),
        lease.state(),
        e.toString());
  }

  /** A receiver thread: until its socket closes, one datagram after the other. */
  private void receiveLoop(DatagramChannel socket) {
    ByteBuffer datagram = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    // The datagram's octets for the decoder, reused from packet to packet (the decoded message
    // copies what it keeps).
    byte[] octets = new byte[MAX_DATAGRAM];
    while (socket.isOpen()) {
      SocketAddress sender;
      try {
        datagram.clear();
        sender = socket.receive(datagram);
      } catch (ClosedChannelException e) {
        return; // stop() closed it
      } catch (IOException e) {
        log.warn("DHCP_SOCKET_ERROR {}", e.toString());
        continue;
      }
      long receivedAt = System.nanoTime();
      int length = datagram.flip().remaining();
      datagram.get(octets, 0, length);
      try {
        handle(octets, length, (InetSocketAddress) sender, receivedAt);
      } catch (RuntimeException e) {
        // A bug, not a client's fault: count it, keep serving everyone else.
        internalErrors.increment();
        log.error("DHCP_HANDLER_FAILED from={}", sender, e);
      }
    }
  }

  private void handle(byte[] octets, int length, InetSocketAddress sender, long receivedAt) {
    DhcpMessage request;
    try {
      request = decoder.decodeRequest(octets, 0, length);
    } catch (DhcpDecodeException e) {
      malformed.increment();
      decodeErrors.get(e.reason()).increment();
      return;
    }
    DhcpOutcome outcome;
    CompletableFuture<BusRecord> durable = null;
    engineLock.lock();
    try {
      Optional<DhcpOutcome> decided =
          engine.handle(
              request,
              new DhcpRequestContext(Ipv4Address.of(sender.getAddress()), sender.getPort()));
      if (decided.isEmpty()) {
        return;
      }
      outcome = decided.get();
      if (outcome.superseded() != null) {
        bus.publish(RecordType.LEASE, outcome.superseded().encode()); // durable with the next
      }
      if (outcome.leaseChange() != null) {
        // Under the lock: the journal keeps the order in which the engine changed the lease.
        durable = bus.publish(RecordType.LEASE, outcome.leaseChange().encode());
      }
    } catch (RuntimeException e) {
      internalErrors.increment();
      log.error(
          "DHCP_ENGINE_FAILED xid={} type={}", request.transactionId(), request.messageType(), e);
      return;
    } finally {
      engineLock.unlock();
    }
    if (durable == null) {
      send(request, outcome, receivedAt);
      return;
    }
    DhcpOutcome committed = outcome;
    durable.whenComplete(
        (record, e) -> {
          if (e != null) {
            journalFailed(e, committed.leaseChange());
            return;
          }
          CompletableFuture<Void> replicated = replication.replicated(record);
          if (replicated.isDone()) {
            // Nothing to wait for (standalone, or answered at once): no stage to allocate.
            send(request, committed, receivedAt);
          } else {
            replicated.whenComplete(
                (ignored, notReplicated) -> send(request, committed, receivedAt));
          }
        });
  }

  /**
   * Encodes and sends a reply, on whichever thread has it ready: the receiver for a reply that
   * commits nothing, the journal's (or the replication's) for one that waited for its lease. A
   * thread that finds another sending hands its reply over ({@link ReplySender}).
   */
  private void send(DhcpMessage request, DhcpOutcome outcome, long receivedAt) {
    if (outcome.reply() == null) {
      return;
    }
    SendBuffers buffers = SEND_BUFFERS.get();
    int length;
    try {
      length = encode(request, outcome.reply(), buffers.octets);
    } catch (DhcpEncodeException e) {
      sendFailures.increment();
      log.warn("DHCP_REPLY_TOO_LARGE xid={}: {}", request.transactionId(), e.getMessage());
      return;
    }
    InetSocketAddress to = buffers.destination(outcome.destination(), outcome.destinationPort());
    DatagramChannel from =
        linkChannel != null && outcome.destination().equals(LIMITED_BROADCAST)
            ? linkChannel
            : channel;
    ByteBuffer datagram = buffers.datagram.clear();
    replies.send(from, datagram.put(buffers.octets, 0, length).flip(), to);
    latency.recordNanos(System.nanoTime() - receivedAt);
  }

  /**
   * Encodes a reply within the size its client takes; one too large is cut down to the options the
   * client asked for that fit ({@link ReplyTrimming}) rather than not sent, its lease being
   * committed.
   */
  private int encode(DhcpMessage request, DhcpMessage reply, byte[] octets)
      throws DhcpEncodeException {
    int maxSize =
        Math.max(request.options().maxMessageSize().orElse(MIN_REPLY_SIZE), MIN_REPLY_SIZE);
    try {
      return encoder.encode(reply, maxSize, octets);
    } catch (DhcpEncodeException tooLarge) {
      int length = ReplyTrimming.encodeTrimmed(encoder, reply, request, maxSize, octets);
      repliesTrimmed.increment();
      log.info(
          "DHCP_REPLY_TRIMMED xid={}: {}; sent with the requested options that fit",
          request.transactionId(),
          tooLarge.getMessage());
      return length;
    }
  }

  private void sendFailed(SocketAddress to, IOException e) {
    sendFailures.increment();
    log.debug("DHCP_SEND_FAILED to={}: {}", to, e.toString());
  }

  /**
   * Where a thread encodes and sends its replies: the receivers, the journal writer and the
   * failover link all send, and none allocates a packet for it.
   */
  private static final class SendBuffers {
    final byte[] octets = new byte[MAX_DATAGRAM];
    final ByteBuffer datagram = ByteBuffer.allocateDirect(MAX_DATAGRAM);

    /** The last destination: behind a CMTS every reply goes to the same relay address and port. */
    private InetSocketAddress lastDestination;

    private int lastAddress;

    InetSocketAddress destination(Ipv4Address address, int port) {
      if (lastDestination == null
          || lastAddress != address.value()
          || lastDestination.getPort() != port) {
        lastDestination = new InetSocketAddress(address.toInetAddress(), port);
        lastAddress = address.value();
      }
      return lastDestination;
    }
  }

  private static final ThreadLocal<SendBuffers> SEND_BUFFERS =
      ThreadLocal.withInitial(SendBuffers::new);
}
