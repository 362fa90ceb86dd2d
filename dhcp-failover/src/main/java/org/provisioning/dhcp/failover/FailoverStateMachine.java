package org.provisioning.dhcp.failover;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.config.FailoverRole;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.time.Ticker;
import org.provisioning.dhcp.engine.ServingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover state machine of one server, after Kea's HA hook: one handler per state, each
 * deciding what the events mean there. Events come from the heartbeat thread (a heartbeat, a tick
 * every interval), the sync channel (a sync finished) and the operator (takeover, handback); all
 * methods are synchronized, and time is injected, so tests fire the dead-partner timer by moving a
 * clock.
 *
 * <p>Silences and time in a state are measured on a {@link Ticker}, never on the wall clock: a step
 * of the wall clock (NTP at boot, {@code date -s}, a VM resumed) forward would otherwise take over
 * from a live partner at once, and a step back would keep a dead one for as long as the step. The
 * wall clock only dates transitions for people and measures the skew between the two clocks.
 *
 * <p>The dead-partner rule: no valid heartbeat for {@code deadAfterMillis} and the partner is down.
 * Nothing else (no TCP reset, no ICMP) declares it dead, so a stopped process is detected exactly
 * like a dead one, and a partner whose heartbeats flow is never taken over from.
 *
 * <p>There is no terminal state: every state either serves or leaves within {@code deadAfterMillis}
 * for one that does.
 */
public final class FailoverStateMachine {
  private static final Logger log = LoggerFactory.getLogger(FailoverStateMachine.class);

  /** Told of every transition, under the machine's lock: keep it short. */
  public interface TransitionListener {
    void onTransition(FailoverState from, FailoverState to, String cause);
  }

  private final FailoverRole role;
  private final Clock clock;
  private final Ticker ticker;
  private final long deadAfterMillis;
  private final Map<FailoverState, StateHandler> handlers = new EnumMap<>(FailoverState.class);
  private final Map<FailoverState, Counter> entered = new EnumMap<>(FailoverState.class);
  private final Counter transitions;
  private final CopyOnWriteArrayList<TransitionListener> listeners = new CopyOnWriteArrayList<>();
  private FailoverState state = FailoverState.STARTUP;
  private long sinceMillis;
  private long sinceNanos;
  private PartnerState partner;
  private boolean syncedSinceContact;
  private boolean heldByOperator;
  private boolean paired;

  public FailoverStateMachine(
      FailoverRole role,
      long deadAfterMillis,
      boolean paired,
      Clock clock,
      Ticker ticker,
      StatisticsRegistry stats) {
    if (role == FailoverRole.STANDALONE) {
      throw new IllegalArgumentException("a standalone server has no failover state");
    }
    this.role = role;
    this.deadAfterMillis = deadAfterMillis;
    this.paired = paired;
    this.clock = Objects.requireNonNull(clock);
    this.ticker = Objects.requireNonNull(ticker);
    FailoverStatistics.declare(stats);
    this.transitions = stats.counter("failover.transitions");
    for (FailoverState s : FailoverState.values()) {
      entered.put(s, stats.counter("failover.entered." + s.name().toLowerCase(Locale.ROOT)));
    }
    this.sinceMillis = clock.millis();
    this.sinceNanos = ticker.nanos();
    this.partner = PartnerState.unknown(sinceNanos);
    handlers.put(FailoverState.STARTUP, new Startup());
    handlers.put(FailoverState.SYNCING, new Syncing());
    handlers.put(FailoverState.NORMAL, new Normal());
    handlers.put(FailoverState.PARTNER_DOWN, new PartnerDown());
    handlers.put(FailoverState.RECOVERING, new Recovering());
  }

  public void addListener(TransitionListener listener) {
    listeners.add(listener);
  }

  public FailoverRole role() {
    return role;
  }

  public synchronized FailoverState state() {
    return state;
  }

  /** When (wall clock) the current state was entered. */
  public synchronized long sinceMillis() {
    return sinceMillis;
  }

  /** How long ago the partner last proved itself alive; -1 if never heard. */
  public synchronized long partnerSilentForMillis() {
    return partner.heard() ? partner.silentForMillis(ticker.nanos()) : -1;
  }

  synchronized PartnerState partner() {
    return partner;
  }

  /** Whether the partner is in contact: a valid heartbeat within the dead-partner timeout. */
  public synchronized boolean partnerInContact() {
    return partner.heard() && partner.silentForMillis(ticker.nanos()) < deadAfterMillis;
  }

