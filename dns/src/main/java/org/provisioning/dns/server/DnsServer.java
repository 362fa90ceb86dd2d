package org.provisioning.dns.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.config.DnsZoneConfig;
import org.provisioning.common.control.DnsUpdateView;
import org.provisioning.common.control.DnsZoneView;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.engine.DnsEngine;
import org.provisioning.dns.engine.DnsStatistics;
import org.provisioning.dns.engine.DnsTransport;
import org.provisioning.dns.notify.DnsNotifier;
import org.provisioning.dns.zone.ClientRRsets;
import org.provisioning.dns.zone.DnsKeys;
import org.provisioning.dns.zone.DnsState;
import org.provisioning.dns.zone.DnsZone;
import org.provisioning.dns.zone.DnsZones;
import org.provisioning.dns.zone.SerialFloors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * Authoritative DNS on one port, UDP and TCP. The zones and keys are swapped whole when the config
 * changes ({@link #apply}); a zone whose data (SOA, NS, static records) is configured as before is
 * kept with its dynamic records and only takes the new policy.
 */
public final class DnsServer implements ProvisioningService, DnsZoneView {
  private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

  /** Answers queued for one TCP client before its connection stops being read. */
  static final int TCP_PENDING_BYTES = 256 << 10;

  /** Event loops (and UDP sockets) at most: beyond this the engine, not the loops, is the limit. */
  private static final int MAX_LOOPS = 4;

  /** Threads that answer updates: each waits for its change's fsync, several share one. */
  private static final int UPDATE_THREADS = 4;

  /** Updates waiting for a thread at most; beyond, dropped and counted (the client asks again). */
  private static final int UPDATE_QUEUE = 1024;

  private final Clock clock;
  private final SerialFloors floors;
  private final ClientRRsets clientRRsets;
  private final DnsStatistics stats;
  private final DnsEngine engine;
  private final DnsTcpConnections tcpConnections;
  private volatile DnsConfig config;
  private volatile DnsZones zones;
  private volatile DnsKeys keys;
  private volatile ServiceState state = ServiceState.NEW;
  private volatile DnsNotifier notifier;
  private DnsNotifier.Timing notifyTiming = DnsNotifier.Timing.defaults();
  private EventLoopGroup group;

  /**
   * Answers updates, off the event loops: an update waits for the journal (a group commit's linger
   * and an fsync, 10 s at worst), and on an event loop every query it serves waited as long.
   */
  private volatile ThreadPoolExecutor updateThreads;

  private final Counter updatesDropped;
  private Channel tcp;
  private final List<Channel> udp = new ArrayList<>();
  private final UdpHandler udpHandler = new UdpHandler();
  private volatile CompletableFuture<?> namesPublished = CompletableFuture.completedFuture(null);

  public DnsServer(DnsConfig config, Clock clock, StatisticsRegistry registry) throws IOException {
    this(config, clock, registry, DnsState.inMemory());
  }

  /**
   * A server on the state kept before this start: its zones take serials above the reserved ones (a
   * restart never lowers a serial a secondary holds) and carry the RRsets clients changed; it keeps
   * both current, and answers a client's update once what it changed is durable.
   */
  public DnsServer(DnsConfig config, Clock clock, StatisticsRegistry registry, DnsState state)
      throws IOException {
    this.clock = clock;
    this.stats = new DnsStatistics(registry);
    this.updatesDropped = registry.counter("dns.dropped.update_queue_full");
    this.config = config;
    this.floors = state.serials();
    this.clientRRsets = state.clientRRsets();
    this.zones = DnsZones.fromConfig(config, clock, null, floors);
    tellConfiguredRRsets(zones);
    layClientRRsets(zones.all());
    listen(zones);
    if (clientRRsets != null) {
      clientRRsets.onPartnerChange(this::partnerChanged);
    }
    this.keys = new DnsKeys(config.keys(), clock);
    this.engine =
        new DnsEngine(() -> zones, () -> keys, stats, config.udpPayloadLimit(), clientRRsets);
    engine.heldUntil(() -> namesPublished.isDone());
    this.tcpConnections =
        new DnsTcpConnections(config.maxTcpConnections(), config.tcpIdleSeconds(), registry);
  }

  /** Tests shorten the NOTIFY retransmission timing; takes effect at the next start. */
  synchronized void setNotifyTiming(DnsNotifier.Timing timing) {
    this.notifyTiming = timing;
  }

  /** Where NOTIFY messages are sent from, while running (tests). */
  InetSocketAddress notifySource() {
    DnsNotifier current = notifier;
    return current == null ? null : current.localAddress();
  }

  /**
   * Tells the clients' RRsets which RRsets the config defines in the zones served: the deletion of
   * one of those is kept for good, as every start builds it again from the config.
   */
  private void tellConfiguredRRsets(DnsZones served) {
    if (clientRRsets != null) {
      clientRRsets.configuredBy(
          key ->
              served
                  .exactly(key.zone())
                  .map(zone -> zone.definedByConfig(key.name(), key.type()))
                  .orElse(false));
    }
  }

  /** Lays what clients made of their RRsets over zones just built from the config. */
  private void layClientRRsets(Collection<DnsZone> built) {
    if (clientRRsets == null) {
      return;
    }
    for (DnsZone zone : built) {
      for (ClientRRsets.Value value : clientRRsets.of(zone.origin())) {
        lay(zone, value);
      }
    }
  }

  /** A client's change made on the failover partner, now held here too. */
  private void partnerChanged(ClientRRsets.Value value) {
    zones.exactly(value.key().zone()).ifPresent(zone -> lay(zone, value));
  }

  /**
   * Why a client's RRset of this type is never laid, or null: kept by an older version, or by a
   * partner that still takes it, where DnsUpdateHandler now refuses it.
   */
  private static String notLaid(int type) {
    return switch (type) {
      case org.xbill.DNS.Type.NS -> "name servers are the config's alone";
      // Lookups here do not follow a DNAME: the names below it would be NXDOMAIN.
      case org.xbill.DNS.Type.DNAME -> "DNAME is not supported";
      default -> null;
    };
  }

  /**
   * Lays a client's RRset into the zone. One that cannot be laid is left out and logged: an NS an
   * older version took from a client threw here at every start, and the server never started again.
   */
  private static void lay(DnsZone zone, ClientRRsets.Value value) {
    Name name = value.key().name();
    if (!name.subdomain(zone.origin())) {
      return;
    }
    String notLaid = notLaid(value.key().type());
    if (notLaid != null) {
      log.warn(
          "DNS_RRSET_NOT_LAID zone={} name={} type={}: {}",
          zone.origin(),
          name,
          org.xbill.DNS.Type.string(value.key().type()),
          notLaid);
      return;
    }
    synchronized (zone) {
      try {
        if (zone.data().findExactMatch(name, value.key().type()) != null) {
          zone.removeRRset(name, value.key().type());
        }
        value.records().forEach(zone::add);
        zone.commit();
      } catch (RuntimeException e) {
        zone.rollBack();
        log.warn(
            "DNS_RRSET_NOT_LAID zone={} name={} type={}: {}",
            zone.origin(),
            name,
            org.xbill.DNS.Type.string(value.key().type()),
            e.toString());
      }
    }
  }

  /**
   * Every serial a zone takes is reserved in the floors (its first one now), and every committed
   * change reaches the notifier (which is there while running).
   */
  private void listen(DnsZones set) {
    for (DnsZone zone : set.all()) {
      floors.used(zone.origin(), zone.soa().getSerial());
      zone.onChange(this::changed);
    }
  }

  private void changed(DnsZone zone) {
    floors.used(zone.origin(), zone.soa().getSerial());
    DnsNotifier current = notifier;
    if (current != null && namesPublished.isDone()) {
      current.zoneChanged(zone);
    }
  }

  /**
   * While the zones' dynamic names are being published again ({@code published} not done: at start,
   * or after a config change rebuilt zones), transfers and negative answers are SERVFAIL and no
   * NOTIFY goes out; once done, every zone's secondaries are notified. A secondary would otherwise
   * copy a zone that lacks most of its names, under a serial above the one it held.
   */
  public void holdUntilNamesPublished(CompletableFuture<?> published) {
    namesPublished = published;
    published.whenComplete(
        (done, failure) -> {
          DnsNotifier current = notifier;
          if (current != null && namesPublished == published) {
            zones.all().forEach(current::zoneChanged);
          }
        });
  }

  @Override
  public String name() {
    return "dns";
  }

  @Override
  public ServiceState state() {
    return state;
  }

  public DnsEngine engine() {
    return engine;
  }

  public DnsZones servedZones() {
    return zones;
  }

  public DnsConfig config() {
    return config;
  }

  @Override
  public synchronized void start() throws Exception {
    if (!config.enabled()) {
      state = ServiceState.DISABLED;
      return;
    }
    state = ServiceState.STARTING;
    try {
      // Epoll where the platform has it: UDP then gets one socket per event loop on the same port
      // (SO_REUSEPORT), so the kernel spreads queries over the loops; NIO (one UDP socket) where
      // it does not.
      boolean epoll = Epoll.isAvailable();
      int loops = Math.max(1, Math.min(MAX_LOOPS, Runtime.getRuntime().availableProcessors()));
      DefaultThreadFactory threads = new DefaultThreadFactory("dns", true);
      updateThreads =
          new ThreadPoolExecutor(
              UPDATE_THREADS,
              UPDATE_THREADS,
              30,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(UPDATE_QUEUE),
              DaemonThreads.factory("dns-update"));
      updateThreads.allowCoreThreadTimeOut(true);
      group =
          epoll ? new EpollEventLoopGroup(loops, threads) : new NioEventLoopGroup(loops, threads);
      InetSocketAddress address =
          new InetSocketAddress(config.listen().toInetAddress(), config.port());
      tcp =
          new ServerBootstrap()
              .group(group)
              .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
              // Answers queue in memory only up to this much per connection: then its reading
              // stops until the client reads (TcpHandler), or a client that pipelined queries and
              // never read grew the heap with every one of them.
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(64 << 10, TCP_PENDING_BYTES))
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                      // RFC 7766 section 8: two-octet length prefix; connections bounded and
                      // idle ones let go (sections 6.2.3, 10). Netty's maximum counts the prefix:
                      // 65537 lets messages of up to 65535 octets through.
                      channel
                          .pipeline()
                          .addLast(new LengthFieldBasedFrameDecoder(65537, 0, 2, 0, 2))
                          .addLast(tcpConnections.handler())
                          .addLast(new LengthFieldPrepender(2))
                          .addLast(new TcpHandler());
                    }
                  })
              .bind(address)
              .sync()
              .channel();
      InetSocketAddress bound = (InetSocketAddress) tcp.localAddress();
      int sockets = epoll ? loops : 1;
      for (int i = 0; i < sockets; i++) {
        Bootstrap bootstrap =
            new Bootstrap()
                .group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(udpHandler);
        if (epoll) {
          bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        udp.add(bootstrap.bind(bound).sync().channel());
      }
      notifier = new DnsNotifier(config.listen().toInetAddress(), notifyTiming, stats.registry());
      // RFC 1996 section 4: a primary that (re)loads its zones tells their secondaries (once
      // their names are in).
      if (namesPublished.isDone()) {
        zones.all().forEach(notifier::zoneChanged);
      }
      state = ServiceState.RUNNING;
      log.info(
          "DNS_STARTED address={} zones={} transport={} udp_sockets={}",
          bound,
          zones.all().size(),
          epoll ? "epoll" : "nio",
          sockets);
    } catch (Exception e) {
      state = ServiceState.FAILED;
      release();
      throw e;
    }
  }

  /**
   * Applies a new DNS config live; a change of address or port rebinds the sockets, as does any
   * config, the same one included, while the service is FAILED (its port may be free now).
   */
  public synchronized void apply(DnsConfig next) throws Exception {
    DnsConfig previous = config;
    boolean failed = state == ServiceState.FAILED;
    if (previous.equals(next) && !failed) {
      return;
    }
    // Zones whose data is configured as before keep their dynamic records.
    DnsZones before = zones;
    Map<DnsZone, List<DnsZoneConfig.DnsNotifyConfig>> notifiedBefore = new HashMap<>();
    before.all().forEach(zone -> notifiedBefore.put(zone, zone.config().alsoNotify()));
    DnsZones after = DnsZones.fromConfig(next, clock, before, floors);
    List<DnsZone> rebuilt = new ArrayList<>(after.all());
    rebuilt.removeAll(before.all());
    // The zones replaced take no update from here: one that held a zone's lock has recorded its
    // RRsets, which the new zone is laid with below; one that comes after goes to the new zone.
    // An update that slipped in between went into the zone thrown away, answered NOERROR.
    List<DnsZone> replaced = new ArrayList<>(before.all());
    replaced.removeAll(after.all());
    for (DnsZone old : replaced) {
      synchronized (old) {
        old.retire();
      }
    }
    tellConfiguredRRsets(after);
    layClientRRsets(rebuilt);
    listen(after);
    zones = after;
    keys = new DnsKeys(next.keys(), clock);
    engine.setUdpPayloadLimit(next.udpPayloadLimit());
    tcpConnections.limit(next.maxTcpConnections(), next.tcpIdleSeconds());
    config = next;
    log.info("DNS_RECONFIGURED zones={}", zones.all().size());
    boolean rebind =
        failed
            || previous.enabled() != next.enabled()
            || !previous.listen().equals(next.listen())
            || !previous.port().equals(next.port());
    if (rebind && state != ServiceState.NEW) {
      release();
      start(); // notifies every zone
      return;
    }
    // Rebuilt zones have new data and serials; kept zones with new secondaries tell them.
    for (DnsZone zone : after.all()) {
      if (!zone.config().alsoNotify().equals(notifiedBefore.get(zone))) {
        changed(zone);
      }
    }
  }

  public synchronized InetSocketAddress localAddress() {
    return tcp == null ? null : (InetSocketAddress) tcp.localAddress();
  }

  /** The recent dynamic updates, received and made for leases, for the console. */
  public DnsUpdateView recentUpdates() {
    return engine.updates().recent();
  }

  @Override
  public List<ZoneSummary> zones() {
    return zones.all().stream()
        .sorted(java.util.Comparator.comparing(z -> z.origin().toString()))
        .map(
            z ->
                new ZoneSummary(
                    z.origin().toString(), z.soa().getSerial(), z.presentation().size()))
        .toList();
  }

  @Override
  public java.util.Optional<List<String>> records(String zone) {
    try {
      return zones
          .exactly(org.xbill.DNS.Name.fromString(zone, org.xbill.DNS.Name.root))
          .map(DnsZone::presentation);
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public synchronized void stop() {
    if (state == ServiceState.STOPPED) {
      return;
    }
    state = ServiceState.STOPPING;
    release();
    state = ServiceState.STOPPED;
  }

  private void release() {
    if (updateThreads != null) {
      updateThreads.shutdown();
      updateThreads = null;
    }
    if (notifier != null) {
      notifier.close();
      notifier = null;
    }
    if (tcp != null) {
      tcp.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      tcp = null;
    }
    for (Channel channel : udp) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    udp.clear();
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      group = null;
    }
  }

  /** Answers an update on {@link #updateThreads}; one beyond their queue is dropped, counted. */
  private void answerUpdate(
      byte[] wire, DnsTransport transport, InetSocketAddress source, Consumer<byte[]> reply) {
    ThreadPoolExecutor threads = updateThreads;
    if (threads == null) {
      return; // stopping
    }
    try {
      threads.execute(
          () -> {
            try {
              engine.handle(wire, transport, source).forEach(reply);
            } catch (RuntimeException e) {
              log.error("DNS_UPDATE_HANDLER_FAILED from={}", source, e);
            }
          });
    } catch (RejectedExecutionException e) {
      updatesDropped.increment();
    }
  }

  @ChannelHandler.Sharable
  /**
   * Answers each datagram as it comes; the answers go out together when the read batch ends, so one
   * system call (sendmmsg with epoll) carries many.
   */
  private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      byte[] wire = ByteBufUtil.getBytes(packet.content());
      if (DnsEngine.isUpdate(wire)) {
        InetSocketAddress to = packet.sender();
        answerUpdate(
            wire,
            DnsTransport.UDP,
            to,
            answer -> ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), to)));
        return;
      }
      for (byte[] answer : engine.handle(wire, DnsTransport.UDP, packet.sender())) {
        ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(answer), packet.sender()));
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("DNS_UDP_ERROR {}", cause.toString());
    }
  }

  private final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    /** Reads stop while the answers queued pass the high-water mark, and go on once they drain. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      ctx.channel().config().setAutoRead(ctx.channel().isWritable());
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      byte[] wire = ByteBufUtil.getBytes(frame);
      if (DnsEngine.isUpdate(wire)) {
        // Answered when durable, maybe after later queries' answers: DNS over TCP matches
        // answers to queries by ID, not by order (RFC 7766 section 7).
        answerUpdate(
            wire,
            DnsTransport.TCP,
            (InetSocketAddress) ctx.channel().remoteAddress(),
            answer -> ctx.writeAndFlush(Unpooled.wrappedBuffer(answer)));
        return;
      }
      for (byte[] answer :
          engine.handle(
              wire, DnsTransport.TCP, (InetSocketAddress) ctx.channel().remoteAddress())) {
        ctx.write(Unpooled.wrappedBuffer(answer));
      }
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
