package org.provisioning.dns.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the DNS service's TCP connections bounded (RFC 7766 sections 6.2.3 and 10): at most {@code
 * maxTcpConnections} are open, and one that completes no message for {@code tcpIdleSeconds} is
 * closed. Idle means no whole message: a client that trickles a byte at a time is as idle as one
 * that sends nothing. A client whose answers wait for it is not idle while it reads them; one that
 * reads none of them for {@code tcpIdleSeconds} is (it was spared for ever, and 256 such
 * connections shut every other client out of TCP). A connection beyond the limit closes the open
 * one idle the longest (one that is still being written to, an AXFR to a slow reader, is spared),
 * rather than being refused: a flood of idle connections then costs its sender the oldest of its
 * own connections, while a real client, which sends its query at once, gets its answer.
 */
final class DnsTcpConnections {
  private static final Logger log = LoggerFactory.getLogger(DnsTcpConnections.class);

  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final Counter evicted;
  private final Counter idleClosed;
  private volatile int max;
  private volatile long idleNanos;

  DnsTcpConnections(int max, int idleSeconds, StatisticsRegistry stats) {
    this.evicted = stats.counter("dns.tcp.evicted");
    this.idleClosed = stats.counter("dns.tcp.idle_closed");
    stats.gauge("dns.tcp.connections", open::size);
    limit(max, idleSeconds);
  }

  /** New limits apply to connections from now on and to the next idle check of open ones. */
  void limit(int max, int idleSeconds) {
    this.max = max;
    this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
  }

  int size() {
    return open.size();
  }

  /** The handler for one new connection: after the frame decoder, so each read is a message. */
  ChannelHandler handler() {
    return new Connection();
  }

  private final class Connection extends ChannelInboundHandlerAdapter {
    private volatile long lastMessage = System.nanoTime();

    /** The answers queued at the last idle check; unknown (the most) after a new message. */
    private volatile long pendingSeen = Long.MAX_VALUE;

    private volatile ChannelHandlerContext ctx;
    private ScheduledFuture<?> idleCheck;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      lastMessage = System.nanoTime();
      admit(this);
      checkIdleIn(idleNanos);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      lastMessage = System.nanoTime();
      pendingSeen = Long.MAX_VALUE;
      ctx.fireChannelRead(message);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      open.remove(this);
      if (idleCheck != null) {
        idleCheck.cancel(false);
      }
      ctx.fireChannelInactive();
    }

    private void checkIdleIn(long nanos) {
      idleCheck = ctx.executor().schedule(this::checkIdle, nanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
      if (!ctx.channel().isOpen()) {
        return;
      }
      long pending = pendingBytes();
      if (pending > 0 && pending < pendingSeen) {
        lastMessage = System.nanoTime(); // the client reads its answers: not idle
      }
      pendingSeen = pending;
      long idle = System.nanoTime() - lastMessage;
      if (idle >= idleNanos) {
        idleClosed.increment();
        ctx.close();
      } else {
        checkIdleIn(Math.max(idleNanos - idle, TimeUnit.MILLISECONDS.toNanos(100)));
      }
    }

    /** Whether answers are still queued for the client (a transfer to a slow reader). */
    boolean writing() {
      return pendingBytes() > 0;
    }

    private long pendingBytes() {
      ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
      return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
  }

  /**
   * Counts a new connection in, closing the one idle the longest if that makes too many. One
   * connection at a time: the event loops accept in parallel, and two must not pick one victim.
   */
  private synchronized void admit(Connection newcomer) {
    open.add(newcomer);
    if (open.size() > max) {
      evictFor(newcomer);
    }
  }

  /**
   * Closes the connection idle the longest, one with answers still queued (a transfer) only if
   * every other has some: clients that pipeline and read a trickle each kept theirs, and every
   * newcomer, a secondary's transfer or a resolver's retry over TCP, was the one closed.
   */
  private void evictFor(Connection newcomer) {
    Connection oldest = null;
    Connection oldestWriting = null;
    for (Connection connection : open) {
      if (connection == newcomer || connection.ctx == null) {
        continue;
      }
      if (!connection.writing()) {
        if (oldest == null || connection.lastMessage - oldest.lastMessage < 0) {
          oldest = connection;
        }
      } else if (oldestWriting == null || connection.lastMessage - oldestWriting.lastMessage < 0) {
        oldestWriting = connection;
      }
    }
    Connection victim = oldest != null ? oldest : oldestWriting != null ? oldestWriting : newcomer;
    open.remove(victim);
    evicted.increment();
    log.debug(
        "DNS_TCP_EVICTED remote={} open={} max={}",
        victim.ctx.channel().remoteAddress(),
        open.size(),
        max);
    victim.ctx.close();
  }
}
