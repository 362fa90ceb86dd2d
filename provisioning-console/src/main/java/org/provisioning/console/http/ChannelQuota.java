package org.provisioning.console.http;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many channels of one kind may be open at once, in all and from one remote address: a channel
 * admitted holds its place until it closes. Connections and event streams each have one. The last
 * {@code reservedForLoopback} places are for this host's own clients: remote clients holding every
 * connection (eight addresses with their share each) would otherwise lock provisionctl out, {@code
 * systemctl reload} with it.
 */
final class ChannelQuota {
  private final int maxAll;
  private final int maxPerAddress;
  private final int reservedForLoopback;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();

  ChannelQuota(int maxAll, int maxPerAddress, int reservedForLoopback) {
    this.maxAll = maxAll;
    this.maxPerAddress = maxPerAddress;
    this.reservedForLoopback = reservedForLoopback;
  }

  /**
   * Takes a place for {@code channel} until it closes; false, and no place taken, when all are
   * taken or its address holds its share.
   */
  boolean admit(Channel channel) {
    InetAddress from = ((InetSocketAddress) channel.remoteAddress()).getAddress();
    Runnable release = admit(from);
    if (release == null) {
      return false;
    }
    channel.closeFuture().addListener(f -> release.run());
    return true;
  }

  /** Takes a place for a client at {@code from}: what gives it back, or null if none is free. */
  Runnable admit(InetAddress from) {
    AtomicInteger fromThere = byAddress.computeIfAbsent(from, a -> new AtomicInteger());
    int there = fromThere.incrementAndGet();
    int all = open.incrementAndGet();
    int places = from.isLoopbackAddress() ? maxAll : maxAll - reservedForLoopback;
    if (there > maxPerAddress || all > places) {
      release(from, fromThere);
      return null;
    }
    return () -> release(from, fromThere);
  }

  int open() {
    return open.get();
  }

  private void release(InetAddress from, AtomicInteger fromThere) {
    open.decrementAndGet();
    if (fromThere.decrementAndGet() == 0) {
      byAddress.remove(from, fromThere);
    }
  }
}
