package org.provisioning.tftp.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.config.TftpConfig;
import org.provisioning.common.control.TftpTransferView;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.tftp.codec.TftpCodec;
import org.provisioning.tftp.codec.TftpDecodeException;
import org.provisioning.tftp.engine.TftpFileResolver;
import org.provisioning.tftp.engine.TftpRequestHandler;
import org.provisioning.tftp.engine.TftpRoot;
import org.provisioning.tftp.engine.TftpStatistics;
import org.provisioning.tftp.engine.TftpTransfer;
import org.provisioning.tftp.engine.TransferFailure;
import org.provisioning.tftp.message.TftpErrorCode;
import org.provisioning.tftp.message.TftpOpcode;
import org.provisioning.tftp.message.TftpPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TFTP service. Requests arrive on the configured port; each accepted one gets a socket of its
 * own on an ephemeral port (its TID, RFC 1350 section 4), so one client port has at most one
 * transfer and a transfer's packets never queue behind a storm of requests. Requests beyond {@code
 * maxTransfers}, or beyond {@code maxTransfersPerClient} from one address, are refused with an
 * ERROR at once, so a flood costs a datagram each; a request repeated by a client whose transfer is
 * running is ignored. Malformed datagrams are dropped and counted by reason ({@code
 * tftp.dropped.*}); a packet to a transfer's socket from another port gets ERROR 5 and the transfer
 * goes on.
 */
public final class TftpServer implements ProvisioningService {
  private static final Logger log = LoggerFactory.getLogger(TftpServer.class);

  private final Path home;
  private final TftpStatistics stats;
  private final List<TftpFileResolver> generators;
  private final Map<InetSocketAddress, Active> active = new ConcurrentHashMap<>();
  private final TftpTransferLog recent = new TftpTransferLog(java.time.Clock.systemUTC());

  /**
   * A running transfer: its socket, and the request it answers (to tell a repeat from a new one).
   */
  private record Active(Channel channel, TftpPacket.Request request) {}

  private volatile TftpConfig config;
  private volatile TftpRequestHandler handler;
  private volatile ServiceState state = ServiceState.NEW;
  private EventLoopGroup group;
  private Channel requests;

  /**
   * Where refusals of requests come from: a port of their own, as a transfer's would (clients such
   * as Commons Net's take a reply from the request port as a protocol error), but one shared by
   * every refusal, so a flood of refused requests costs no socket each.
   */
  private Channel refusals;

  /**
   * @param home the installation directory, against which relative roots resolve
   * @param generators resolvers asked before the served root (DOCSIS files built on request)
   */
  public TftpServer(
      TftpConfig config, Path home, StatisticsRegistry stats, List<TftpFileResolver> generators) {
    this.config = Objects.requireNonNull(config);
    this.home = home;
    this.stats = new TftpStatistics(stats);
    this.generators = List.copyOf(generators);
    stats.gauge("tftp.transfers.active", active::size);
  }

  @Override
  public String name() {
    return "tftp";
  }

  @Override
  public ServiceState state() {
    return state;
  }

  public TftpStatistics statistics() {
    return stats;
  }

  /** The recent transfers, failures and refusals, for the console. */
  public TftpTransferView transfers() {
    return recent;
  }

  @Override
  public synchronized void start() throws Exception {
    if (!config.enabled()) {
      state = ServiceState.DISABLED;
      return;
    }
    state = ServiceState.STARTING;
    try {
      handler = handlerFor(config);
      group =
          new NioEventLoopGroup(
              Math.min(2, Runtime.getRuntime().availableProcessors()),
              new DefaultThreadFactory("tftp", true));
      requests =
          new Bootstrap()
              .group(group)
              .channel(NioDatagramChannel.class)
              .option(ChannelOption.SO_RCVBUF, 4 << 20)
              .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
              .handler(new RequestHandler())
              .bind(new InetSocketAddress(config.listen().toInetAddress(), config.port()))
              .sync()
              .channel();
      refusals =
          new Bootstrap()
              .group(group)
              .channel(NioDatagramChannel.class)
              .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
              .bind(new InetSocketAddress(config.listen().toInetAddress(), 0))
              .sync()
              .channel();
      state = ServiceState.RUNNING;
      log.info(
          "TFTP_STARTED address={} root={} writable={} maxTransfers={}",
          requests.localAddress(),
          config.rootDirectory(home),
          config.writeDirectory(home),
          config.maxTransfers());
    } catch (Exception e) {
      state = ServiceState.FAILED;
      release();
      throw e;
    }
  }

