package org.provisioning.dhcp.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.config.DhcpConfig;
import org.provisioning.common.lease.LeaseControl;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.net.Ipv4Address;
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
import org.provisioning.dhcp.engine.ServingMode;
import org.provisioning.dhcp.message.DhcpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCP server's socket: thin Netty glue around the {@link DhcpEngine}. One event-loop thread
 * decodes, decides and encodes; a reply that commits a lease leaves only once the lease record is
 * durable on the state bus (group-committed with every other record that arrived meanwhile).
 * Malformed packets are dropped and counted by reason; nothing a client sends can stop it.
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

  /** How often expired leases are reclaimed. */
  private static final long RECLAIM_INTERVAL_MILLIS = 1_000;

  private final DhcpEngine engine;
  private final BusPublisher bus;
  private final DhcpDecoder decoder = new DhcpDecoder();
  private final DhcpEncoder encoder = new DhcpEncoder();
  private final StatisticsRegistry registry;
  private final Counter malformed;
  private final Counter sendFailures;
  private final Counter journalFailures;
  private final LatencyHistogram latency;
  private final java.util.Map<DhcpDecodeException.Reason, Counter> decodeErrors =
      new java.util.EnumMap<>(DhcpDecodeException.Reason.class);
  private volatile DhcpConfig config;
  private volatile ServiceState state = ServiceState.NEW;
  private final Queue<ReadyReply> ready = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final ChannelFutureListener sendFailed;
  private volatile ReplicationGate replication = ReplicationGate.NONE;
  private EventLoopGroup group;
  private Channel channel;

  /** Bound to the server identifier when {@link #channel} is bound to the wildcard, else null. */
  private Channel linkChannel;

  public DhcpServer(
      DhcpConfig config, DhcpEngine engine, BusPublisher bus, StatisticsRegistry registry) {
    this.config = config;
    this.engine = engine;
    this.bus = bus;
    this.registry = registry;
    registry.declare(DhcpStatistics.DEFINITIONS);
    this.malformed = registry.counter("dhcp.dropped.malformed");
    this.sendFailures = registry.counter("dhcp.send_failures");
    this.sendFailed =
        f -> {
          if (!f.isSuccess()) {
            sendFailures.increment();
            log.debug("DHCP_SEND_FAILED: {}", f.cause().toString());
          }
        };
    this.journalFailures = registry.counter("dhcp.journal_failures");
    this.latency = new LatencyHistogram(registry, "dhcp.latency_us");
    registry.gauge("dhcp.offers.pending", engine::pendingOffers);
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
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public synchronized void start() throws InterruptedException {
    state = ServiceState.STARTING;
    group = new NioEventLoopGroup(1, new DefaultThreadFactory("dhcp-io"));
    try {
      channel = bind(config.listen()).sync().channel();
    } catch (RuntimeException | InterruptedException e) {
      state = ServiceState.FAILED;
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    Ipv4Address serverId = config.effectiveServerIdentifier();
    if (config.listen().equals(Ipv4Address.ANY) && !serverId.equals(Ipv4Address.ANY)) {
      ChannelFuture bound = bind(serverId).await();
      if (bound.isSuccess()) {
        linkChannel = bound.channel();
      } else {
        // Not an address of this host (NAT, a typo): broadcasts then follow the routing table.
        log.warn(
            "DHCP_LINK_SOCKET_UNAVAILABLE address={}:{}: {}; broadcast replies follow the"
                + " routing table",
            serverId,
            config.port(),
            bound.cause().toString());
      }
    }
    channel
        .eventLoop()
        .scheduleWithFixedDelay(
            this::reclaim, RECLAIM_INTERVAL_MILLIS, RECLAIM_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    state = ServiceState.RUNNING;
    log.info(
        "DHCP_LISTENING address={} server_id={} broadcasts_from={}",
        localAddress(),
        serverId,
        linkChannel == null ? localAddress() : linkChannel.localAddress());
  }

  /** An IPv4 UDP socket on {@code address}:port, served by the one event loop and handler. */
  private ChannelFuture bind(Ipv4Address address) {
    return new Bootstrap()
        .group(group)
        .channelFactory(() -> new NioDatagramChannel(InternetProtocolFamily.IPv4))
        .option(ChannelOption.SO_BROADCAST, true)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_RCVBUF, 4 << 20)
        .option(ChannelOption.SO_SNDBUF, 4 << 20)
        .handler(new Handler())
        .bind(new InetSocketAddress(address.toInetAddress(), config.port()));
  }

  @Override
  public synchronized void stop() {
    if (group == null || state == ServiceState.STOPPED) {
      return;
    }
    state = ServiceState.STOPPING;
    if (linkChannel != null) {
      linkChannel.close().syncUninterruptibly();
    }
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    state = ServiceState.STOPPED;
  }

  /**
   * Makes every reply that commits a lease wait, after the record is durable, until the gate opens
   * (failover: the partner has the record too).
   */
  public void replicateThrough(ReplicationGate gate) {
    this.replication = gate == null ? ReplicationGate.NONE : gate;
  }

  /** Runs a task on the engine's thread: config changes and the peer's lease records. */
  public void execute(Runnable task) {
    if (channel != null) {
      channel.eventLoop().execute(task);
    } else {
      task.run();
    }
  }

  /** Applies a new DHCP config on the engine's thread; a new socket address needs a restart. */
  public void reconfigure(DhcpConfig next) {
    DhcpConfig previous = config;
    config = next;
    execute(() -> engine.reconfigure(next));
    if (!previous.listen().equals(next.listen())
        || !previous.port().equals(next.port())
        || !previous.effectiveServerIdentifier().equals(next.effectiveServerIdentifier())) {
      log.warn(
          "DHCP_RESTART_REQUIRED listen={}:{} server_id={}: the sockets change at the next start",
          next.listen(),
          next.port(),
          next.effectiveServerIdentifier());
    }
  }

  /**
   * Releases a lease for an operator, on the engine's thread as every lease change: journaled, then
   * held until the partner has it (as an ACK would be), then the future completes. A standby
   * releases nothing: the server that serves owns the leases' changes.
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

  private void reclaim() {
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

  private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {

    /**
     * The datagram's octets for the decoder, reused from packet to packet (the decoded message
     * copies what it keeps): a copy per request was a third of the bytes the server allocated.
     */
    private final byte[] scratch = new byte[2048];

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      long receivedAt = System.nanoTime();
      ByteBuf content = packet.content();
      int length = content.readableBytes();
      byte[] bytes = length <= scratch.length ? scratch : new byte[length];
      content.getBytes(content.readerIndex(), bytes, 0, length);
      DhcpMessage request;
      try {
        request = decoder.decodeRequest(bytes, 0, length);
      } catch (DhcpDecodeException e) {
        malformed.increment();
        decodeErrors.get(e.reason()).increment();
        return;
      }
      InetSocketAddress sender = packet.sender();
      Optional<DhcpOutcome> decided;
      try {
        decided =
            engine.handle(
                request,
                new DhcpRequestContext(Ipv4Address.of(sender.getAddress()), sender.getPort()));
      } catch (RuntimeException e) {
        // A bug, not a client's fault: count it, keep serving everyone else.
        registry.counter("dhcp.dropped.internal_error").increment();
        log.error(
            "DHCP_ENGINE_FAILED xid={} type={}", request.transactionId(), request.messageType(), e);
        return;
      }
      if (decided.isEmpty()) {
        return;
      }
      DhcpOutcome outcome = decided.get();
      if (outcome.leaseChange() == null) {
        write(request, outcome, receivedAt); // flushed once per read batch

        return;
      }
      CompletableFuture<BusRecord> durable =
          bus.publish(RecordType.LEASE, outcome.leaseChange().encode());
      durable.whenComplete(
          (record, e) -> {
            if (e != null) {
              journalFailed(e, outcome.leaseChange());
            } else {
              replication
                  .replicated(record)
                  .whenComplete(
                      (ignored, notReplicated) ->
                          release(new ReadyReply(request, outcome, receivedAt)));
            }
          });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("DHCP_SOCKET_ERROR {}", cause.toString());
    }
  }

  /**
   * Hands a reply whose lease is durable (and replicated) to the event loop. Replies of one journal
   * batch arrive together: one task writes them all and flushes once, instead of a task, a wake-up
   * and a send call each.
   */
  private void release(ReadyReply reply) {
    ready.add(reply);
    if (drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drainReady);
    }
  }

  private void drainReady() {
    drainScheduled.set(false); // before polling: a reply added after the last poll schedules anew
    ReadyReply reply;
    boolean wrote = false;
    while ((reply = ready.poll()) != null) {
      wrote |= write(reply.request(), reply.outcome(), reply.receivedAt());
    }
    if (wrote) {
      flush();
    }
  }

  private void flush() {
    channel.flush();
    if (linkChannel != null) {
      linkChannel.flush();
    }
  }

  /** Encodes and queues a reply on its socket; the caller flushes. Event-loop thread only. */
  private boolean write(DhcpMessage request, DhcpOutcome outcome, long receivedAt) {
    if (outcome.reply() == null) {
      return false;
    }
    byte[] bytes;
    try {
      int maxSize = request.options().maxMessageSize().orElse(MIN_REPLY_SIZE);
      bytes = encoder.encode(outcome.reply(), Math.max(maxSize, MIN_REPLY_SIZE));
    } catch (DhcpEncodeException e) {
      sendFailures.increment();
      log.warn("DHCP_REPLY_TOO_LARGE xid={}: {}", request.transactionId(), e.getMessage());
      return false;
    }
    InetSocketAddress to =
        new InetSocketAddress(outcome.destination().toInetAddress(), outcome.destinationPort());
    Channel from =
        linkChannel != null && outcome.destination().equals(LIMITED_BROADCAST)
            ? linkChannel
            : channel;
    from.write(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to)).addListener(sendFailed);
    latency.recordNanos(System.nanoTime() - receivedAt);
    return true;
  }

  private record ReadyReply(DhcpMessage request, DhcpOutcome outcome, long receivedAt) {}
}