  /** How the DHCP engine serves in the current state. */
  public synchronized ServingMode servingMode() {
    return handlers.get(state).mode();
  }

  /** A valid heartbeat arrived. */
  public synchronized void onHeartbeat(FailoverMessage.Heartbeat heartbeat) {
    boolean wasInContact = partnerInContact();
    partner = partner.heard(heartbeat, ticker.nanos(), clock.millis());
    paired = true;
    if (!wasInContact) {
      syncedSinceContact = false;
    }
    handlers.get(state).onPartnerHeard();
  }

  /**
   * The heartbeat socket listens from now: a partner not heard yet is given the whole {@code
   * deadAfterMillis} from here, not from when this machine was built (a slow start would otherwise
   * judge the partner dead after listening for less than that).
   */
  public synchronized void listening() {
    if (!partner.heard()) {
      partner = PartnerState.unknown(ticker.nanos());
    }
  }

  /**
   * Any other authenticated frame from the partner (a lease-stream datagram, a sync frame) is proof
   * of life too: a partner busy sending a large sync, whose heartbeats are late, is not dead. A
   * hung or dead one sends nothing on any channel.
   */
  public synchronized void onPartnerAlive() {
    boolean wasInContact = partnerInContact();
    partner = partner.alive(ticker.nanos());
    if (!wasInContact && partnerInContact()) {
      // Back in contact, as with a heartbeat: what the partner did meanwhile needs a sync. A
      // stream datagram that came first used to leave the flag of the last sync set, and the
      // heartbeat after it, finding the partner in contact, took a primary from PARTNER_DOWN to
      // SYNCING with no sync ever to follow: both servers stayed in SYNCING for good.
      syncedSinceContact = false;
    }
  }

  /** Called every heartbeat interval: where the dead-partner timer fires. */
  public synchronized void onTick() {
    if (paired && partner.silentForMillis(ticker.nanos()) >= deadAfterMillis) {
      handlers.get(state).onPartnerSilent();
    }
  }

  /** A TCP sync session with the partner finished: both journals hold what the other had. */
  public synchronized void onSyncCompleted() {
    syncedSinceContact = true;
    handlers.get(state).onSyncCompleted();
  }

  /** Whether this server should open a sync session now (the primary opens them). */
  public synchronized boolean wantsSync() {
    return role == FailoverRole.PRIMARY
        && !syncedSinceContact
        && partnerInContact()
        && (state == FailoverState.SYNCING || state == FailoverState.RECOVERING);
  }

  /**
   * The operator says the partner is gone: serve now, and stay serving whatever heartbeats say
   * until {@link #handback}.
   */
  public synchronized void takeover(String cause) {
    heldByOperator = true;
    transition(FailoverState.PARTNER_DOWN, "takeover: " + cause);
  }

  /** Ends a takeover: the pair returns to normal through a sync, as after an outage. */
  public synchronized void handback(String cause) {
    heldByOperator = false;
    if (partnerInContact()) {
      syncedSinceContact = false;
      transition(
          role == FailoverRole.PRIMARY ? FailoverState.SYNCING : FailoverState.RECOVERING,
          "handback: " + cause);
    }
  }

  private void transition(FailoverState to, String cause) {
    FailoverState from = state;
    if (from == to) {
      return;
    }
    state = to;
    if (to == FailoverState.SYNCING) {
      syncedSinceContact = false; // SYNCING is left by a sync made in it, never by an older one
    }
    sinceMillis = clock.millis();
    sinceNanos = ticker.nanos();
    transitions.increment();
    entered.get(to).increment();
    log.info("FAILOVER_STATE from={} to={} cause={} role={}", from, to, cause, role.label());
    for (TransitionListener listener : listeners) {
      try {
        listener.onTransition(from, to, cause);
      } catch (RuntimeException e) {
        log.error("FAILOVER_LISTENER_FAILED from={} to={}", from, to, e);
      }
    }
  }

  private String silence() {
    return "no valid heartbeat for " + partner.silentForMillis(ticker.nanos()) + " ms";
  }

  private boolean partnerServesAlone() {
    return partner.state() == FailoverState.PARTNER_DOWN;
  }

  /** The partner serves: alone, or while it brings a returning primary up to date. */
  private boolean partnerServes() {
    return partner.state() == FailoverState.PARTNER_DOWN
        || (partner.role() == FailoverRole.SECONDARY
            && partner.state() == FailoverState.RECOVERING);
  }

  /** What one state does with each event; the default ignores it. */
  private abstract class StateHandler {
    abstract ServingMode mode();