  private TftpRequestHandler handlerFor(TftpConfig next) throws IOException {
    List<TftpFileResolver> resolvers = new ArrayList<>(generators);
    resolvers.add(new TftpRoot(next.rootDirectory(home)));
    Path writable = next.writeDirectory(home);
    return new TftpRequestHandler(
        next, resolvers, writable == null ? null : new TftpRoot(writable), stats);
  }

  /**
   * Applies a new config live. Roots and limits apply to the next request (transfers running keep
   * theirs); a change of address, port or the enabled switch rebinds the socket.
   *
   * @throws Exception if the socket cannot be bound: the service is then FAILED until a config is
   *     applied that it can take
   */
  public synchronized void apply(TftpConfig next) throws Exception {
    TftpConfig previous = config;
    if (state == ServiceState.NEW) {
      config = next;
      return;
    }
    // A service that failed to take a config takes the same config again: its port may be free
    // now, its directory made.
    if (previous.equals(next) && state != ServiceState.FAILED) {
      return;
    }
    if (state == ServiceState.RUNNING
        && previous.listen().equals(next.listen())
        && previous.port().equals(next.port())
        && next.enabled()) {
      // The config counts as taken once its handler is: one whose directory is missing stays
      // untaken, so that the next version tries again rather than passing for applied.
      handler = handlerFor(next);
      config = next;
      log.info("TFTP_RECONFIGURED root={}", next.rootDirectory(home));
      return;
    }
    config = next; // a start that fails leaves the service FAILED, which the next apply retries
    release();
    start();
  }

