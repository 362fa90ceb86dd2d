package org.provisioning.console.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Predicate;
import org.provisioning.console.api.ApiResponse;

/**
 * Decides on a request's head, before the aggregator reads its body into memory: a {@code Host} the
 * server does not answer to gets 421 ({@link AllowedHosts}), and a request without valid
 * credentials may send {@link #ANONYMOUS_MAX_BODY_BYTES} at most, else 413. The aggregator alone
 * held up to {@code management.maxBodyBytes} (64 MiB allowed) for anyone on every connection before
 * the API looked at credentials: hundreds of connections could take the heap, and the process (DHCP
 * with it) ended out of memory. A refused request's connection is closed, so its body is never
 * read.
 */
final class RequestGate extends ChannelInboundHandlerAdapter {
  /**
   * Enough for a login ({@code POST /api/v1/session}), the largest body sent without credentials.
   */
  static final int ANONYMOUS_MAX_BODY_BYTES = 16 << 10;

  private final AllowedHosts hosts;
  private final Predicate<HttpRequest> authenticated;

  /** What the current request's body may still bring; -1 when the aggregator's limit is the one. */
  private long anonymousBodyLeft = -1;

  private boolean refused;

  RequestGate(AllowedHosts hosts, Predicate<HttpRequest> authenticated) {
    this.hosts = hosts;
    this.authenticated = authenticated;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg); // what was read meanwhile of the refused request
      return;
    }
    if (msg instanceof HttpRequest head) {
      anonymousBodyLeft = -1;
      if (head.decoderResult().isSuccess()) { // else the API handler answers 400
        String host = head.headers().get(HttpHeaderNames.HOST);
        if (host != null && !host.isBlank() && !hosts.allows(host)) {
          refuse(
              ctx,
              msg,
              HttpResponseStatus.MISDIRECTED_REQUEST,
              "this server does not answer to the name '"
                  + host
                  + "' over plain HTTP (a page of another site may be behind it); use its IP"
                  + " address or localhost");
          return;
        }
        if (!authenticated.test(head)) {
          if (HttpUtil.getContentLength(head, -1L) > ANONYMOUS_MAX_BODY_BYTES) {
            refuseTooLarge(ctx, msg);
            return;
          }
          anonymousBodyLeft = ANONYMOUS_MAX_BODY_BYTES;
        }
      }
    }
    if (msg instanceof HttpContent content && anonymousBodyLeft >= 0) {
      // No length announced (chunked), or more sent than announced: counted as it comes.
      anonymousBodyLeft -= content.content().readableBytes();
      if (anonymousBodyLeft < 0) {
        refuseTooLarge(ctx, msg);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void refuseTooLarge(ChannelHandlerContext ctx, Object msg) {
    refuse(
        ctx,
        msg,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "a request without valid credentials may send "
            + ANONYMOUS_MAX_BODY_BYTES
            + " octets at most; send the API token or the session cookie");
  }

  private void refuse(
      ChannelHandlerContext ctx, Object msg, HttpResponseStatus status, String message) {
    refused = true;
    ReferenceCountUtil.release(msg);
    byte[] body = ApiResponse.errorJson(message);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, ApiResponse.JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
