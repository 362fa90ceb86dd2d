package org.provisioning.dhcp.failover;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.ReplicatedState;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.FailoverConfig;
import org.provisioning.common.config.FailoverRole;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.io.NumberReservation;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.service.ProvisioningService;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.time.Ticker;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.ServingMode;
import org.provisioning.dhcp.lease.LeaseStore;
import org.provisioning.dhcp.server.ReplicationGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server's side of a failover pair: three channels, each with its own socket and thread, around
 * the {@link FailoverStateMachine}.
 *
 * <ul>
 *   <li>TCP {@code failover.port}: sync sessions. Both send HELLO (per-origin highest sequences,
 *       and how far a broken session got in the other's snapshot); then each sends what the other
 *       lacks of its origin: the journal tail from its backlog, or a snapshot: its config version,
 *       its other replicated state whole ({@link ReplicatedState}: console users, audit entries,
 *       alert acknowledgements, merged by the rules their records meet in the stream) and its
 *       leases in pages of {@value #SNAPSHOT_PAGE} in address order, then SYNC_DONE with the
 *       sequence it covers; the stream carries what follows. A snapshot is kept until the partner
 *       has it all, so a session that breaks is taken up after the last page the partner applied
 *       (its resume point is in its data directory, so a restart of the receiver does not lose it).
 *       Progress in both directions shows in the status. The primary opens sessions, the secondary
 *       accepts them.
 *   <li>UDP {@code failover.port + 1}: the lease stream. Own-origin records, once durable, are
 *       packed into datagrams of at most 1400 octets; the partner applies and journals them and
 *       acks cumulatively; on no progress for a heartbeat interval the sender goes back to the
 *       first unacked record. A backlog past its bound falls back to a TCP sync.
 *   <li>UDP {@code failover.port + 2}: heartbeats every {@code heartbeatMillis} on a dedicated
 *       thread, which also ticks the state machine.
 * </ul>
 *
 * As a {@link ReplicationGate}, it holds a NORMAL primary's ACK until the secondary acked the lease
 * record, for at most {@code max(3 x heartbeat, 100 ms)}; past that the primary goes on alone and
 * says so ({@code FAILOVER_REPLICATION_LAGGING}).
 */
public final class FailoverService implements ProvisioningService, ReplicationGate {
  private static final Logger log = LoggerFactory.getLogger(FailoverService.class);
  static final int BACKLOG_CAPACITY = 100_000;

  /** Records per TAIL frame. */
  private static final int TAIL_BATCH = 200;

  /** Leases per LEASES frame of a snapshot: about 45 KB. */
  static final int SNAPSHOT_PAGE = 1_000;

  /** Payload octets per STATE frame of a snapshot (one larger entry goes alone). */
  static final int STATE_PAGE_BYTES = 256 << 10;

  /**
   * Snapshot pages a receiver applies at once: it reads on while earlier pages are journaled, and
   * stops reading (so TCP holds the sender back) past this many.
   */
  private static final int PAGES_IN_FLIGHT = 8;

  /** Clocks further apart than this are alerted (Kea stops HA at 60 s; we only say so). */
  static final long CLOCK_SKEW_ALERT_MILLIS = 10_000;

  /**
   * The engine defers lease ends by how far the partner's clock runs behind ours, in whole seconds
   * with one to spare (a heartbeat's skew is its transit short), changed when it moves by more.
   */
  private static final long CLOCK_BEHIND_STEP_MILLIS = 1_000;

  private static final int TCP_TIMEOUT_MILLIS = 10_000;
  private static final int MAX_TCP_FRAME = 32 << 20;

  private final FailoverConfig config;
  private final int serverId;

  /** What the timers below are measured on: the wall clock may be stepped under us. */
  private final Ticker ticker = Ticker.system();

  // Lasting conditions, judged once a second on the heartbeat thread (see judgeLastingConditions);
  // times are the ticker's, in milliseconds.
  private volatile long partnerLostMillis;
  private volatile long remindedMillis;
  private long authFailuresSeen;
  private long ownIdFramesSeen;
  private boolean authFailuresAlerted;
  private long authFailedMillis;
  private volatile boolean laggingAlerted;
  private final StateBus bus;
  private final ConfigService configService;
  private final AlertCenter alerts;
  private final Clock clock;
  private final FrameAuthenticator auth;
  private final FailoverStateMachine machine;
  private final UpdateBacklog backlog;
  private final PeerRecordApplier applier;
  private final PeerRecordApplier.EngineThread engineThread;
  private final DhcpEngine engine;

  /** What the engine was last told of the partner's clock (heartbeat thread only). */
  private long partnerClockBehindMillis;

  private final LeaseStore store;
  private final long gateMillis;
  private final Counter sent;
  private final Counter lagging;

  /** Sync connections from an address other than the partner's, closed unanswered. */
  private final Counter syncStrangers;

  private final Counter resyncs;
  private final Counter conflicts;
  private final Counter tailsSent;
  private final Counter snapshotsSent;
  private final Counter snapshotsResumed;
  private final Counter syncLeasesSent;
  private final Counter syncLeasesReceived;
  private final Counter syncStateSent;
  private final Counter syncStateReceived;
  private final Counter syncStateMerged;

  /**
   * The state entries the partner's snapshot gave in this session: ours, taken after them, leaves
   * out those equal to one (the partner holds it, or a later value), so that a fresh secondary does
   * not send the primary's users and audit log back.
   */
  private final Set<StateKey> fromPartnerState = ConcurrentHashMap.newKeySet();

  private final SyncMeter sending;
  private final SyncMeter receiving;

  /** The snapshot being sent, kept while the partner may lack part of it. */
  private volatile LeaseSnapshot outgoing;

  private final Object resumeLock = new Object();

  /** How far we got in the partner's snapshot; guarded by {@link #resumeLock}. */
  private SyncResumeFile.Point incoming;

  private volatile SyncResumeFile resumeFile;
  private volatile LevelMark levelMark;

  /**
   * The last sync found the partner without the records it made (none of ours though the two were
   * level once, or fewer of its own than this server holds of it): its journal is gone.
   */
  private volatile boolean partnerLostItsRecords;

  /**
   * Whether holds for the partner's clients are settled for this service's life: made when it first
   * served before a sync, or unneeded once a sync completed. Guarded by the machine's lock.
   */
  private boolean holdsSettled;

  /** This journal held records of the partner's at start: it was paired once, at least. */
  private final boolean partnerRecordsKept;

  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean syncRunning = new AtomicBoolean();
  private final Object peerLock = new Object();
  private final Object ackSending = new Object();
  private volatile InetAddress peer;
  private volatile int peerOrigin = -1;
  private long receivedPeer = -1;
  private long appliedPeer = -1;
  private volatile ServiceState serviceState = ServiceState.NEW;
  private NumberReservation counters;
  private volatile Path acceptedFile;
  private final AtomicBoolean savingAccepted = new AtomicBoolean();

  /** The sync session's socket while one runs; closed by {@link #stop}. */
  private volatile Socket sessionSocket;

  /** When a sync session opened here last failed: the next waits half a second. */
  private volatile long lastSyncFailureNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);

  /**
   * Since when the partner's heartbeats have said it holds records of its own beyond what this
   * server applied, with no progress; and how far this server had applied then. Heartbeat thread.
   */
  private boolean partnerAhead;

  private long partnerAheadSinceNanos;
  private long appliedWhenPartnerAhead;
  private DatagramSocket heartbeatSocket;
  private DatagramSocket streamSocket;
  private ServerSocket syncSocket;
  private final List<Thread> threads = new ArrayList<>();

  public FailoverService(
      FailoverConfig config,
      int serverId,
      String secret,
      StateBus bus,
      ConfigService configService,
      DhcpEngine engine,
      LeaseStore store,
      PeerRecordApplier.EngineThread engineThread,
      AlertCenter alerts,
      StatisticsRegistry stats,
      Clock clock) {
    this.config = config;
    this.serverId = serverId;
    this.bus = bus;
    this.configService = configService;
    this.alerts = alerts;
    this.clock = clock;
    this.engine = engine;
    this.store = store;
    this.engineThread = engineThread;
    this.auth =
        new FrameAuthenticator(FrameAuthenticator.deriveKey(secret), serverId, clock, stats);
    this.peer = config.peer() == null ? null : config.peer().toInetAddress();
    this.partnerRecordsKept = partnerRecordsKept(bus, serverId);
    boolean paired = peer != null || partnerRecordsKept;
    this.machine =
        new FailoverStateMachine(
            config.role(), config.deadAfterMillis(), paired, clock, ticker, stats);
    this.backlog = new UpdateBacklog(BACKLOG_CAPACITY, 0);
    this.applier =
        new PeerRecordApplier(
            bus, configService, engine, store, engineThread, alerts, clock, stats);
    this.gateMillis = Math.max(3L * config.heartbeatMillis(), 100L);
    FailoverStatistics.declare(stats);
    this.sent = stats.counter("failover.records.sent");
    this.lagging = stats.counter("failover.replication_lagging");
    this.syncStrangers = stats.counter("failover.dropped.sync_stranger");
    this.resyncs = stats.counter("failover.syncs");
    this.conflicts = stats.counter("failover.conflicts");
    this.tailsSent = stats.counter("failover.syncs.tail");
    this.snapshotsSent = stats.counter("failover.syncs.snapshot");
    this.snapshotsResumed = stats.counter("failover.syncs.resumed");
    this.syncLeasesSent = stats.counter("failover.sync.leases_sent");
    this.syncLeasesReceived = stats.counter("failover.sync.leases_received");
    this.syncStateSent = stats.counter("failover.sync.state_sent");
    this.syncStateReceived = stats.counter("failover.sync.state_received");
    this.syncStateMerged = stats.counter("failover.sync.state_merged");
    this.sending = new SyncMeter(clock);
    this.receiving = new SyncMeter(clock);
    stats.gauge("failover.records.pending", backlog::pending);
    stats.gauge("failover.records.acked", backlog::acked);
    machine.addListener(this::onTransition);
  }

  @Override
  public String name() {
    return "failover";
  }

  @Override
  public ServiceState state() {
    return serviceState;
  }

  public FailoverStateMachine machine() {
    return machine;
  }

  /**
   * Keeps frame counters in a file of the data directory, so that they stay above those used before
   * a restart even if the clock went back; call before {@link #start}.
   */
  public void keepCountersIn(Path file) throws IOException {
    counters =
        NumberReservation.open(
            file, auth.nowMicros(), FrameAuthenticator.RESERVATION_BLOCK, "failover-counter");
    auth.reserveIn(counters);
    acceptedFile = file.resolveSibling("failover.accepted");
    auth.loadAccepted(acceptedFile);
  }

  /**
   * Keeps the resume point of the partner's lease snapshot in a file of the data directory, so that
   * a sync broken by a restart of this server is taken up where it stopped; call before {@link
   * #start}.
   */
  public void keepSyncResumeIn(Path file) {
    SyncResumeFile f = new SyncResumeFile(file, bus::lastSequence);
    Optional<SyncResumeFile.Point> point = f.load();
    synchronized (resumeLock) {
      resumeFile = f;
      incoming = point.orElse(null);
    }
    point
        .filter(p -> !p.complete())
        .ifPresent(p -> receiving.interrupted(p.resume().received(), p.total()));
  }

  /**
   * Keeps in a file of the data directory when this server was last level with its partner, so that
   * after starting alone it knows which leases the partner may have renewed meanwhile; call before
   * {@link #start}.
   */
  public void keepLevelMarkIn(Path file) {
    levelMark = LevelMark.load(file);
  }

  /** Saves the anti-replay window off the heartbeat thread; a failure is logged, never fatal. */
  private void saveAccepted() {
    Path file = acceptedFile;
    if (file == null || !savingAccepted.compareAndSet(false, true)) {
      return;
    }
    Thread t =
        DaemonThreads.create(
            "failover-save",
            () -> {
              try {
                auth.saveAccepted(file);
              } catch (IOException e) {
                log.warn("FAILOVER_REPLAY_WINDOW_NOT_SAVED file={}: {}", file, e.toString());
              } finally {
                savingAccepted.set(false);
              }
            });
    t.start();
  }

  @Override
  public synchronized void start() throws IOException {
    serviceState = ServiceState.STARTING;
    InetAddress listen = config.listen().toInetAddress();
    int port = config.port();
    try {
      syncSocket = new ServerSocket();
      syncSocket.setReuseAddress(true);
      syncSocket.bind(new InetSocketAddress(listen, port));
      streamSocket = new DatagramSocket(new InetSocketAddress(listen, port + 1));
      streamSocket.setReceiveBufferSize(4 << 20);
      streamSocket.setSendBufferSize(4 << 20);
      heartbeatSocket = new DatagramSocket(new InetSocketAddress(listen, port + 2));
    } catch (IOException e) {
      closeSockets();
      serviceState = ServiceState.FAILED;
      throw e;
    }
    running.set(true);
    bus.addListener(
        record -> {
          if (running.get() && record.origin() == serverId) {
            backlog.add(echoOrAsIs(record));
          }
        });
    applyServingMode();
    machine.listening();
    spawn("failover-heartbeat", this::heartbeatLoop, Thread.MAX_PRIORITY);
    spawn("failover-stream-rx", this::streamReceiveLoop, Thread.NORM_PRIORITY);
    spawn("failover-stream-tx", this::streamSendLoop, Thread.NORM_PRIORITY);
    spawn("failover-sync-accept", this::syncAcceptLoop, Thread.NORM_PRIORITY);
    serviceState = ServiceState.RUNNING;
    log.info(
        "FAILOVER_STARTED role={} listen={} tcp={} stream={} heartbeat={} peer={}",
        config.role().label(),
        config.listen(),
        port,
        port + 1,
        port + 2,
        peer == null ? "unknown" : peer.getHostAddress());
  }

  private void spawn(String name, Runnable loop, int priority) {
    Thread t = DaemonThreads.create(name, loop);
    t.setPriority(priority);
    threads.add(t);
    t.start();
  }

  @Override
  public synchronized void stop() {
    if (!running.getAndSet(false)) {
      if (counters != null) {
        counters.close();
      }
      return;
    }
    serviceState = ServiceState.STOPPING;
    closeSockets();
    // A sync session under way ends too: left running (its thread is not one of ours to join), a
    // stopped service's session completed into its old state machine, which then set the engine's
    // mode and ended the partner holds beside the new service a config change had started.
    Socket session = sessionSocket;
    if (session != null) {
      try {
        session.close();
      } catch (IOException ignored) {
        // closing on the way out
      }
    }
    if (counters != null) {
      counters.close();
    }
    if (acceptedFile != null) {
      try {
        auth.saveAccepted(acceptedFile);
      } catch (IOException e) {
        log.warn("FAILOVER_REPLAY_WINDOW_NOT_SAVED file={}: {}", acceptedFile, e.toString());
      }
    }
    for (Thread t : threads) {
      t.interrupt();
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    serviceState = ServiceState.STOPPED;
  }

  private void closeSockets() {
    for (AutoCloseable c : new AutoCloseable[] {syncSocket, streamSocket, heartbeatSocket}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing on the way out
        }
      }
    }
  }

  // ---------------------------------------------------------------- replication gate

  @Override
  public CompletableFuture<Void> replicated(BusRecord record) {
    if (machine.role() != FailoverRole.PRIMARY
        || machine.state() != FailoverState.NORMAL
        || !running.get()) {
      return CompletableFuture.completedFuture(null);
    }
    if (backlog.lostRecords() || !machine.partnerInContact()) {
      // The record cannot reach the partner before a snapshot (or the partner is gone): waiting
      // would only add the bound to every ACK. One that waits for a sync's tail is gated: the
      // tail goes at the next heartbeat.
      lagging.increment();
      return CompletableFuture.completedFuture(null);
    }
    long seq = record.sequence();
    CompletableFuture<Void> acked = backlog.whenAcked(seq);
    return acked
        .completeOnTimeout(null, gateMillis, TimeUnit.MILLISECONDS)
        .whenComplete(
            (r, e) -> {
              if (backlog.acked() < seq) {
                lagging.increment();
                log.warn(
                    "FAILOVER_REPLICATION_LAGGING seq={} acked={} waited_ms={}; answering alone",
                    seq,
                    backlog.acked(),
                    gateMillis);
                alerts.raise(
                    FailoverAlerts.REPLICATION_LAGGING,
                    FailoverAlerts.OBJECT,
                    "the partner did not ack lease records within " + gateMillis + " ms");
                laggingAlerted = true;
              }
            });
  }

  // ---------------------------------------------------------------- state

  private void onTransition(FailoverState from, FailoverState to, String cause) {
    if (!running.get()) {
      return; // a stopped service's machine: the engine is the running one's to drive
    }
    if (to == FailoverState.NORMAL) {
      // First: a primary taking its role back from RECOVERING serves from here, synced.
      holdsSettled = true;
      if (partnerLostItsRecords) {
        log.warn(
            "DHCP_HELD_FOR_PARTNER_KEPT: the partner came back without the records it made; the"
                + " addresses held for the clients it may have renewed stay held until they run"
                + " out");
      } else {
        engineThread.execute(() -> engine.endPartnerHolds("synced with the partner"));
      }
      markLevel();
    } else if (machine.servingMode() != ServingMode.STANDBY && !holdsSettled) {
      // Before the engine serves, and before any sync since this service started: alone from
      // STARTUP, a primary syncing, or a server whose partner died before their first sync.
      holdsSettled = true;
      holdForPartnerClients();
    }
    applyServingMode();
    alerts.raise(
        FailoverAlerts.STATE,
        FailoverAlerts.OBJECT,
        "failover " + from + " -> " + to + " (" + cause + ")");
    alerts.clear(FailoverAlerts.STATE, FailoverAlerts.OBJECT, "now " + to);
    if (to == FailoverState.PARTNER_DOWN) {
      partnerLostMillis = tickerMillis();
      remindedMillis = partnerLostMillis;
      alerts.raise(
          FailoverAlerts.PARTNER_DOWN,
          FailoverAlerts.OBJECT,
          "partner " + partnerName() + " out of contact (" + cause + "); serving alone");
    } else if (from == FailoverState.PARTNER_DOWN) {
      alerts.clear(
          FailoverAlerts.PARTNER_DOWN,
          FailoverAlerts.OBJECT,
          "partner " + partnerName() + " back in contact");
    }
  }

  /**
   * This server serves before any sync since it started: alone (its partner silent since it
   * started, or dead before their first sync finished), or as a primary whose first sync is under
   * way. What the partner granted since the two were last level is unknown here, so the addresses
   * whose leases it may have renewed go to their last client only until a sync ends the holds
   * (NORMAL). Without this, a primary down for an hour while its secondary served, restarted alone
   * after the secondary died in turn, gave the addresses of clients the secondary had renewed to
   * others as soon as its own copy of their leases ran out.
   */
  private void holdForPartnerClients() {
    long since = LevelMark.holdsSince(levelMillis(), partnerRecordsKept);
    if (since >= 0) {
      engineThread.execute(() -> engine.holdForPartnerClients(since));
    }
  }

  /**
   * Our record of a lease exactly as the partner's snapshot just gave it goes back marked as an
   * echo ({@link RecordType#LEASE_ECHO}): the partner may have changed that lease since it took the
   * snapshot.
   */
  private BusRecord echoOrAsIs(BusRecord record) {
    if (RecordType.LEASE.equals(record.type())
        && applier.cameFromPartnerSnapshot(record.payload(), record.payload().length)) {
      return new BusRecord(
          record.origin(),
          record.sequence(),
          record.timeMillis(),
          RecordType.LEASE_ECHO,
          record.payload());
    }
    return record;
  }

  /** Whether the journal holds records of a partner's: this server was paired once, at least. */
  static boolean partnerRecordsKept(StateBus bus, int serverId) {
    return bus.highestSequenceByOrigin().keySet().stream().anyMatch(o -> o != serverId);
  }

  /** When this server was last level with the partner (its mark), -1 if never. */
  private long levelMillis() {
    LevelMark mark = levelMark;
    return mark == null ? -1 : mark.millis();
  }

  /** The pair is level now (NORMAL, the partner heard): the mark moves, at most every 10 s. */
  private void markLevel() {
    LevelMark mark = levelMark;
    if (mark != null) {
      mark.level(clock.millis());
    }
  }

  private void applyServingMode() {
    var mode = machine.servingMode();
    // Until the pair is level again, not only while apart: a server serving in RECOVERING or
    // SYNCING has not yet learnt what the partner granted while they were apart.
    boolean partnerMayServe = machine.state() != FailoverState.NORMAL;
    engineThread.execute(
        () -> {
          engine.setPartnerMayServe(partnerMayServe);
          engine.setMode(mode);
        });
  }

  // ---------------------------------------------------------------- heartbeat channel

  private void heartbeatLoop() {
    long interval = TimeUnit.MILLISECONDS.toNanos(config.heartbeatMillis());
    long next = System.nanoTime();
    long ticks = 0;
    byte[] buffer = new byte[2048];
    while (running.get()) {
      try {
        long now = System.nanoTime();
        if (now - next >= 0) {
          // Heartbeats that arrived while this thread was not running (a busy or starved
          // process) count before the partner is judged: our own stall is not its silence.
          drainHeartbeats(buffer);
          try {
            sendHeartbeat();
          } catch (IOException e) {
            // No route to the partner, a firewall, the address gone with the link: the partner's
            // silence must still be judged. Thrown past the tick, this froze the state machine
            // (no takeover, ever) and spun the loop, a warning every millisecond.
            heartbeatSendFailed(e);
          }
          machine.onTick();
          maybeSync();
          if (++ticks % Math.max(1, 1000 / config.heartbeatMillis()) == 0) {
            saveAccepted();
            if (machine.state() == FailoverState.NORMAL && machine.partnerInContact()) {
              markLevel();
            }
            judgeLastingConditions();
          }
          next += interval;
          if (now - next > interval) {
            next = now + interval;
          }
        }
        int wait = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()));
        heartbeatSocket.setSoTimeout(wait);
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          heartbeatSocket.receive(packet);
        } catch (SocketTimeoutException e) {
          continue;
        }
        onHeartbeatDatagram(packet);
      } catch (SocketException e) {
        if (running.get()) {
          log.warn("FAILOVER_HEARTBEAT_SOCKET_ERROR {}", e.toString());
        }
      } catch (IOException | RuntimeException e) {
        log.warn("FAILOVER_HEARTBEAT_ERROR {}", e.toString());
      }
    }
  }

  /** When the last heartbeat send failure was logged (System.nanoTime), 0 before any. */
  private long heartbeatFailureLogged;

  /** Logs a failed heartbeat send, at most once a minute while they keep failing. */
  private void heartbeatSendFailed(IOException e) {
    long now = System.nanoTime();
    if (heartbeatFailureLogged == 0 || now - heartbeatFailureLogged > TimeUnit.MINUTES.toNanos(1)) {
      heartbeatFailureLogged = now;
      log.warn("FAILOVER_HEARTBEAT_SEND_FAILED peer={}: {}", peer, e.toString());
    }
  }

  /** Takes in every heartbeat already queued on the socket, waiting at most a millisecond. */
  private void drainHeartbeats(byte[] buffer) throws IOException {
    heartbeatSocket.setSoTimeout(1);
    for (int i = 0; i < 64; i++) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        heartbeatSocket.receive(packet);
      } catch (SocketTimeoutException e) {
        return;
      }
      try {
        onHeartbeatDatagram(packet);
      } catch (RuntimeException e) {
        log.warn("FAILOVER_HEARTBEAT_ERROR {}", e.toString());
      }
    }
  }

  private void onHeartbeatDatagram(DatagramPacket packet) {
    Optional<FrameAuthenticator.Frame> frame =
        auth.open(packet.getData(), packet.getOffset(), packet.getLength());
    if (frame.isEmpty() || frame.get().kind() != FrameKind.HEARTBEAT) {
      return;
    }
    FailoverMessage.Heartbeat h =
        (FailoverMessage.Heartbeat) FailoverCodec.decode(FrameKind.HEARTBEAT, frame.get().body());
    learnPeer(packet.getAddress(), frame.get().sender());
    if (h.role() != FailoverRole.PRIMARY && h.role() != FailoverRole.SECONDARY
        || h.role() == config.role()) {
      // Two primaries (or two secondaries) would both serve (or neither): never pair them.
      roleClash(h.role());
      return;
    }
    alerts.clear(
        FailoverAlerts.ROLE_CLASH,
        FailoverAlerts.OBJECT,
        "the partner's role is " + h.role().label());
    alerts.clear(
        FailoverAlerts.ID_CLASH,
        FailoverAlerts.OBJECT,
        "the partner's server.id is " + frame.get().sender());
    // Before the state machine hears it: hearing the partner may start a sync at once, whose
    // HELLO must already ask for the partner's whole lease table if this journal went back.
    continueAfterWhatThePartnerHolds(h.appliedPeerSequence());
    notePartnerStream(h.ownSequence());
    machine.onHeartbeat(h);
    backlog.acked(h.appliedPeerSequence());
    judgeClockSkew(machine.partner().clockSkewMillis());
  }

  private void notePartnerStream(long partnerHolds) {
    long applied;
    synchronized (peerLock) {
      applied = appliedPeer;
    }
    if (partnerHolds <= applied) {
      partnerAhead = false;
    } else if (!partnerAhead || applied != appliedWhenPartnerAhead) {
      partnerAhead = true;
      partnerAheadSinceNanos = System.nanoTime();
      appliedWhenPartnerAhead = applied;
    }
  }

  /**
   * Whether the partner's records have not reached this server for a while though it holds more:
   * its stream waits for a sync (a record too large for a datagram, an overflow), and only the
   * primary opens syncs. Lost datagrams alone are sent again within a heartbeat interval.
   */
  private boolean partnerStreamStuck() {
    return partnerAhead
        && System.nanoTime() - partnerAheadSinceNanos
            > TimeUnit.MILLISECONDS.toNanos(Math.max(1000, 10L * config.heartbeatMillis()));
  }

  /** The sequence this server's records were last told to continue after; heartbeat thread. */
  private long continuedAfter;

  /**
   * Whether the next sync should bring the partner's whole lease table: this journal went back, so
   * leases this server granted after the point it went back to are held by the partner alone (its
   * stream and tails carry only the partner's own records).
   */
  private volatile boolean wantWholeState;

  /**
   * The partner has applied records of ours beyond the last this journal holds: only a journal gone
   * back (restored from an older backup, or a new data folder under the same server.id) does that,
   * as the stream sends only durable records. New records would be numbered again in the range the
   * partner holds, which it takes for duplicates and drops, and the ACKs they gate would leave on
   * acks for records it never applied: leases lost at the next takeover. They continue above what
   * it holds instead.
   */
  private void continueAfterWhatThePartnerHolds(long heldByPartner) {
    long ours = bus.lastSequence();
    if (heldByPartner > ours && heldByPartner > continuedAfter) {
      continuedAfter = heldByPartner;
      wantWholeState = true;
      log.warn(
          "FAILOVER_SEQUENCE_BEHIND ours={} partner_holds={}: this journal is older than what the"
              + " partner holds (restored from a backup, or a new data folder under the same"
              + " server.id); new records continue after {}, and the next sync brings the"
              + " partner's whole lease table",
          ours,
          heldByPartner,
          heldByPartner);
      bus.continueAfter(heldByPartner);
    }
  }

  /** How often a partner still out of contact is alerted again. */
  private static final long PARTNER_DOWN_REMINDER_MILLIS = TimeUnit.MINUTES.toMillis(15);

  /** How long without an authentication failure clears FAILOVER_AUTH_FAILED. */
  private static final long AUTH_QUIET_MILLIS = TimeUnit.MINUTES.toMillis(5);

  /**
   * Once a second, on the heartbeat thread: a partner still out of contact is alerted again (a
   * secondary down for weeks must not go unnoticed), a partner with this server's id is alerted,
   * authentication failures on the failover ports are alerted and cleared once quiet, and a
   * replication lag that has caught up is cleared.
   */
  private void judgeLastingConditions() {
    long now = tickerMillis();
    if (machine.state() == FailoverState.PARTNER_DOWN
        && now - remindedMillis >= PARTNER_DOWN_REMINDER_MILLIS) {
      remindedMillis = now;
      alerts.remind(
          FailoverAlerts.PARTNER_DOWN,
          FailoverAlerts.OBJECT,
          "partner "
              + partnerName()
              + " out of contact for "
              + java.time.Duration.ofMillis(now - partnerLostMillis).toMinutes()
              + " min; serving alone");
    }
    long ownIdFrames = auth.ownIdFrames();
    if (ownIdFrames > ownIdFramesSeen) {
      ownIdFramesSeen = ownIdFrames;
      if (alerts.raise(
          FailoverAlerts.ID_CLASH,
          FailoverAlerts.OBJECT,
          "frames signed with the pair's key carry this server's own server.id "
              + serverId
              + ": the partner has the same id; its frames are ignored until one of the two"
              + " gets another")) {
        log.error("FAILOVER_ID_CLASH id={}", serverId);
      }
    }
    long failures = auth.failures();
    if (failures > authFailuresSeen) {
      alerts.raise(
          FailoverAlerts.AUTH_FAILED,
          FailoverAlerts.OBJECT,
          (failures - authFailuresSeen)
              + " frame(s) on the failover ports failed authentication in the last second ("
              + failures
              + " since start)");
      authFailuresSeen = failures;
      authFailuresAlerted = true;
      authFailedMillis = now;
    } else if (authFailuresAlerted && now - authFailedMillis >= AUTH_QUIET_MILLIS) {
      authFailuresAlerted = false;
      alerts.clear(
          FailoverAlerts.AUTH_FAILED,
          FailoverAlerts.OBJECT,
          "no authentication failure for " + AUTH_QUIET_MILLIS / 60_000 + " min");
    }
    if (laggingAlerted && backlog.pending() == 0) {
      laggingAlerted = false;
      alerts.clear(
          FailoverAlerts.REPLICATION_LAGGING,
          FailoverAlerts.OBJECT,
          "the partner has acknowledged every record");
    }
  }

  private long tickerMillis() {
    return TimeUnit.NANOSECONDS.toMillis(ticker.nanos());
  }

  private String partnerName() {
    InetAddress p = peer;
    return p == null ? "(not yet heard)" : p.getHostAddress();
  }

  private void roleClash(FailoverRole theirs) {
    if (alerts.raise(
        FailoverAlerts.ROLE_CLASH,
        FailoverAlerts.OBJECT,
        "the partner at "
            + (peer == null ? "?" : peer.getHostAddress())
            + " is also "
            + theirs.label()
            + "; its heartbeats are ignored until one of the two is reconfigured")) {
      log.error("FAILOVER_ROLE_CLASH ours={} theirs={}", config.role().label(), theirs.label());
    }
  }

  /**
   * How long the journal may take over one batch before this server stops its heartbeats: far past
   * any fsync a loaded disk takes (130 ms measured here at load average 7), well short of what an
   * outage may last.
   */
  static final Duration JOURNAL_STALL_LIMIT = Duration.ofSeconds(2);

  private boolean withholding;

  /**
   * Sends a heartbeat, unless the journal hangs: heartbeats flow on their own thread, so a server
   * whose disk hangs (every ACK waiting on an fsync that never returns) would go on looking alive
   * and its partner would never take over. Withheld, it looks hung, which it is; the partner
   * serves, and this server, hearing it serve alone, stands by until a sync after its return.
   */
  private void sendHeartbeat() throws IOException {
    InetAddress to = peer;
    if (to == null) {
      return;
    }
    Duration writing = bus.journalWritingFor();
    if (journalStalled(writing)) {
      if (!withholding) {
        withholding = true;
        log.error("FAILOVER_HEARTBEATS_WITHHELD journal_writing_ms={}", writing.toMillis());
        alerts.raise(
            FailoverAlerts.HEARTBEATS_WITHHELD,
            FailoverAlerts.OBJECT,
            "the journal has been writing one batch for "
                + writing.toMillis()
                + " ms: heartbeats stop so that the partner takes over");
      }
      return;
    }
    if (withholding) {
      withholding = false;
      alerts.clear(
          FailoverAlerts.HEARTBEATS_WITHHELD, FailoverAlerts.OBJECT, "the journal writes again");
    }
    long applied;
    synchronized (peerLock) {
      applied = Math.max(0, appliedPeer);
    }
    FailoverMessage.Heartbeat h =
        new FailoverMessage.Heartbeat(
            config.role(), machine.state(), clock.millis(), bus.lastSequence(), applied);
    byte[] frame = auth.seal(FrameKind.HEARTBEAT, FailoverCodec.encode(h));
    heartbeatSocket.send(new DatagramPacket(frame, frame.length, to, config.port() + 2));
  }

  private void learnPeer(InetAddress from, int origin) {
    if (peer == null) {
      log.info("FAILOVER_PEER_LEARNED address={} id={}", from.getHostAddress(), origin);
      peer = from;
    }
    synchronized (peerLock) {
      if (peerOrigin != origin) {
        peerOrigin = origin;
        long held = heldOf(origin);
        receivedPeer = Math.max(receivedPeer, held);
        appliedPeer = Math.max(appliedPeer, held);
      }
    }
  }

  // ---------------------------------------------------------------- lease stream channel

  private void streamSendLoop() {
    long rto = TimeUnit.MILLISECONDS.toNanos(Math.max(20, config.heartbeatMillis()));
    long lastAcked = backlog.acked();
    long lastProgress = System.nanoTime();
    int maxBody = FailoverCodec.MAX_DATAGRAM - FrameAuthenticator.OVERHEAD;
    while (running.get()) {
      try {
        backlog.awaitWork(config.heartbeatMillis());
        InetAddress to = peer;
        if (to == null || !machine.partnerInContact() || backlog.needsResync()) {
          continue;
        }
        long acked = backlog.acked();
        long now = System.nanoTime();
        if (acked != lastAcked) {
          lastAcked = acked;
          lastProgress = now;
        } else if (backlog.pending() > 0 && now - lastProgress > rto) {
          backlog.rewind();
          lastProgress = now;
        }
        List<BusRecord> batch;
        while (!(batch = backlog.nextBatch(maxBody)).isEmpty()) {
          byte[] frame =
              auth.seal(
                  FrameKind.RECORDS, FailoverCodec.encode(new FailoverMessage.Records(batch)));
          streamSocket.send(new DatagramPacket(frame, frame.length, to, config.port() + 1));
          sent.add(batch.size());
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (running.get()) {
          log.warn("FAILOVER_STREAM_SEND_ERROR {}", e.toString());
        }
      }
    }
  }

  private void streamReceiveLoop() {
    byte[] buffer = new byte[65_536];
    while (running.get()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        streamSocket.receive(packet);
        Optional<FrameAuthenticator.Frame> opened =
            auth.open(packet.getData(), packet.getOffset(), packet.getLength());
        if (opened.isEmpty()) {
          continue;
        }
        FrameAuthenticator.Frame frame = opened.get();
        machine.onPartnerAlive();
        if (frame.kind() == null) {
          continue; // a newer partner's kind of frame: authentic, nothing this release acts on
        }
        FailoverMessage message = FailoverCodec.decode(frame.kind(), frame.body());
        if (message instanceof FailoverMessage.Ack ack) {
          backlog.acked(ack.sequence());
        } else if (message instanceof FailoverMessage.Records records) {
          learnPeer(packet.getAddress(), frame.sender());
          receiveRecords(frame.sender(), records.records(), packet.getAddress());
        }
      } catch (SocketException e) {
        if (running.get()) {
          log.warn("FAILOVER_STREAM_SOCKET_ERROR {}", e.toString());
        }
      } catch (IOException | RuntimeException e) {
        log.warn("FAILOVER_STREAM_RECEIVE_ERROR {}", e.toString());
      }
    }
  }

  private void receiveRecords(int sender, List<BusRecord> records, InetAddress from) {
    CompletableFuture<Void> applied = submitInOrder(sender, records, false);
    if (applied == null) {
      sendAck(from);
      return;
    }
    applied.whenComplete((r, e) -> sendAck(from));
  }

  /**
   * Hands the records that follow the last one received to the applier, in order, under the lock:
   * the stream and a sync's tail may both carry them, and records must be journaled in sequence
   * (the bus refuses a lower sequence after a higher one). Records already received are skipped; at
   * a gap the rest is dropped, or, for a sync, refused.
   *
   * @return completes once the records are applied and journaled; null if none was new
   */
  private CompletableFuture<Void> submitInOrder(
      int sender, List<BusRecord> records, boolean gapIsError) {
    synchronized (peerLock) {
      List<BusRecord> fresh = new ArrayList<>();
      for (BusRecord record : records) {
        if (record.origin() != sender || record.sequence() <= receivedPeer) {
          continue;
        }
        if (record.sequence() != receivedPeer + 1) {
          if (gapIsError) {
            throw new IllegalStateException(
                "a sync tail skips from " + receivedPeer + " to " + record.sequence());
          }
          break; // a gap: ack what we have, the sender goes back
        }
        fresh.add(record);
        receivedPeer = record.sequence();
      }
      if (fresh.isEmpty()) {
        return null;
      }
      long last = fresh.get(fresh.size() - 1).sequence();
      return applier
          .applyRecords(fresh)
          .whenComplete(
              (r, e) -> {
                synchronized (peerLock) {
                  if (e == null) {
                    appliedPeer = Math.max(appliedPeer, last);
                  } else {
                    log.warn("FAILOVER_APPLY_FAILED up_to={}: {}", last, e.toString());
                    receivedPeer = appliedPeer;
                  }
                }
              });
    }
  }

  /**
   * Whether the journal has been writing one batch too long: this server then withholds its
   * heartbeats so that the partner takes over, and its acknowledgements too. Sent at once for
   * records already received, they answered each of the partner's retransmissions while no record
   * could become durable, and the partner, which counts every authentic frame as life, never took
   * over.
   */
  private static boolean journalStalled(Duration writing) {
    return writing.compareTo(JOURNAL_STALL_LIMIT) >= 0;
  }

  private void sendAck(InetAddress to) {
    if (journalStalled(bus.journalWritingFor())) {
      return;
    }
    // ACKs leave from the stream's receiver and from the journal writer. Sealed (which numbers
    // them) and sent one at a time, they leave in counter order: two sealed at once could leave in
    // the other order, and the partner dropped the lower-numbered one, arriving second, as a
    // replay: an authentic ACK lost, and FAILOVER_AUTH_FAILED raised on a clean link.
    synchronized (ackSending) {
      long applied;
      synchronized (peerLock) {
        applied = appliedPeer;
      }
      if (applied < 0) {
        return;
      }
      byte[] frame =
          auth.seal(FrameKind.ACK, FailoverCodec.encode(new FailoverMessage.Ack(applied)));
      try {
        streamSocket.send(new DatagramPacket(frame, frame.length, to, config.port() + 1));
      } catch (IOException e) {
        log.debug("FAILOVER_ACK_SEND_FAILED {}", e.toString());
      }
    }
  }

  // ---------------------------------------------------------------- sync channel

  /** On the heartbeat thread: the primary opens a sync session when one is due. */
  private void maybeSync() {
    InetAddress to = peer;
    if (config.role() != FailoverRole.PRIMARY
        || to == null
        || !machine.partnerInContact()
        || !(machine.wantsSync() || backlog.needsResync() || partnerStreamStuck())
        || System.nanoTime() - lastSyncFailureNanos < TimeUnit.MILLISECONDS.toNanos(500)
        || !syncRunning.compareAndSet(false, true)) {
      return;
    }
    Thread t =
        DaemonThreads.create(
            "failover-sync",
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(to, config.port()), TCP_TIMEOUT_MILLIS);
                socket.setSoTimeout(TCP_TIMEOUT_MILLIS);
                socket.setTcpNoDelay(true);
                session(socket, true);
              } catch (IOException | RuntimeException e) {
                lastSyncFailureNanos = System.nanoTime();
                log.warn("FAILOVER_SYNC_FAILED peer={}: {}", to.getHostAddress(), e.toString());
              } finally {
                syncRunning.set(false);
              }
            });
    t.start();
  }

  private void syncAcceptLoop() {
    while (running.get()) {
      try (Socket socket = syncSocket.accept()) {
        InetAddress partner = peer;
        if (partner == null || !partner.equals(socket.getInetAddress())) {
          // Only the partner, known by its heartbeats or the config, gets a session: any host
          // used to get a fresh signed HELLO at once, could hand it to a secondary that had not
          // heard its primary yet and so become its peer, and could hold this one thread with a
          // frame sent a byte at a time, so that no sync ran.
          syncStrangers.increment();
          log.debug(
              "FAILOVER_SYNC_REFUSED from={} peer={}",
              socket.getInetAddress().getHostAddress(),
              partner == null ? "not heard yet" : partner.getHostAddress());
          continue;
        }
        socket.setSoTimeout(TCP_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        session(socket, false);
      } catch (IOException | RuntimeException e) {
        if (running.get()) {
          log.warn("FAILOVER_SYNC_FAILED: {}", e.toString());
        }
      }
    }
  }

  /**
   * One sync session. The client sends its part first, then reads the server's; the client ends
   * with a second SYNC_DONE, after which the server knows its part was applied.
   */
  private void session(Socket socket, boolean client) throws IOException {
    sessionSocket = socket;
    try {
      if (!running.get()) {
        throw new IOException("failover stopped");
      }
      syncSession(socket, client);
      outgoing = null; // the partner has all of it
      sending.end(true);
      engineThread.execute(applier::forgetPartnerSnapshot);
    } finally {
      sessionSocket = null;
      fromPartnerState.clear();
      sending.end(false);
      receiving.end(false);
    }
  }

  private void syncSession(Socket socket, boolean client) throws IOException {
    long started = System.nanoTime();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    DataOutputStream out =
        new DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream(), 65_536));
    boolean askedWholeState = wantWholeState;
    write(out, new FailoverMessage.Hello(config.role(), machine.state(), holding(), resumePoint()));
    out.flush();
    Received<FailoverMessage> hello = read(in);
    if (!(hello.message() instanceof FailoverMessage.Hello theirs)) {
      throw new IOException("expected HELLO, got " + hello.message().kind());
    }
    int partner = hello.sender();
    backlog.sessionStarted();
    learnPeer(socket.getInetAddress(), partner);
    // None of this server's records though the two were level once, or fewer of its own than this
    // server holds of it: its journal is gone (a disk replaced, a reinstall). What it renewed while
    // apart is lost with it, so no sync can end the holds.
    partnerLostItsRecords =
        (levelMillis() >= 0 && theirs.highestByOrigin().getOrDefault(serverId, 0L) == 0)
            || theirs.highestByOrigin().getOrDefault(partner, 0L) < heldOf(partner);
    long covered;
    if (client) {
      covered = sendPart(out, theirs);
      receivePart(in, partner);
      // The closing frame is a SYNC_DONE, a kind only TCP carries: an ACK would race the
      // stream's ACKs in the anti-replay window.
      write(out, new FailoverMessage.SyncDone(covered));
      out.flush();
      backlog.resetTo(covered);
    } else {
      receivePart(in, partner);
      covered = sendPart(out, theirs);
      Received<FailoverMessage> end = read(in);
      if (!(end.message() instanceof FailoverMessage.SyncDone)) {
        throw new IOException("expected the closing SYNC_DONE, got " + end.message().kind());
      }
      backlog.resetTo(covered);
    }
    if (!running.get()) {
      throw new IOException("failover stopped during the session");
    }
    resyncs.increment();
    if (askedWholeState) {
      wantWholeState = false;
    }
    log.info(
        "FAILOVER_SYNC_DONE role={} peer={} our_seq_covered={} ms={}",
        config.role().label(),
        socket.getInetAddress().getHostAddress(),
        covered,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    machine.onSyncCompleted();
  }

  /**
   * The highest sequence held of each origin: journaled, or for the partner's origin, applied from
   * its last snapshot (held in memory and journaled as our own records).
   */
  private java.util.Map<Integer, Long> holding() {
    java.util.Map<Integer, Long> held = new java.util.HashMap<>(bus.highestSequenceByOrigin());
    synchronized (peerLock) {
      if (peerOrigin >= 0 && appliedPeer > 0) {
        held.merge(peerOrigin, appliedPeer, Math::max);
      }
    }
    synchronized (resumeLock) {
      if (incoming != null && incoming.complete()) {
        held.merge(incoming.resume().origin(), incoming.resume().covered(), Math::max);
      }
    }
    if (wantWholeState) {
      held.keySet().removeIf(origin -> origin != serverId); // the partner sends its whole table
    }
    return held;
  }

  /**
   * The highest sequence of {@code origin} held here: journaled, or covered by a snapshot of it
   * applied whole (its leases are journaled as our own records).
   */
  private long heldOf(int origin) {
    long held = bus.highestSequenceByOrigin().getOrDefault(origin, 0L);
    synchronized (resumeLock) {
      if (incoming != null && incoming.complete() && incoming.resume().origin() == origin) {
        held = Math.max(held, incoming.resume().covered());
      }
    }
    return held;
  }

  /** The resume point of the partner's snapshot a broken session left, or none. */
  private FailoverMessage.Resume resumePoint() {
    synchronized (resumeLock) {
      return incoming != null && !incoming.complete()
          ? incoming.resume()
          : FailoverMessage.Resume.NONE;
    }
  }

  private void forgetUnfinishedSnapshot() {
    SyncResumeFile file;
    synchronized (resumeLock) {
      if (incoming == null || incoming.complete()) {
        return;
      }
      incoming = null;
      file = resumeFile;
    }
    if (file != null) {
      file.clear();
    }
  }

  private void setIncoming(SyncResumeFile.Point point) {
    SyncResumeFile file;
    synchronized (resumeLock) {
      incoming = point;
      file = resumeFile;
    }
    if (file != null) {
      file.save(point);
    }
  }

  /**
   * Sends what the partner lacks of our origin: the records after what it holds, if our backlog
   * still has them all, else a lease snapshot. A snapshot goes in pages in address order; one that
   * a broken session left half sent is taken up after the last lease the partner applied (its HELLO
   * says which), as long as we still hold that snapshot and every record since it, which the stream
   * sends after it. Returns the sequence it covers.
   */
  private long sendPart(DataOutputStream out, FailoverMessage.Hello theirs) throws IOException {
    long now = bus.lastSequence();
    long theyHave = theirs.highestByOrigin().getOrDefault(serverId, 0L);
    Optional<List<BusRecord>> tail = theyHave > 0 ? backlog.tail(theyHave, now) : Optional.empty();
    if (tail.isPresent()) {
      outgoing = null;
      List<BusRecord> records = tail.get();
      if (!records.isEmpty()) {
        write(out, new FailoverMessage.SyncStart(false, now, records.size(), 0));
        sending.start(false, records.size(), 0);
        for (int i = 0; i < records.size(); i += TAIL_BATCH) {
          int to = Math.min(records.size(), i + TAIL_BATCH);
          write(out, new FailoverMessage.Tail(records.subList(i, to)));
          sending.advance(to);
        }
        tailsSent.increment();
      }
      write(out, new FailoverMessage.SyncDone(now));
      out.flush();
      return now;
    }
    if (theyHave >= now && theyHave > 0) {
      if (outgoing != null) {
        outgoing = null; // a broken session had delivered it all after all
        sending.complete();
      }
      write(out, new FailoverMessage.SyncDone(now));
      out.flush();
      return now;
    }
    LeaseSnapshot snapshot = outgoing;
    FailoverMessage.Resume resume = theirs.resume();
    int from = 0;
    if (snapshot != null
        && resume.any()
        && resume.origin() == serverId
        && resume.covered() == snapshot.covered()
        && backlog.holdsEverythingAfter(snapshot.covered())
        && snapshot.indexAfter(resume.afterAddress()) == resume.received()) {
      from = (int) resume.received();
      snapshotsResumed.increment();
      log.info(
          "FAILOVER_SYNC_RESUMED covered={} from={} total={}",
          snapshot.covered(),
          from,
          snapshot.size());
    } else {
      snapshot = takeSnapshot();
      outgoing = snapshot;
      snapshotsSent.increment();
    }
    write(out, new FailoverMessage.SyncStart(true, snapshot.covered(), snapshot.size(), from));
    sending.start(true, snapshot.size(), from);
    if (from == 0) {
      write(out, new FailoverMessage.Config(snapshot.config()));
      sendState(out, snapshot.state());
    }
    for (int i = from; i < snapshot.size(); i += SNAPSHOT_PAGE) {
      List<LeaseRecord> page = snapshot.page(i, SNAPSHOT_PAGE);
      write(out, new FailoverMessage.Leases(page));
      syncLeasesSent.add(page.size());
      sending.advance(i + page.size());
    }
    write(out, new FailoverMessage.SyncDone(snapshot.covered()));
    out.flush();
    return snapshot.covered();
  }

  /**
   * The snapshot's other replicated state, in frames of about {@value #STATE_PAGE_BYTES} octets.
   */
  private void sendState(DataOutputStream out, List<ReplicatedState.Entry> state)
      throws IOException {
    int from = 0;
    while (from < state.size()) {
      int to = from;
      long bytes = 0;
      while (to < state.size() && (to == from || bytes < STATE_PAGE_BYTES)) {
        bytes += state.get(to++).payload().length;
      }
      write(out, new FailoverMessage.State(state.subList(from, to)));
      syncStateSent.add(to - from);
      from = to;
    }
  }

  /** A state entry by content: type and payload octets. */
  private record StateKey(short type, ByteBuffer payload) {
    static StateKey of(ReplicatedState.Entry entry) {
      return new StateKey(entry.type().code(), ByteBuffer.wrap(entry.payload()));
    }
  }

  /**
   * Merges a batch of the partner's state, each entry into the state that keeps its type, by that
   * state's rule; an entry that changed something here is journaled as our own record (as a
   * snapshot lease is), so that it survives a restart. Completes once those are durable. An entry
   * of a type nothing here keeps is skipped.
   */
  private CompletableFuture<?> mergeState(List<ReplicatedState.Entry> entries) {
    Map<RecordType, ReplicatedState> byType = new HashMap<>();
    for (ReplicatedState state : bus.replicatedStates()) {
      state.types().forEach(type -> byType.put(type, state));
    }
    CompletableFuture<?> last = CompletableFuture.completedFuture(null);
    int merged = 0;
    for (ReplicatedState.Entry entry : entries) {
      syncStateReceived.increment();
      fromPartnerState.add(StateKey.of(entry));
      ReplicatedState state = byType.get(entry.type());
      if (state == null) {
        log.debug("FAILOVER_SYNC_STATE_SKIPPED type={}: nothing here keeps it", entry.type());
        continue;
      }
      if (state.merge(entry)) {
        merged++;
        last = bus.publish(entry.type(), entry.payload());
      }
    }
    syncStateMerged.add(merged);
    if (merged > 0) {
      log.info("FAILOVER_SYNC_STATE_MERGED received={} merged={}", entries.size(), merged);
    }
    return last;
  }

  /**
   * Takes a lease snapshot as of one moment of the engine: the sequence it covers and a copy of the
   * stored leases are read on the engine's thread, so the leases are those of that sequence and the
   * records after it follow the snapshot. The copy is filtered and ordered here, on the sync
   * thread: the engine serves DHCP again once the octets are copied. Leases that stand here as the
   * partner's own snapshot gave them are left out: it has them. The other replicated state is read
   * after that sequence, so it holds every record up to it; entries the partner's snapshot gave in
   * this session are left out.
   */
  private LeaseSnapshot takeSnapshot() throws IOException {
    long started = System.nanoTime();
    CompletableFuture<TakenOnEngine> f = new CompletableFuture<>();
    engineThread.execute(
        () -> {
          try {
            long held = System.nanoTime();
            long covered = bus.lastSequence();
            byte[] configVersion = configService.snapshot();
            LeaseStore.EncodedCopy leases = store.copyEncoded();
            f.complete(new TakenOnEngine(covered, configVersion, leases, System.nanoTime() - held));
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        });
    TakenOnEngine taken;
    try {
      taken = f.get(TCP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException("lease snapshot failed: " + e, e);
    }
    List<ReplicatedState.Entry> state = new ArrayList<>();
    for (ReplicatedState replicated : bus.replicatedStates()) {
      for (ReplicatedState.Entry entry : replicated.entries()) {
        if (!fromPartnerState.contains(StateKey.of(entry))) {
          state.add(entry);
        }
      }
    }
    LeaseSnapshot sorted =
        LeaseSnapshot.of(
            taken.covered(),
            taken.config(),
            state,
            taken.leases(),
            applier::cameFromPartnerSnapshot);
    log.info(
        "FAILOVER_SNAPSHOT_TAKEN covered={} leases={} state={} ms={} engine_held_ms={}",
        sorted.covered(),
        sorted.size(),
        state.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        TimeUnit.NANOSECONDS.toMillis(taken.engineHeldNanos()));
    return sorted;
  }

  /** What a snapshot reads on the engine's thread, and how long it kept DHCP waiting. */
  private record TakenOnEngine(
      long covered, byte[] config, LeaseStore.EncodedCopy leases, long engineHeldNanos) {}

  /** Snapshot pages handed to the applier, oldest first, with the resume point each completes. */
  private record Page(CompletableFuture<Void> applied, int lastAddress, long received, int size) {}

  /** The partner's snapshot this session receives. */
  private static final class Reception {
    boolean snapshot;
    long covered;
    long total;
    long received;
    int lastAddress;
    final ArrayDeque<Page> pages = new ArrayDeque<>();
  }

  private void receivePart(DataInputStream in, int partner) throws IOException {
    Reception reception = new Reception();
    boolean whole = false;
    try {
      while (true) {
        Received<FailoverMessage> r = read(in);
        FailoverMessage m = r.message();
        if (m instanceof FailoverMessage.SyncStart start) {
          startReceiving(start, partner, reception);
        } else if (m instanceof FailoverMessage.Config c) {
          CompletableFuture<Void> done = new CompletableFuture<>();
          engineThread.execute(
              () -> {
                try {
                  applier.applySnapshotConfig(c.version(), partner);
                } finally {
                  done.complete(null);
                }
              });
          join(done);
        } else if (m instanceof FailoverMessage.State st) {
          // Before the leases, and durable before any page counts in a resume point: a resumed
          // snapshot does not send it again.
          join(mergeState(st.entries()));
        } else if (m instanceof FailoverMessage.Tail t) {
          synchronized (peerLock) {
            long held = heldOf(partner);
            receivedPeer = Math.max(receivedPeer, held);
            appliedPeer = Math.max(appliedPeer, held);
          }
          CompletableFuture<Void> applied;
          try {
            applied = submitInOrder(partner, t.records(), true);
          } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
          }
          if (applied != null) {
            join(applied);
          }
          reception.received += t.records().size();
          receiving.advance(reception.received);
        } else if (m instanceof FailoverMessage.Leases l) {
          if (l.leases().isEmpty()) {
            continue;
          }
          reception.received += l.leases().size();
          reception.pages.add(
              new Page(
                  applier.applySnapshotLeases(l.leases(), levelMillis()),
                  l.leases().get(l.leases().size() - 1).address().value(),
                  reception.received,
                  l.leases().size()));
          settle(reception, partner, PAGES_IN_FLIGHT);
        } else if (m instanceof FailoverMessage.SyncDone d) {
          settle(reception, partner, 0);
          if (reception.snapshot) {
            setIncoming(
                new SyncResumeFile.Point(
                    new FailoverMessage.Resume(
                        partner, reception.covered, reception.lastAddress, reception.received),
                    reception.total,
                    true));
          } else {
            forgetUnfinishedSnapshot(); // the partner no longer holds it
          }
          synchronized (peerLock) {
            receivedPeer = Math.max(receivedPeer, d.coveredSequence());
            appliedPeer = Math.max(appliedPeer, d.coveredSequence());
          }
          whole = true;
          receiving.end(true);
          return;
        } else {
          throw new IOException("unexpected " + m.kind() + " in a sync");
        }
      }
    } finally {
      if (!whole) {
        // Broken: what was handed to the applier is still applied; count it in the resume point.
        try {
          settle(reception, partner, 0);
        } catch (IOException | RuntimeException e) {
          log.debug("FAILOVER_SYNC_SETTLE_FAILED {}", e.toString());
        }
      }
    }
  }

  private void startReceiving(FailoverMessage.SyncStart start, int partner, Reception sync)
      throws IOException {
    if (start.snapshot()) {
      FailoverMessage.Resume mine = resumePoint();
      if (start.from() > 0
          && (mine.origin() != partner
              || mine.covered() != start.covered()
              || mine.received() != start.from())) {
        forgetUnfinishedSnapshot();
        throw new IOException(
            "the partner resumes its snapshot "
                + start.covered()
                + " at "
                + start.from()
                + " but we hold "
                + mine);
      }
      sync.snapshot = true;
      sync.covered = start.covered();
      sync.total = start.total();
      sync.lastAddress = start.from() > 0 ? mine.afterAddress() : 0;
      if (start.from() == 0) {
        setIncoming(
            new SyncResumeFile.Point(
                new FailoverMessage.Resume(partner, start.covered(), 0, 0), start.total(), false));
      } else {
        log.info(
            "FAILOVER_SYNC_RESUMING covered={} from={} total={}",
            start.covered(),
            start.from(),
            start.total());
      }
    }
    sync.received = start.from();
    receiving.start(start.snapshot(), start.total(), start.from());
  }

  /**
   * Waits for the oldest snapshot pages until at most {@code inFlight} are still being applied, and
   * moves the resume point past every page applied and journaled.
   */
  private void settle(Reception sync, int partner, int inFlight) throws IOException {
    while (!sync.pages.isEmpty()
        && (sync.pages.size() > inFlight || sync.pages.peekFirst().applied().isDone())) {
      Page page = sync.pages.peekFirst();
      join(page.applied());
      sync.pages.removeFirst();
      sync.lastAddress = page.lastAddress();
      syncLeasesReceived.add(page.size());
      receiving.advance(page.received());
      setIncoming(
          new SyncResumeFile.Point(
              new FailoverMessage.Resume(
                  partner, sync.covered, page.lastAddress(), page.received()),
              sync.total,
              false));
    }
  }

  private static void join(CompletableFuture<?> f) throws IOException {
    try {
      f.get(TCP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException("applying the partner's snapshot failed: " + e, e);
    }
  }

  private record Received<M>(int sender, M message) {}

  private void write(DataOutputStream out, FailoverMessage message) throws IOException {
    byte[] frame = auth.seal(message.kind(), FailoverCodec.encode(message));
    out.writeInt(frame.length);
    out.write(frame);
  }

  private Received<FailoverMessage> read(DataInputStream in) throws IOException {
    while (true) {
      int length = in.readInt();
      if (length < FrameAuthenticator.OVERHEAD || length > MAX_TCP_FRAME) {
        throw new IOException("frame length " + length + " is out of bounds");
      }
      byte[] frame = new byte[length];
      in.readFully(frame);
      FrameAuthenticator.Frame opened =
          auth.open(frame, 0, length)
              .orElseThrow(() -> new IOException("a sync frame failed authentication"));
      machine.onPartnerAlive();
      if (opened.kind() != null) {
        return new Received<>(opened.sender(), FailoverCodec.decode(opened.kind(), opened.body()));
      }
      // A newer partner's frame (a rolling upgrade): skipped; what it carried waits for the
      // upgrade of this server, and the rest of the sync goes on.
    }
  }

  // ---------------------------------------------------------------- status and control

  /**
   * Skew between the two clocks is measured on every heartbeat, shown in the status and alerted
   * past {@value #CLOCK_SKEW_ALERT_MILLIS} ms (cleared under half of it). It never stops failover:
   * each server times its leases by its own clock, and defers the ends of leases (which the partner
   * may have written) by as much as the partner's clock runs behind.
   */
  private void judgeClockSkew(long skewMillis) {
    long behind =
        -skewMillis > CLOCK_BEHIND_STEP_MILLIS
            ? ((-skewMillis + CLOCK_BEHIND_STEP_MILLIS - 1) / CLOCK_BEHIND_STEP_MILLIS + 1)
                * CLOCK_BEHIND_STEP_MILLIS
            : 0;
    if (Math.abs(behind - partnerClockBehindMillis) > CLOCK_BEHIND_STEP_MILLIS
        || (behind == 0) != (partnerClockBehindMillis == 0)) {
      partnerClockBehindMillis = behind;
      engineThread.execute(() -> engine.setPartnerClockBehindMillis(behind));
    }
    long magnitude = Math.abs(skewMillis);
    if (magnitude > CLOCK_SKEW_ALERT_MILLIS) {
      if (alerts.raise(
          FailoverAlerts.CLOCK_SKEW,
          FailoverAlerts.OBJECT,
          "the partner's clock is " + skewMillis + " ms from ours; check NTP on both servers")) {
        log.warn("FAILOVER_CLOCK_SKEW skew_ms={}", skewMillis);
      }
    } else if (magnitude < CLOCK_SKEW_ALERT_MILLIS / 2) {
      alerts.clear(
          FailoverAlerts.CLOCK_SKEW,
          FailoverAlerts.OBJECT,
          "the clocks agree within " + magnitude + " ms");
    }
  }

  public FailoverStatus status() {
    PartnerState p = machine.partner();
    long oldest = backlog.oldestUnackedMillis();
    long now = clock.millis();
    long acked = backlog.acked();
    return new FailoverStatus(
        config.role().label(),
        machine.state().name(),
        Instant.ofEpochMilli(machine.sinceMillis()),
        peer == null ? null : peer.getHostAddress(),
        p.state() == null ? null : p.state().name(),
        machine.partnerSilentForMillis(),
        sent.get(),
        acked,
        backlog.pending(),
        Math.max(0, bus.lastSequence() - acked),
        conflicts.get(),
        p.clockSkewMillis(),
        oldest < 0 ? 0 : Math.max(0, now - oldest),
        sending.get(),
        receiving.get());
  }

  public void takeover(String cause) {
    machine.takeover(cause);
  }

  public void handback(String cause) {
    machine.handback(cause);
  }
}