  /** The request socket's address (the real port when the config said 0). */
  public synchronized InetSocketAddress localAddress() {
    return requests == null ? null : (InetSocketAddress) requests.localAddress();
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
    if (requests != null) {
      requests.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      requests = null;
    }
    if (refusals != null) {
      refusals.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      refusals = null;
    }
    for (Active transfer : active.values()) {
      transfer.channel().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      group = null;
    }
    active.clear();
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  private final class RequestHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
      long now = System.currentTimeMillis();
      InetSocketAddress client = datagram.sender();
      TftpPacket packet;
      try {
        packet =
            TftpCodec.decode(
                ByteBufUtil.getBytes(datagram.content()), datagram.content().readableBytes());
      } catch (TftpDecodeException e) {
        stats.dropped(e.reason().statName());
        return;
      }
      if (!(packet instanceof TftpPacket.Request request)) {
        stats.dropped("not_a_request");
        return;
      }
      Active running = active.get(client);
      if (running != null) {
        TransferHandler old = running.channel().pipeline().get(TransferHandler.class);
        if (running.request().equals(request)
            && (old == null || !old.heardFromClient || old.heardWithin(config.timeoutMillis()))) {
          // The client sent its request again before our first answer reached it, or its
          // retransmission waited in the queue behind the request while the transfer began: the
          // transfer it answers goes on (superseded, the client, bound to its port, failed).
          stats.duplicateRequests().increment();
          return;
        }
        // A new request from the same port, or the same one from a client silent on the old
        // transfer for a timeout (a modem that rebooted and kept its port): it has moved on.
        if (old != null) {
          old.superseded = true;
        }
        running.channel().close();
        active.remove(client, running);
      }
      if (active.size() >= config.maxTransfers()) {
        stats.refused("busy");
        reply(
            refusals, client, TftpCodec.error(TftpErrorCode.NOT_DEFINED, "server busy, try again"));
        recent.refused(
            client, request.filename(), request.write(), "busy", "server busy, try again", now);
        return;
      }
      if (active.size() >= config.maxTransfersPerClient()
          && transfersFrom(client.getAddress()) >= config.maxTransfersPerClient()) {
        String message = "too many transfers from this address, try again";
        stats.refused("client_busy");
        reply(refusals, client, TftpCodec.error(TftpErrorCode.NOT_DEFINED, message));
        recent.refused(client, request.filename(), request.write(), "client_busy", message, now);
        return;
      }
      TftpRequestHandler.Decision decision = handler.handle(request, client);
      if (decision instanceof TftpRequestHandler.Decision.Refuse refuse) {
        reply(refusals, client, refuse.error());
        recent.refused(
            client, request.filename(), request.write(), refuse.reason(), refuse.message(), now);
        return;
      }
      TftpTransfer transfer = ((TftpRequestHandler.Decision.Accept) decision).transfer();
      open(client, transfer, request);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // ICMP unreachable from a client that left, or a bug: the request socket keeps serving.
      log.debug("TFTP_REQUEST_SOCKET_ERROR {}", cause.toString());
    }
  }

  /** The transfers running for an address; counted only when enough run to reach its limit. */
  private int transfersFrom(InetAddress address) {
    int count = 0;
    for (InetSocketAddress client : active.keySet()) {
      if (client.getAddress().equals(address)) {
        count++;
      }
    }
    return count;
  }

  private static void reply(Channel channel, InetSocketAddress to, byte[] packet) {
    channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(packet), to));
  }

  private void open(InetSocketAddress client, TftpTransfer transfer, TftpPacket.Request request) {
    boolean write = request.write();
    TransferHandler transferHandler = new TransferHandler(client, transfer, request);
    ChannelFuture bound =
        new Bootstrap()
            .group(group)
            .channel(NioDatagramChannel.class)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(write ? TftpCodec.MAX_BLOCK + 8 : 1024))
            .handler(transferHandler)
            .bind(new InetSocketAddress(config.listen().toInetAddress(), 0));
    Active entry = new Active(bound.channel(), request);
    active.put(client, entry);
    bound.addListener(
        f -> {
          if (!f.isSuccess()) {
            log.warn(
                "TFTP_TRANSFER_SOCKET_FAILED client={} error={}", client, f.cause().toString());
            stats.refused("no_socket");
            transfer.close();
            active.remove(client, entry);
            bound.channel().close();
            return;
          }
          transferHandler.start(bound.channel());
        });
  }

  /** Runs one transfer on its own socket; every call happens on that socket's event loop. */
  private final class TransferHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final InetSocketAddress client;
    private final TftpTransfer transfer;
    private final TftpPacket.Request request;
    private final long startedMillis = System.currentTimeMillis();
    private Channel channel;
    private ScheduledFuture<?> timer;
    private boolean finished;
    private boolean answeredStranger;
    private volatile boolean superseded;

    /** Whether the client answered on this transfer's port: a repeat of its request may be new. */
    private volatile boolean heardFromClient;

    /** When the client's last datagram came ({@link #now()}). */
    private volatile long lastHeard;

    /** The last datagram sent to the client: the final ACK of an upload, while dallying. */
    private byte[] lastSent;

    /** A completed upload whose socket stays open for one timeout, to ACK its last DATA again. */
    private boolean dallying;

    private final TftpTransfer.Output out = this::send;

    TransferHandler(InetSocketAddress client, TftpTransfer transfer, TftpPacket.Request request) {
      this.client = client;
      this.transfer = transfer;
      this.request = request;
    }

    void start(Channel bound) {
      channel = bound;
      after(transfer.start(now(), out));
      // A client that never answers loses its transfer once the configured timeout's retries have
      // run out (31 s by default), whatever timeout it asked for: the first datagram costs
      // nothing to spoof, and a read request asking timeout 255, never answered, held its slot
      // for over two hours (backed off 8 times over); 2000 of them left every modem "server busy".
      // The last try's answer may still be on its way: one timeout more.
      long unanswered =
          TftpTransfer.allTries(config.timeoutMillis(), config.retries()) + config.timeoutMillis();
      channel.eventLoop().schedule(this::endIfUnanswered, unanswered, TimeUnit.MILLISECONDS);
    }

    /** Whether the client has answered this transfer within the last {@code millis}. */
    boolean heardWithin(long millis) {
      return heardFromClient && now() - lastHeard < millis;
    }

    private void endIfUnanswered() {
      if (!finished && !heardFromClient) {
        abandon(TransferFailure.TIMEOUT);
        channel.close();
      }
    }

    private void send(byte[] packet) {
      lastSent = packet;
      channel.write(new DatagramPacket(Unpooled.wrappedBuffer(packet), client));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
      if (finished || channel == null) {
        if (dallying && client.equals(datagram.sender()) && isData(datagram.content())) {
          // The final ACK was lost and the client sends its last block again: stored already.
          reply(ctx.channel(), client, lastSent);
        }
        return;
      }
      if (!client.equals(datagram.sender())) {
        stats.dropped("unknown_tid");
        // One ERROR 5 per transfer, and none to an ERROR (RFC 1350 section 7): answering every
        // stray datagram, one spoofed from a host that answers everything (another transfer, a
        // time server) kept the two sending to each other for the transfer's whole life.
        if (!answeredStranger && !isError(datagram.content())) {
          answeredStranger = true;
          reply(
              ctx.channel(),
              datagram.sender(),
              TftpCodec.error(TftpErrorCode.UNKNOWN_TID, "unknown transfer ID"));
        }
        return;
      }
      TftpPacket packet;
      try {
        packet =
            TftpCodec.decode(
                ByteBufUtil.getBytes(datagram.content()), datagram.content().readableBytes());
      } catch (TftpDecodeException e) {
        stats.dropped(e.reason().statName());
        return;
      }
      heardFromClient = true;
      lastHeard = now();
      after(transfer.onPacket(packet, now(), out));
    }

    /** Whether a datagram is a TFTP DATA (opcode 3), read without decoding it. */
    private static boolean isData(ByteBuf content) {
      return content.readableBytes() >= 2
          && content.getUnsignedShort(content.readerIndex()) == TftpOpcode.DATA.code();
    }

    /** Whether a datagram is a TFTP ERROR (opcode 5), read without decoding it. */
    private static boolean isError(ByteBuf content) {
      return content.readableBytes() >= 2
          && content.getUnsignedShort(content.readerIndex()) == TftpOpcode.ERROR.code();
    }

    private void onTimer() {
      if (!finished) {
        after(transfer.onTimer(now(), out));
      }
    }

    private void after(TftpTransfer.Status status) {
      channel.flush();
      if (status != TftpTransfer.Status.RUNNING) {
        finish(status);
        return;
      }
      long delay = Math.max(1, transfer.deadline() - now());
      if (timer != null && !timer.isDone() && timer.getDelay(TimeUnit.MILLISECONDS) > delay) {
        // The deadline moved earlier (an ACK reset the backed-off timeout): a timer left for the
        // old one would leave the next lost block waiting up to the longest backoff.
        timer.cancel(false);
        timer = null;
      }
      if (timer == null || timer.isDone()) {
        timer =
            channel.eventLoop().schedule(this::onTimerAndReschedule, delay, TimeUnit.MILLISECONDS);
      }
    }

    private void onTimerAndReschedule() {
      timer = null;
      onTimer();
    }

    private void finish(TftpTransfer.Status status) {
      finished = true;
      if (timer != null) {
        timer.cancel(false);
      }
      transfer.close();
      active.computeIfPresent(client, (k, a) -> a.channel() == channel ? null : a);
      if (status == TftpTransfer.Status.FAILED) {
        log.debug("TFTP_TRANSFER_FAILED client={} reason={}", client, transfer.failure());
      }
      logEnd(status == TftpTransfer.Status.FAILED ? transfer.failure() : null);
      if (status == TftpTransfer.Status.COMPLETED && request.write()) {
        // RFC 1350 section 6: the host sending the final ACK waits a while, to answer the last
        // DATA again if that ACK is lost; the client would otherwise call a stored upload failed.
        dallying = true;
        Channel dally = channel;
        dally
            .eventLoop()
            .schedule(() -> dally.close(), config.timeoutMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      channel.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!finished && channel != null) {
        // Closed from outside: the server is stopping.
        abandon(superseded ? TransferFailure.SUPERSEDED : TransferFailure.SHUTDOWN);
      }
    }

    /** Ends the transfer from outside its state machine, counted and logged as {@code failure}. */
    private void abandon(TransferFailure failure) {
      finished = true;
      if (timer != null) {
        timer.cancel(false);
      }
      stats.failed(failure);
      transfer.close();
      logEnd(failure);
      active.computeIfPresent(client, (k, a) -> a.channel() == channel ? null : a);
    }

    private void logEnd(TransferFailure failure) {
      recent.ended(
          client, request.filename(), request.write(), failure, transfer.octets(), startedMillis);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // ICMP port unreachable: the client went away. The timer ends the transfer.
      log.debug("TFTP_TRANSFER_SOCKET_ERROR client={} {}", client, cause.toString());
    }
  }
}
