package org.provisioning.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The failover link of a pair, run through this test so that it can be cut and healed while both
 * servers keep their DHCP sockets: TCP {@code failover.port} (sync sessions, opened by the
 * primary), UDP {@code port + 1} (lease stream) and UDP {@code port + 2} (heartbeats).
 *
 * <p>The primary is given {@link #FRONT} as its peer. What reaches the front is sent on to the
 * secondary from {@link #BACK}, on the same port, so the secondary learns the back as its peer and
 * answers there; what reaches the back goes on to the primary from the front. A cut drops every
 * datagram and closes every TCP connection (new ones are closed at once); a heal forwards again. A
 * sync cut breaks the TCP sync session alone, after a given number of octets toward the secondary,
 * and refuses new sessions until healed; heartbeats and the lease stream go on. Loopback only.
 */
public final class FailoverLink implements AutoCloseable {
  /** The address the primary pairs with. */
  public static final String FRONT = "127.0.0.5";

  /** The address the secondary sees the primary's frames come from. */
  public static final String BACK = "127.0.0.6";

  private final InetAddress primary;
  private final InetAddress secondary;
  private final int port;
  private final ServerSocket acceptor;
  private final List<DatagramSocket> datagramSockets = new ArrayList<>();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean cut;
  private volatile long syncCutAfter = -1;
  private volatile boolean syncCut;
  private volatile boolean closed;

  public FailoverLink(String primary, String secondary, int port) throws IOException {
    this.primary = InetAddress.getByName(primary);
    this.secondary = InetAddress.getByName(secondary);
    this.port = port;
    InetAddress front = InetAddress.getByName(FRONT);
    InetAddress back = InetAddress.getByName(BACK);
    acceptor = new ServerSocket();
    acceptor.setReuseAddress(true);
    acceptor.bind(new InetSocketAddress(front, port));
    for (int p : new int[] {port + 1, port + 2}) {
      DatagramSocket atFront = new DatagramSocket(new InetSocketAddress(front, p));
      DatagramSocket atBack = new DatagramSocket(new InetSocketAddress(back, p));
      datagramSockets.add(atFront);
      datagramSockets.add(atBack);
      spawn("link-udp-" + p + "-to-secondary", () -> relay(atFront, atBack, this.secondary, p));
      spawn("link-udp-" + p + "-to-primary", () -> relay(atBack, atFront, this.primary, p));
    }
    spawn("link-tcp-accept", this::accept);
  }

  /** Cuts the link: nothing passes, either way, until {@link #heal}. */
  public void cut() {
    cut = true;
    for (Socket s : connections) {
      closeQuietly(s);
    }
  }

  public void heal() {
    cut = false;
  }

  /**
   * Breaks the next sync session to reach {@code octets} toward the secondary (counted from the
   * start of the session), once, and refuses sync sessions from then on until {@link #healSync}.
   */
  public void cutSyncAfter(long octets) {
    syncCutAfter = octets;
  }

  /** Whether a sync cut has broken a session. */
  public boolean syncCut() {
    return syncCut;
  }

  /** Lets sync sessions through again (a cut armed by {@link #cutSyncAfter} stays armed). */
  public void healSync() {
    syncCut = false;
  }

  /** Datagrams and connections dropped by cuts so far. */
  public long dropped() {
    return dropped.get();
  }

  private void spawn(String name, Runnable loop) {
    Thread t = new Thread(loop, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void relay(DatagramSocket from, DatagramSocket via, InetAddress to, int toPort) {
    byte[] buffer = new byte[65_536];
    while (!closed) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        from.receive(packet);
        if (cut) {
          dropped.incrementAndGet();
          continue;
        }
        via.send(new DatagramPacket(buffer, packet.getLength(), to, toPort));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void accept() {
    while (!closed) {
      Socket fromPrimary;
      try {
        fromPrimary = acceptor.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (cut || syncCut) {
        dropped.incrementAndGet();
        closeQuietly(fromPrimary);
        continue;
      }
      Socket toSecondary = new Socket();
      try {
        toSecondary.bind(new InetSocketAddress(InetAddress.getByName(BACK), 0));
        toSecondary.connect(new InetSocketAddress(secondary, port), 5_000);
      } catch (IOException e) {
        closeQuietly(fromPrimary);
        closeQuietly(toSecondary);
        continue;
      }
      connections.add(fromPrimary);
      connections.add(toSecondary);
      AtomicInteger open = new AtomicInteger(2);
      spawn("link-tcp-to-secondary", () -> pipe(fromPrimary, toSecondary, open, true));
      spawn("link-tcp-to-primary", () -> pipe(toSecondary, fromPrimary, open, false));
    }
  }

  /**
   * Copies one direction of a connection; at its end of stream, passes the half-close on. The two
   * sockets are closed when both directions ended, or at once on a cut or an error.
   */
  private void pipe(Socket from, Socket to, AtomicInteger open, boolean towardSecondary) {
    byte[] buffer = new byte[65_536];
    boolean clean = false;
    long sent = 0;
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while (!cut && !syncCut && (n = in.read(buffer)) >= 0) {
        long limit = syncCutAfter;
        if (towardSecondary && limit >= 0 && sent + n >= limit) {
          out.write(buffer, 0, (int) (limit - sent));
          out.flush();
          syncCutAfter = -1;
          syncCut = true;
          break;
        }
        out.write(buffer, 0, n);
        sent += n;
      }
      if (!cut && !syncCut) {
        to.shutdownOutput();
        clean = true;
      }
    } catch (IOException e) {
      // cut, or the other side went away: the connection is over
    }
    if (!clean || open.decrementAndGet() == 0) {
      closeQuietly(from);
      closeQuietly(to);
      connections.remove(from);
      connections.remove(to);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing on the way out
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(acceptor);
    datagramSockets.forEach(FailoverLink::closeQuietly);
    connections.forEach(FailoverLink::closeQuietly);
    for (Thread t : threads) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
