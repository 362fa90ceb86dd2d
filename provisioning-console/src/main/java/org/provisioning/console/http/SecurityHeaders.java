package org.provisioning.console.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Puts the headers every reply carries on every response that leaves the pipeline, whoever made it
 * (a route, an event stream, Netty's own 413 for an oversized body, the refusal of plain HTTP on
 * the HTTPS port), following the OWASP Secure Headers: no script but the console's own files and
 * never inline, no framing (clickjacking), no MIME sniffing, no referrer leaving the console, and
 * over HTTPS a request to stay on HTTPS.
 */
@ChannelHandler.Sharable
final class SecurityHeaders extends ChannelOutboundHandlerAdapter {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  static final SecurityHeaders PLAIN = new SecurityHeaders(false);
  static final SecurityHeaders TLS = new SecurityHeaders(true);

  private final boolean tls;

  private SecurityHeaders(boolean tls) {
    this.tls = tls;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof HttpResponse response && response.status().code() >= 200) {
      apply(response.headers(), tls);
    }
    super.write(ctx, msg, promise);
  }

  static void apply(HttpHeaders headers, boolean tls) {
    headers
        .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .set("X-Frame-Options", "DENY")
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("Cross-Origin-Opener-Policy", "same-origin")
        .set("Cross-Origin-Resource-Policy", "same-origin");
    if (tls) {
      headers.set("Strict-Transport-Security", "max-age=31536000");
    }
  }
}
