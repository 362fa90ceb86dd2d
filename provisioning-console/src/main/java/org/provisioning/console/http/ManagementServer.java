package org.provisioning.console.http;

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
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.console.api.ApiRequest;
import org.provisioning.console.api.ApiResponse;
import org.provisioning.console.api.EventStream;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.tls.TlsMaterial;
import org.provisioning.console.web.ConsolePages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link ManagementApi} over HTTP/1.1. Netty's aggregator enforces the body limit (413
 * before the body is read when the client announces its length), a much smaller one for a request
 * without valid credentials and a {@code Host} check first ({@link RequestGate}); a request the
 * HTTP decoder cannot read gets a 400. Off loopback it serves HTTPS only ({@link TlsMaterial});
 * every reply carries the {@link SecurityHeaders}.
 */
public final class ManagementServer implements ProvisioningService {
  /**
   * A client's address as {@code host:port}, an IPv6 host in brackets ({@code
   * [2001:db8::5]:50312}): what the login limits key on, less the port. Unbracketed, an IPv6
   * address with its port read as a host of its own, and every new connection got a fresh allowance
   * of login attempts.
   */
  static String remoteText(java.net.SocketAddress address) {
    if (!(address instanceof InetSocketAddress remote) || remote.getAddress() == null) {
      return String.valueOf(address);
    }
    String host = remote.getAddress().getHostAddress();
    return (remote.getAddress() instanceof java.net.Inet6Address ? "[" + host + "]" : host)
        + ":"
        + remote.getPort();
  }

