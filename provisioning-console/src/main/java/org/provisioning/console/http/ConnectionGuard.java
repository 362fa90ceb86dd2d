package org.provisioning.console.http;

import static org.provisioning.common.stats.StatisticDefinition.counter;
import static org.provisioning.common.stats.StatisticDefinition.gauge;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;

/**
 * Keeps whoever can reach the management port from holding the process's sockets and memory: at
 * most {@code maxConnections} connections, {@code maxPerAddress} from one address (beyond that a
 * new one is closed at once, counted), and a request must arrive whole within {@code
 * requestDeadline} of its first byte. An idle timeout alone was reset by every byte, so a client
 * sending one byte a minute held its connection, and its buffered body, for good; with enough of
 * them the process ran out of file descriptors, which TFTP (a socket per transfer), DNS over TCP,
 * failover and the journal need too.
 */
public final class ConnectionGuard {
  private static final AttributeKey<ScheduledFuture<?>> DEADLINE =
      AttributeKey.valueOf("management.request.deadline");

  /** Connections only this host's clients (provisionctl, a local browser) may take. */
  static final int RESERVED_FOR_LOOPBACK = 16;

  private final ChannelQuota connections;
  private final Duration requestDeadline;
  private final Counter refused;
  private final Counter tooSlow;
  private final Admission admission = new Admission();
  private final RequestComplete complete = new RequestComplete();

  public static final List<StatisticDefinition> STATISTICS =
      List.of(
          gauge("management.connections.open", "connections", "Open connections to the console."),
          counter(
              "management.connections.refused",
              "connections",
              "Connections to the console closed at once: too many open, or from one address."),
          counter(
              "management.requests.too_slow",
              "requests",
              "Connections to the console closed because a request did not arrive whole in time."));

  ConnectionGuard(
      int maxConnections, int maxPerAddress, Duration requestDeadline, StatisticsRegistry stats) {
    this.connections = new ChannelQuota(maxConnections, maxPerAddress, RESERVED_FOR_LOOPBACK);
    this.requestDeadline = requestDeadline;
    stats.declare(STATISTICS);
    stats.gauge("management.connections.open", connections::open);
    this.refused = stats.counter("management.connections.refused");
    this.tooSlow = stats.counter("management.requests.too_slow");
  }

  /** First in the pipeline: admits or closes the connection, and starts each request's clock. */
  ChannelHandler admission() {
    return admission;
  }

  /** After the aggregator: a whole request has arrived, its clock stops. */
  ChannelHandler requestComplete() {
    return complete;
  }

  @ChannelHandler.Sharable
  private final class Admission extends ChannelDuplexHandler {
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (!connections.admit(ctx.channel())) {
        refused.increment();
        ctx.close();
        return;
      }
      super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (ctx.channel().attr(DEADLINE).get() == null) {
        ScheduledFuture<?> deadline =
            ctx.executor()
                .schedule(
                    () -> {
                      tooSlow.increment();
                      ctx.close();
                    },
                    requestDeadline.toMillis(),
                    TimeUnit.MILLISECONDS);
        ctx.channel().attr(DEADLINE).set(deadline);
      }
      super.channelRead(ctx, msg);
    }
  }

  @ChannelHandler.Sharable
  private final class RequestComplete extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof FullHttpRequest) {
        ScheduledFuture<?> deadline = ctx.channel().attr(DEADLINE).getAndSet(null);
        if (deadline != null) {
          deadline.cancel(false);
        }
      }
      super.channelRead(ctx, msg);
    }
  }
}
