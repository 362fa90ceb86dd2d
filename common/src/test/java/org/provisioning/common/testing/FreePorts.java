package org.provisioning.common.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports free now, each handed out once per test JVM. TCP and UDP numbers are separate spaces to the
 * kernel, but a pair's failover port takes both: a DHCP port picked free for UDP once came out
 * equal to the failover port picked free for TCP, and the config (rightly) refused the clash.
 */
public final class FreePorts {
  private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A TCP port free on the loopback address. */
  public static int tcp() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (handedOut.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }

  /** A UDP port free on {@code address}. */
  public static int udp(String address) throws IOException {
    while (true) {
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0))) {
        if (handedOut.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }
}
