package org.provisioning.console.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First in the pipeline of an HTTPS listener: a connection whose first octets are a TLS record gets
 * the {@link SslHandler}; one that speaks plain HTTP gets a 400 that says to use https, with
 * nothing served, and is closed. A person who typed http:// learns why instead of seeing garbage.
 */
final class HttpsOnlyHandler extends ByteToMessageDecoder {
  private final SslContext tls;
  private final String apiHandlerName;

  HttpsOnlyHandler(SslContext tls, String apiHandlerName) {
    this.tls = tls;
    this.apiHandlerName = apiHandlerName;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 5) {
      return;
    }
    if (SslHandler.isEncrypted(in, false)) {
      ctx.pipeline().replace(this, "tls", tls.newHandler(ctx.alloc()));
    } else {
      ctx.pipeline().replace(apiHandlerName, "plain-refusal", new PlainHttpRefusal());
      ctx.pipeline().remove(this);
    }
  }

  /** Answers a plain HTTP request on the HTTPS port, then closes. */
  private static final class PlainHttpRefusal extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      byte[] body =
          ("{\"error\":\"this listener speaks HTTPS only; use https://\"}")
              .getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(body));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
