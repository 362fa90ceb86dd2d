package org.provisioning.dist;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service manager's readiness protocol, sd_notify(3): newline-separated {@code KEY=VALUE} lines
 * in one datagram to the AF_UNIX socket named by {@code $NOTIFY_SOCKET}. systemd sets that variable
 * for a {@code Type=notify} unit, and {@code systemctl start} returns once {@code READY=1} arrives,
 * so "started" means every service listens.
 *
 * <p>The JDK opens AF_UNIX stream sockets only, and the notify socket is a datagram socket: the
 * datagram goes out through Netty's native epoll transport, which has AF_UNIX datagram channels.
 * Without {@code $NOTIFY_SOCKET} (not under systemd) every method does nothing; a notification that
 * cannot be sent is logged ({@code SYSTEMD_NOTIFY_FAILED}) and never stops the server.
 */
final class SystemdNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

  private final String socket;
  private EventLoopGroup group;
  private Channel channel;

  private SystemdNotifier(String socket) {
    this.socket = socket;
  }

  /** A notifier for {@code $NOTIFY_SOCKET}, or one that does nothing when it is not set. */
  static SystemdNotifier fromEnvironment() {
    String socket = System.getenv("NOTIFY_SOCKET");
    return new SystemdNotifier(socket == null || socket.isBlank() ? null : socket);
  }

  /** The services listen: {@code systemctl start} and {@code reload} may return. */
  void ready(String status) {
    send("READY=1\nSTATUS=" + status.replace('\n', ' '));
  }

  /** A reload began; {@link #ready} ends it. */
  void reloading() {
    send("RELOADING=1");
  }

  /** The server is stopping: its services close and the journal is flushed. */
  void stopping() {
    send("STOPPING=1");
  }

  private synchronized void send(String message) {
    if (socket == null) {
      return;
    }
    try {
      if (channel == null) {
        if (!Epoll.isAvailable()) {
          throw new IllegalStateException(
              "the native epoll transport is unavailable: " + Epoll.unavailabilityCause());
        }
        // An abstract socket name starts with '@' in the variable and with NUL on the wire.
        String path = socket.startsWith("@") ? '\0' + socket.substring(1) : socket;
        group = new EpollEventLoopGroup(1, new DefaultThreadFactory("sd-notify", true));
        channel =
            new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new DomainSocketAddress(path))
                .syncUninterruptibly()
                .channel();
      }
      channel
          .writeAndFlush(Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8)))
          .syncUninterruptibly();
    } catch (Exception e) { // Netty rethrows checked socket exceptions undeclared
      log.warn(
          "SYSTEMD_NOTIFY_FAILED socket={} message={}: {}",
          socket,
          message.replace('\n', ' '),
          e.toString());
    }
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
      channel = null;
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      group = null;
    }
  }
}