    void onPartnerHeard() {}

    void onPartnerSilent() {
      transition(FailoverState.PARTNER_DOWN, silence());
    }

    void onSyncCompleted() {}
  }

  /**
   * Looking for the partner, serving no one: a primary must not serve over a secondary that took
   * over while it was away. Leaves for PARTNER_DOWN after the dead-partner timeout.
   */
  private final class Startup extends StateHandler {
    @Override
    ServingMode mode() {
      return ServingMode.STANDBY;
    }

    @Override
    void onPartnerHeard() {
      if (heldByOperator) {
        return;
      }
      if (role == FailoverRole.PRIMARY && partnerServes()) {
        transition(FailoverState.RECOVERING, "partner serves");
      } else {
        transition(FailoverState.SYNCING, "partner heard");
      }
    }
  }

  /**
   * The journals are brought level; the primary keeps serving (it is the authority), the secondary
   * stands by.
   */
  private final class Syncing extends StateHandler {
    @Override
    ServingMode mode() {
      return role == FailoverRole.PRIMARY ? ServingMode.BOTTOM_UP : ServingMode.STANDBY;
    }

    @Override
    void onPartnerHeard() {
      if (role == FailoverRole.PRIMARY && partnerServesAlone()) {
        transition(FailoverState.RECOVERING, "partner serves alone");
      }
    }

    @Override
    void onSyncCompleted() {
      transition(FailoverState.NORMAL, "sync completed");
    }
  }

  /** The pair is level: the primary serves, the secondary replicates. */
  private final class Normal extends StateHandler {
    @Override
    ServingMode mode() {
      return role == FailoverRole.PRIMARY ? ServingMode.BOTTOM_UP : ServingMode.STANDBY;
    }

    @Override
    void onPartnerHeard() {
      if (role == FailoverRole.PRIMARY && partnerServesAlone()) {
        // The secondary took over (a partition, or an operator): it has leases we lack.
        syncedSinceContact = false;
        transition(FailoverState.RECOVERING, "partner serves alone");
      } else if (role == FailoverRole.PRIMARY
          && (partner.state() == FailoverState.STARTUP
              || (partner.state() == FailoverState.SYNCING
                  && ticker.nanos() - sinceNanos
                      >= TimeUnit.MILLISECONDS.toNanos(deadAfterMillis)))) {
        // The secondary restarted within the dead-partner timeout: it waits for a sync. (Right
        // after our own sync it may still report SYNCING for a heartbeat: that is no restart.)
        syncedSinceContact = false;
        transition(FailoverState.SYNCING, "partner restarted");
      }
    }
  }

  /** The partner is out of contact: serve alone, keep listening for it. */
  private final class PartnerDown extends StateHandler {
    @Override
    ServingMode mode() {
      return role == FailoverRole.PRIMARY ? ServingMode.BOTTOM_UP : ServingMode.TOP_DOWN;
    }

    @Override
    void onPartnerHeard() {
      if (heldByOperator) {
        return;
      }
      if (role == FailoverRole.SECONDARY) {
        transition(FailoverState.RECOVERING, "partner heard");
      } else if (partnerServes()) {
        transition(FailoverState.RECOVERING, "partner heard, serving");
      } else {
        transition(FailoverState.SYNCING, "partner heard");
      }
    }

    @Override
    void onPartnerSilent() {}
  }

  /**
   * A primary returning to a secondary that served: the primary stands by until a sync gave it
   * every lease and config change made meanwhile, then takes its role back; the secondary serves
   * until it hears the primary in NORMAL.
   */
  private final class Recovering extends StateHandler {
    @Override
    ServingMode mode() {
      return role == FailoverRole.PRIMARY ? ServingMode.STANDBY : ServingMode.TOP_DOWN;
    }

    @Override
    void onPartnerHeard() {
      if (role == FailoverRole.SECONDARY) {
        if (partner.state() == FailoverState.NORMAL) {
          transition(FailoverState.NORMAL, "partner took its role back");
        }
      } else if (partnerServesAlone()) {
        // Still serving alone (an operator's takeover holds it, maybe for hours): what it grants
        // from now is in no sync made so far, so taking the role back waits for the next one.
        syncedSinceContact = false;
      } else if (syncedSinceContact) {
        transition(FailoverState.NORMAL, "synced, partner stands down");
      }
    }

    @Override
    void onSyncCompleted() {
      if (role == FailoverRole.PRIMARY && !partnerServesAlone()) {
        transition(FailoverState.NORMAL, "sync completed");
      }
    }
  }
}
