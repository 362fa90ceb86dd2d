package org.provisioning.tod;

import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.provisioning.common.config.TodConfig;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 868 Time of Day on one port, TCP and UDP. TCP: on connection, send the four octets and close
 * (whatever the client sends is ignored). UDP: answer every datagram from a client port, whatever
 * it holds, even an empty one, with the four octets; one from a privileged port is dropped. When
 * {@code requireSync} is on and the clock is not known to be synchronised, nothing is sent: TCP
 * connections are closed at once, datagrams go unanswered, and both are counted as withheld.
 *
 * <p>Statistics: {@code tod.<tcp|udp>.served}, {@code tod.<tcp|udp>.withheld}, {@code
 * tod.udp.dropped.server_port}, {@code tod.sync.check_failed}, and the gauge {@code
 * tod.clock.synchronised} (1 or 0).
 */
public final class TodServer implements ProvisioningService {
  private static final Logger log = LoggerFactory.getLogger(TodServer.class);

  private final Clock clock;
  private final StatisticsRegistry stats;
  private final Function<TodConfig, ClockSyncCheck> syncChecks;
  private final Counter tcpServed;
  private final Counter tcpWithheld;
  private final Counter udpServed;
  private final Counter udpWithheld;
  private final Counter udpFromServerPort;

  /** Source ports under this are servers', never a time client's. */
  static final int FIRST_CLIENT_PORT = 1024;

  private volatile TodConfig config;
  private volatile ClockSyncCheck syncCheck = ClockSyncCheck.ALWAYS;
  private volatile ServiceState state = ServiceState.NEW;
  private EventLoopGroup group;
  private Channel tcp;
  private Channel udp;

  /** Every statistic of the time service. */
  public static final List<StatisticDefinition> STATISTICS =
      List.of(
          counter(
              "tod.{transport}.served",
              "requests",
              "RFC 868 time requests answered, by transport."),
          counter(
              "tod.{transport}.withheld",
              "requests",
              "Time requests left unanswered because the clock is not synchronised."),
          counter(
              "tod.udp.dropped.server_port",
              "datagrams",
              "Datagrams from a privileged source port or this server's own (another server, or a"
                  + " request spoofed as one to start a loop), left unanswered."),
          gauge(
              "tod.clock.synchronised",
              "boolean",
              "1 while the host clock is synchronised (or the check is off), else 0."),
          counter(
              "tod.sync.check_failed",
              "checks",
              "Clock synchronisation checks whose command failed or timed out."));

  /** A server that checks the clock with the configured command. */
  public TodServer(TodConfig config, Clock clock, StatisticsRegistry stats) {
    this(
        config,
        clock,
        stats,
        c ->
            c.requireSync()
                ? new CommandClockSyncCheck(c.syncCommand(), c.syncCheckSeconds(), stats)
                : ClockSyncCheck.ALWAYS);
  }

  /**
   * @param syncChecks builds the clock check for a config; tests hand in their own
   */
  public TodServer(
      TodConfig config,
      Clock clock,
      StatisticsRegistry stats,
      Function<TodConfig, ClockSyncCheck> syncChecks) {
    this.config = Objects.requireNonNull(config);
    this.clock = clock;
    this.stats = stats;
    this.syncChecks = syncChecks;
    stats.declare(STATISTICS);
    this.tcpServed = stats.counter("tod.tcp.served");
    this.tcpWithheld = stats.counter("tod.tcp.withheld");
    this.udpServed = stats.counter("tod.udp.served");
    this.udpWithheld = stats.counter("tod.udp.withheld");
    this.udpFromServerPort = stats.counter("tod.udp.dropped.server_port");
    stats.gauge("tod.clock.synchronised", () -> syncCheck.synchronised() ? 1 : 0);
  }

  @Override
  public String name() {
    return "tod";
  }

  @Override
  public ServiceState state() {
    return state;
  }

  @Override
  public synchronized void start() throws Exception {
    if (!config.enabled()) {
      state = ServiceState.DISABLED;
      return;
    }
    state = ServiceState.STARTING;
    try {
      syncCheck = syncChecks.apply(config);
      group = new NioEventLoopGroup(1, new DefaultThreadFactory("tod", true));
      InetSocketAddress address =
          new InetSocketAddress(config.listen().toInetAddress(), config.port());
      tcp =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                      channel.pipeline().addLast(new TcpHandler());
                    }
                  })
              .bind(address)
              .sync()
              .channel();
      // Port 0 (tests) binds TCP first, then UDP on the port TCP got: one port for both.
      InetSocketAddress bound = (InetSocketAddress) tcp.localAddress();
      udp =
          new Bootstrap()
              .group(group)
              .channel(NioDatagramChannel.class)
              .handler(new UdpHandler())
              .bind(bound)
              .sync()
              .channel();
      state = ServiceState.RUNNING;
      log.info(
          "TOD_STARTED address={} requireSync={} synchronised={}",
          bound,
          config.requireSync(),
          syncCheck.synchronised());
    } catch (Exception e) {
      state = ServiceState.FAILED;
      release();
      throw e;
    }
  }

  /**
   * Applies a new config live: the clock check is replaced; a change of address, port or the
   * enabled switch rebinds the sockets.
   *
   * @throws Exception if a socket cannot be bound: the service is then FAILED until a config is
   *     applied that it can take
   */
  public synchronized void apply(TodConfig next) throws Exception {
    TodConfig previous = config;
    config = next;
    // A service that failed to take a config takes the same config again: its port may be free now.
    if ((previous.equals(next) && state != ServiceState.FAILED) || state == ServiceState.NEW) {
      return;
    }
    log.info("TOD_RECONFIGURED enabled={} port={}", next.enabled(), next.port());
    release();
    start();
  }

  /** The bound address (the port is the real one when the config said 0). */
  public synchronized InetSocketAddress localAddress() {
    return tcp == null ? null : (InetSocketAddress) tcp.localAddress();
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
    if (tcp != null) {
      tcp.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      tcp = null;
    }
    if (udp != null) {
      udp.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      udp = null;
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      group = null;
    }
    syncCheck.close();
    syncCheck = ClockSyncCheck.ALWAYS;
  }

  private final class TcpHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (!syncCheck.synchronised()) {
        tcpWithheld.increment();
        ctx.close();
        return;
      }
      tcpServed.increment();
      ctx.writeAndFlush(Unpooled.wrappedBuffer(TodTime.bytes(clock.instant())))
          .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset from a client that went away before reading: nothing to do but close.
      ctx.close();
    }
  }

  @ChannelHandler.Sharable
  private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      int from = packet.sender().getPort();
      if (from < FIRST_CLIENT_PORT || from == packet.recipient().getPort()) {
        // Clients ask from ephemeral ports; a privileged one is another server (time, echo,
        // chargen, the partner's ToD) or a request spoofed as one: answering would start a loop
        // between the two that one datagram keeps going for ever. So would our own port, where
        // this server listens above 1024 (its partner's ToD, or this very socket spoofed).
        udpFromServerPort.increment();
        return;
      }
      if (!syncCheck.synchronised()) {
        udpWithheld.increment();
        return;
      }
      udpServed.increment();
      ctx.writeAndFlush(
          new DatagramPacket(
              Unpooled.wrappedBuffer(TodTime.bytes(clock.instant())), packet.sender()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // ICMP port unreachable from a client that left: the socket stays open for the others.
      log.debug("TOD_UDP_ERROR {}", cause.toString());
    }
  }
}
