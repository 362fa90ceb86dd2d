package org.provisioning.console.http;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many channels of one kind may be open at once, in all and from one remote address: a channel
 * admitted holds its place until it closes. Connections and event streams each have one.
 */
final class ChannelQuota {
  private final int maxAll;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();

  ChannelQuota(int maxAll, int maxPerAddress) {
    this.maxAll = maxAll;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Takes a place for {@code channel} until it closes; false, and no place taken, when all are
   * taken or its address holds its share.
   */
  boolean admit(Channel channel) {
    InetAddress from = ((InetSocketAddress) channel.remoteAddress()).getAddress();
    AtomicInteger fromThere = byAddress.computeIfAbsent(from, a -> new AtomicInteger());
    int there = fromThere.incrementAndGet();
    int all = open.incrementAndGet();
    if (there > maxPerAddress || all > maxAll) {
      release(from, fromThere);
      return false;
    }
    channel.closeFuture().addListener(f -> release(from, fromThere));
    return true;
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
