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
 * kernel, but a pair's failover port takes both, and the two UDP ports after it: a DHCP port picked
 * free for UDP once came out equal to one of them, and the config (rightly) refused the clash.
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

  /**
   * A failover port: free for TCP (sync), with the next two free for UDP (lease stream and
   * heartbeats), all three handed out, so no DHCP port picked later lands on a failover channel.
   */
  public static int failover() throws IOException {
    while (true) {
      int port = tcp();
      if (port + 2 <= 65_535 && udpFree(port + 1) && udpFree(port + 2) && handedOut.add(port + 1)) {
        if (handedOut.add(port + 2)) {
          return port;
        }
        handedOut.remove(port + 1);
      }
    }
  }

  private static boolean udpFree(int port) {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("0.0.0.0", port))) {
      return !handedOut.contains(port);
    } catch (IOException e) {
      return false;
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