  private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);

  /** Open event streams (consoles watching alerts) at most; more are refused with 503. */
  private static final int MAX_STREAMS = 64;

  /** Connections at most, and from one address: a console opens a few, an operator a few more. */
  static final int MAX_CONNECTIONS = 256;

  static final int MAX_CONNECTIONS_PER_ADDRESS = 32;

  /** How long a request may take to arrive whole, from its first byte. */
  static final java.time.Duration REQUEST_DEADLINE = java.time.Duration.ofSeconds(30);

  /** Open event streams from one address at most: a browser's tabs, a few operators behind NAT. */
  static final int MAX_STREAMS_PER_ADDRESS = 8;

  private final ChannelQuota streams = new ChannelQuota(MAX_STREAMS, MAX_STREAMS_PER_ADDRESS, 0);

  private final ManagementApi api;
  private final InetSocketAddress address;
  private final int maxBodyBytes;
  private final TlsMaterial tls;
  private final ConnectionGuard connections;
  private final AllowedHosts hosts;
  private final ConsolePages pages = new ConsolePages();
  private volatile ServiceState state = ServiceState.NEW;
  private EventLoopGroup group;
  private Channel channel;

  public ManagementServer(ManagementApi api, InetSocketAddress address, int maxBodyBytes) {
    this(api, address, maxBodyBytes, null);
  }

  /**
   * @param tls what to serve HTTPS with; null for plain HTTP, which only a loopback address may
   *     serve
   */
  public ManagementServer(
      ManagementApi api, InetSocketAddress address, int maxBodyBytes, TlsMaterial tls) {
    this(api, address, maxBodyBytes, tls, REQUEST_DEADLINE);
  }

  /** Tests shorten the request deadline. */
  ManagementServer(
      ManagementApi api,
      InetSocketAddress address,
      int maxBodyBytes,
      TlsMaterial tls,
      java.time.Duration requestDeadline) {
    this.api = api;
    this.address = address;
    this.maxBodyBytes = maxBodyBytes;
    this.tls = tls;
    this.hosts = new AllowedHosts(tls != null);
    this.connections =
        new ConnectionGuard(
            MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS, requestDeadline, api.statistics());
  }

  @Override
  public String name() {
    return "management";
  }

  @Override
  public ServiceState state() {
    return state;
  }

  /** The bound address: the port is known here when the config asked for port 0. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public synchronized void start() throws InterruptedException {
    state = ServiceState.STARTING;
    if (tls == null && !address.getAddress().isLoopbackAddress()) {
      state = ServiceState.FAILED;
      throw new IllegalStateException(
          "the management API serves plain HTTP on loopback only; "
              + address
              + " needs a certificate (HTTPS)");
    }
    io.netty.handler.ssl.SslContext sslContext = tls == null ? null : sslContext(tls);
    group = new NioEventLoopGroup(1, new DefaultThreadFactory("management-http"));
    try {
      channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(READS_FOLLOW_WRITES).addLast(connections.admission());
                      if (sslContext != null) {
                        ch.pipeline().addLast(new HttpsOnlyHandler(sslContext, "api"));
                      }
                      ch.pipeline()
                          .addLast(new ReadTimeoutHandler(60))
                          .addLast(new HttpServerCodec(4096, 8192, 8192))
                          .addLast(tls == null ? SecurityHeaders.PLAIN : SecurityHeaders.TLS)
                          .addLast(new RequestGate(hosts, head -> authenticated(ch, head)))
                          .addLast(new HttpObjectAggregator(maxBodyBytes))
                          .addLast(connections.requestComplete())
                          .addLast(new FlowControlHandler()) // holds requests read meanwhile
                          .addLast("api", new ApiHandler());
                    }
                  })
              .bind(address)
              .sync()
              .channel();
    } catch (RuntimeException | InterruptedException e) {
      state = ServiceState.FAILED;
      group.shutdownGracefully();
      throw e;
    }
    state = ServiceState.RUNNING;
    log.info(
        "MANAGEMENT_API_LISTENING address={} scheme={}{}",
        localAddress(),
        tls == null ? "http" : "https",
        tls == null ? "" : " sha256=" + tls.fingerprint());
  }

  /** Whether a request's head carries credentials the API accepts, as the API checks them. */
  private boolean authenticated(Channel ch, HttpRequest head) {
    return api.authenticates(
        new ApiRequest(
            head.method().name(),
            new QueryStringDecoder(head.uri()).rawPath(),
            Map.of(),
            head.headers().get(HttpHeaderNames.AUTHORIZATION),
            null,
            new byte[0],
            headers(head),
            remoteText(ch.remoteAddress()),
            null));
  }

  /** Headers by lower-case name; a repeated one joined as HTTP allows ({@code ;} for cookies). */
  private static Map<String, String> headers(HttpRequest request) {
    Map<String, String> all = new java.util.HashMap<>();
    for (Map.Entry<String, String> header : request.headers()) {
      String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
      all.merge(name, header.getValue(), (a, b) -> a + (name.equals("cookie") ? "; " : ", ") + b);
    }
    return all;
  }

  /**
   * Reads no more of a connection while the answers already made wait for its client to take them
   * (Netty's outbound buffer over its high-water mark), and reads again once they are taken. A
   * client that pipelined requests and never read had every answer kept in memory, 51 KB a request
   * for a console script over TLS: gigabytes within seconds, and the process ended out of memory,
   * DHCP with it.
   */
  private static final ChannelHandler READS_FOLLOW_WRITES = new ReadsFollowWrites();

  @ChannelHandler.Sharable
  private static final class ReadsFollowWrites extends ChannelInboundHandlerAdapter {
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      ctx.channel().config().setAutoRead(ctx.channel().isWritable());
      ctx.fireChannelWritabilityChanged();
    }
  }

  /** TLS 1.2 and 1.3 only, by the JDK's own provider (no native library to ship). */
  private static io.netty.handler.ssl.SslContext sslContext(TlsMaterial tls) {
    try {
      return io.netty.handler.ssl.SslContextBuilder.forServer(
              tls.key(), tls.chain().toArray(java.security.cert.X509Certificate[]::new))
          .sslProvider(io.netty.handler.ssl.SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (javax.net.ssl.SSLException e) {
      throw new IllegalStateException("the management certificate cannot be used: " + e, e);
    }
  }

  @Override
  public synchronized void stop() {
    if (group == null || state == ServiceState.STOPPED) {
      return;
    }
    state = ServiceState.STOPPING;
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    state = ServiceState.STOPPED;
  }

  private final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (request.decoderResult().isFailure()) {
        respond(ctx, new ApiResponse(400, json("the request is not valid HTTP")), false);
        return;
      }
      QueryStringDecoder uri = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8);
      String path;
      Map<String, List<String>> parameters;
      try {
        path = uri.path();
        parameters = uri.parameters();
      } catch (IllegalArgumentException badEscape) {
        // "%zz" or a cut "%4": the decoder throws, and the connection closed with no answer.
        respond(
            ctx,
            new ApiResponse(400, json("the request's address has a malformed %-escape")),
            keepAlive);
        return;
      }
      if (path.equals("/") || ConsolePages.isConsolePath(path)) {
        servePage(ctx, request, path, keepAlive);
        return;
      }
      byte[] body = new byte[request.content().readableBytes()];
      request.content().readBytes(body);
      ApiRequest apiRequest =
          new ApiRequest(
              request.method().name(),
              path,
              parameters,
              request.headers().get(HttpHeaderNames.AUTHORIZATION),
              request.headers().get(HttpHeaderNames.IF_MATCH),
              body,
              headers(request),
              remote(ctx),
              null);
      var stream = api.streamFor(apiRequest);
      if (stream.isPresent()) {
        startStream(ctx, stream.get(), apiRequest);
        return;
      }
      api.handle(apiRequest)
          .whenComplete(
              (response, e) ->
                  respond(
                      ctx,
                      e == null
                          ? response
                          : new ApiResponse(500, json("internal error; see the server log")),
                      keepAlive));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug(
          "MANAGEMENT_CONNECTION_ERROR remote={}: {}",
          ctx.channel().remoteAddress(),
          cause.toString());
      ctx.close();
    }

    /**
     * Answers with a never-ending {@code text/event-stream}: a frame per event, a comment every 15
     * s so idle proxies and clients keep the connection. A client too slow to read misses events
     * (counted in the log) rather than growing the server's memory. The caller's credentials are
     * checked again before every frame: a logout, an expired session or a removed user ends the
     * stream. One address holds at most {@link #MAX_STREAMS_PER_ADDRESS}, so one browser with many
     * tabs cannot take every other console's slot.
     */
    private void startStream(ChannelHandlerContext ctx, EventStream stream, ApiRequest request) {
      if (!streams.admit(ctx.channel())) {
        respond(ctx, new ApiResponse(503, json("too many open event streams")), false);
        return;
      }
      ctx.pipeline().remove(ReadTimeoutHandler.class);
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
          .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
      HttpUtil.setTransferEncodingChunked(head, true);
      Channel client = ctx.channel();
      java.util.function.Consumer<String> sink =
          frame -> {
            if (!api.admits(request)) {
              client.close();
            } else if (client.isWritable()) {
              client.writeAndFlush(
                  new DefaultHttpContent(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8)));
            } else {
              log.debug("MANAGEMENT_STREAM_SLOW remote={}: event dropped", client.remoteAddress());
            }
          };
      // Subscribed before the head leaves: a client that has its 200 misses no event raised after
      // it. An event from another thread meanwhile is written after the head all the same, as its
      // write is queued to this event loop, which is running this method.
      AutoCloseable subscription = stream.subscribe(sink);
      client.writeAndFlush(head);
      var keepalive =
          ctx.executor()
              .scheduleAtFixedRate(
                  () -> sink.accept(": keepalive\n\n"),
                  15,
                  15,
                  java.util.concurrent.TimeUnit.SECONDS);
      client
          .closeFuture()
          .addListener(
              f -> {
                keepalive.cancel(false);
                try {
                  subscription.close();
                } catch (Exception e) {
                  log.warn("MANAGEMENT_STREAM_CLOSE_FAILED {}", e.toString());
                }
              });
    }

    /**
     * The console's static files: no session needed (they hold no data; their scripts call the API,
     * which checks it), revalidated by ETag at every load so an upgrade shows at once.
     */
    private void servePage(
        ChannelHandlerContext ctx, FullHttpRequest request, String path, boolean keepAlive) {
      String method = request.method().name();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        respond(ctx, new ApiResponse(405, json(method + " is not allowed on " + path)), keepAlive);
        return;
      }
      if (!path.startsWith(ConsolePages.ROOT)) {
        FullHttpResponse redirect =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
        redirect
            .headers()
            .set(HttpHeaderNames.LOCATION, ConsolePages.ROOT)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        finish(ctx, redirect, keepAlive);
        return;
      }
      var file = pages.find(path);
      if (file.isEmpty()) {
        respond(
            ctx,
            new ApiResponse(404, ConsolePages.notFound(path), null, "text/plain; charset=utf-8"),
            keepAlive);
        return;
      }
      boolean unchanged =
          file.get().etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
      FullHttpResponse http =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              unchanged ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
              unchanged || method.equals("HEAD")
                  ? Unpooled.EMPTY_BUFFER
                  : Unpooled.wrappedBuffer(file.get().body()));
      http.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, file.get().contentType())
          .set(HttpHeaderNames.ETAG, file.get().etag())
          .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, unchanged ? 0 : file.get().body().length);
      finish(ctx, http, keepAlive);
    }

    private void finish(ChannelHandlerContext ctx, FullHttpResponse http, boolean keepAlive) {
      if (keepAlive) {
        http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(http);
      } else {
        ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void respond(ChannelHandlerContext ctx, ApiResponse response, boolean keepAlive) {
      FullHttpResponse http =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(response.status()),
              Unpooled.wrappedBuffer(response.body()));
      http.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
          .setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length)
          .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
      if (response.allow() != null) {
        http.headers().set(HttpHeaderNames.ALLOW, response.allow());
      }
      response.headers().forEach(http.headers()::set);
      finish(ctx, http, keepAlive);
    }

    private static String remote(ChannelHandlerContext ctx) {
      return remoteText(ctx.channel().remoteAddress());
    }

    private byte[] json(String message) {
      return ApiResponse.errorJson(message);
    }
  }
}
