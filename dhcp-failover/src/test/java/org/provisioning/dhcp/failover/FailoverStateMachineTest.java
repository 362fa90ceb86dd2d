package org.provisioning.dhcp.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.FailoverRole;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.ManualClock;
import org.provisioning.dhcp.engine.ServingMode;

class FailoverStateMachineTest {
  private static final long HEARTBEAT = 50;
  private static final long DEAD_AFTER = 300;

  private final ManualClock clock = new ManualClock(1_000_000);
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final List<String> log = new ArrayList<>();

  private FailoverStateMachine machine(FailoverRole role) {
    FailoverStateMachine m = new FailoverStateMachine(role, DEAD_AFTER, true, clock, clock, stats);
    m.addListener((from, to, cause) -> log.add(from + "->" + to));
    return m;
  }

  private static FailoverMessage.Heartbeat from(FailoverRole role, FailoverState state) {
    return new FailoverMessage.Heartbeat(role, state, 0, 0, 0);
  }

  /** Advances the clock one heartbeat interval at a time, ticking like the heartbeat thread. */
  private void silence(FailoverStateMachine m, long millis) {
    for (long t = 0; t < millis; t += HEARTBEAT) {
      clock.advance(HEARTBEAT);
      m.onTick();
    }
  }

  private FailoverStateMachine normalSecondary() {
    FailoverStateMachine m = machine(FailoverRole.SECONDARY);
    m.onHeartbeat(from(FailoverRole.PRIMARY, FailoverState.STARTUP));
    m.onSyncCompleted();
    assertEquals(FailoverState.NORMAL, m.state());
    return m;
  }

  @Test
  void secondaryStandsByThroughSyncIntoNormal() {
    FailoverStateMachine m = machine(FailoverRole.SECONDARY);
    assertEquals(ServingMode.STANDBY, m.servingMode());
    m.onHeartbeat(from(FailoverRole.PRIMARY, FailoverState.STARTUP));
    assertEquals(FailoverState.SYNCING, m.state());
    assertEquals(ServingMode.STANDBY, m.servingMode());
    m.onSyncCompleted();
    assertEquals(FailoverState.NORMAL, m.state());
    assertEquals(ServingMode.STANDBY, m.servingMode());
    assertEquals(List.of("STARTUP->SYNCING", "SYNCING->NORMAL"), log);
  }

  /**
   * After a sync, the partner goes silent on the heartbeat channel (a restarted secondary that has
   * not learnt where to send them yet) and the primary declares it down; a stream datagram brings
   * it back into contact before its next heartbeat does. The primary, leaving PARTNER_DOWN for
   * SYNCING, must sync again: the flag of the old sync kept it in SYNCING with no sync, for good.
   */
  @Test
  void aPrimaryBackInContactByAStreamDatagramSyncsAgain() {
    FailoverStateMachine m = machine(FailoverRole.PRIMARY);
    m.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.STARTUP));
    m.onSyncCompleted();
    assertEquals(FailoverState.NORMAL, m.state());
    assertFalse(m.wantsSync());
    silence(m, DEAD_AFTER);
    assertEquals(FailoverState.PARTNER_DOWN, m.state());

    m.onPartnerAlive();
    m.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.SYNCING));
    assertEquals(FailoverState.SYNCING, m.state());
    assertTrue(m.wantsSync(), "a new sync, the way out of SYNCING");
    m.onSyncCompleted();
    assertEquals(FailoverState.NORMAL, m.state());
  }

  @Test
  void neverTakesOverWhileHeartbeatsFlow() {
    FailoverStateMachine m = normalSecondary();
    for (int i = 0; i < 1000; i++) {
      clock.advance(HEARTBEAT);
      m.onHeartbeat(from(FailoverRole.PRIMARY, FailoverState.NORMAL));
      m.onTick();
    }
    assertEquals(FailoverState.NORMAL, m.state());
    assertTrue(m.partnerInContact());
  }

  @Test
  void declaresThePrimaryDownAfterDeadAfterMillisOfSilenceAndServesTopDown() {
    FailoverStateMachine m = normalSecondary();
    silence(m, DEAD_AFTER - HEARTBEAT);
    assertEquals(FailoverState.NORMAL, m.state(), "still within the timeout");
    silence(m, HEARTBEAT);
    assertEquals(FailoverState.PARTNER_DOWN, m.state());
    assertEquals(ServingMode.TOP_DOWN, m.servingMode());
    assertFalse(m.partnerInContact());
    assertEquals(1, stats.counter("failover.entered.partner_down").get());
  }

  @Test
  void aStepOfTheWallClockForwardTakesNothingOverFromALivePartner() {
    FailoverStateMachine m = normalSecondary();
    clock.step(Duration.ofHours(1)); // NTP at boot, date -s, a VM resumed: no time passed
    m.onTick();
    assertEquals(FailoverState.NORMAL, m.state());
    assertTrue(m.partnerInContact());
    m.onHeartbeat(from(FailoverRole.PRIMARY, FailoverState.NORMAL));
    silence(m, DEAD_AFTER - HEARTBEAT);
    assertEquals(FailoverState.NORMAL, m.state());
    assertEquals(0, stats.counter("failover.entered.partner_down").get());
  }

  @Test
  void aStepOfTheWallClockBackDelaysNoTakeover() {
    FailoverStateMachine m = normalSecondary();
    m.onHeartbeat(from(FailoverRole.PRIMARY, FailoverState.NORMAL)); // its last
    clock.step(Duration.ofHours(-1));
    silence(m, DEAD_AFTER);
    assertEquals(FailoverState.PARTNER_DOWN, m.state(), "after deadAfterMillis, not an hour");
  }

  @Test
  void aPrimaryInNormalTellsARestartedSecondaryAfterAStepBack() {
    FailoverStateMachine m = machine(FailoverRole.PRIMARY);
    m.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.STARTUP));
    m.onSyncCompleted();
    assertEquals(FailoverState.NORMAL, m.state());
    clock.step(Duration.ofHours(-1));
    for (long t = 0; t < DEAD_AFTER; t += HEARTBEAT) {
      clock.advance(HEARTBEAT);
      m.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.NORMAL));
    }
    m.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.SYNCING)); // it restarted
    assertEquals(FailoverState.SYNCING, m.state());
  }

  @Test
  void theSkewOfThePartnersClockIsMeasuredOnTheWallClock() {
    FailoverStateMachine m = normalSecondary();
    long partnerClock = clock.millis() + 90_000;
    m.onHeartbeat(
        new FailoverMessage.Heartbeat(
            FailoverRole.PRIMARY, FailoverState.NORMAL, partnerClock, 0, 0));
    assertEquals(90_000, m.partner().clockSkewMillis());
    clock.step(Duration.ofSeconds(90)); // ours is set right
    m.onHeartbeat(
        new FailoverMessage.Heartbeat(
            FailoverRole.PRIMARY, FailoverState.NORMAL, partnerClock, 0, 0));
    assertEquals(0, m.partner().clockSkewMillis());
    assertEquals(0, m.partnerSilentForMillis());
  }

  @Test
  void aPartnerWhoseHeartbeatsAreLateButWhoSendsSyncOrStreamFramesIsNotDead() {
    FailoverStateMachine m = normalSecondary();
    for (int i = 0; i < 3 * DEAD_AFTER / HEARTBEAT; i++) {
      clock.advance(HEARTBEAT);
      m.onPartnerAlive(); // a sync page or a lease-stream datagram, no heartbeat
      m.onTick();
    }
    assertEquals(FailoverState.NORMAL, m.state());
    silence(m, DEAD_AFTER); // nothing at all: dead, as before
    assertEquals(FailoverState.PARTNER_DOWN, m.state());
  }

  @Test
  void aReturningPrimaryRecoversBeforeTakingItsRoleBack() {
    FailoverStateMachine secondary = normalSecondary();
    silence(secondary, DEAD_AFTER);
    assertEquals(FailoverState.PARTNER_DOWN, secondary.state());

    FailoverStateMachine primary = machine(FailoverRole.PRIMARY);
    assertEquals(ServingMode.STANDBY, primary.servingMode(), "a primary in STARTUP serves no one");
    primary.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.PARTNER_DOWN));
    assertEquals(FailoverState.RECOVERING, primary.state());
    assertEquals(ServingMode.STANDBY, primary.servingMode());
    assertTrue(primary.wantsSync());

    secondary.onHeartbeat(from(FailoverRole.PRIMARY, FailoverState.RECOVERING));
    assertEquals(FailoverState.RECOVERING, secondary.state());
    assertEquals(ServingMode.TOP_DOWN, secondary.servingMode(), "serves until the primary is back");

    primary.onSyncCompleted();
    assertEquals(FailoverState.RECOVERING, primary.state(), "the secondary still serves alone");
    primary.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.RECOVERING));
    assertEquals(FailoverState.NORMAL, primary.state());
    assertEquals(ServingMode.BOTTOM_UP, primary.servingMode());

    secondary.onHeartbeat(from(FailoverRole.PRIMARY, FailoverState.NORMAL));
    assertEquals(FailoverState.NORMAL, secondary.state());
    assertEquals(ServingMode.STANDBY, secondary.servingMode());
  }

  @Test
  void aReturningPrimaryStandsByWhenTheSecondaryAlreadyRecovers() {
    FailoverStateMachine primary = machine(FailoverRole.PRIMARY);
    primary.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.RECOVERING));
    assertEquals(FailoverState.RECOVERING, primary.state());
    assertEquals(ServingMode.STANDBY, primary.servingMode());
    primary.onSyncCompleted();
    assertEquals(FailoverState.NORMAL, primary.state());
  }

  @Test
  void aPrimaryAloneServesAfterTheTimeoutAndResyncsWhenTheSecondaryReturns() {
    FailoverStateMachine m = machine(FailoverRole.PRIMARY);
    silence(m, DEAD_AFTER);
    assertEquals(FailoverState.PARTNER_DOWN, m.state());
    assertEquals(ServingMode.BOTTOM_UP, m.servingMode());
    m.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.STARTUP));
    assertEquals(FailoverState.SYNCING, m.state());
    assertEquals(ServingMode.BOTTOM_UP, m.servingMode(), "the primary serves while it syncs");
    assertTrue(m.wantsSync());
    m.onSyncCompleted();
    assertEquals(FailoverState.NORMAL, m.state());
    assertFalse(m.wantsSync());
  }

  @Test
  void anUnpairedSecondaryNeverServes() {
    FailoverStateMachine m =
        new FailoverStateMachine(FailoverRole.SECONDARY, DEAD_AFTER, false, clock, clock, stats);
    silence(m, 10 * DEAD_AFTER);
    assertEquals(FailoverState.STARTUP, m.state());
    assertEquals(ServingMode.STANDBY, m.servingMode());
  }

  @Test
  void takeoverHoldsAgainstHeartbeatsUntilHandback() {
    FailoverStateMachine m = normalSecondary();
    m.takeover("operator");
    assertEquals(FailoverState.PARTNER_DOWN, m.state());
    m.onHeartbeat(from(FailoverRole.PRIMARY, FailoverState.NORMAL));
    assertEquals(FailoverState.PARTNER_DOWN, m.state());
    m.handback("operator");
    assertEquals(FailoverState.RECOVERING, m.state());
    m.onHeartbeat(from(FailoverRole.PRIMARY, FailoverState.NORMAL));
    assertEquals(FailoverState.NORMAL, m.state());
  }

  /**
   * A primary in contact with a secondary an operator made take over syncs at once, then waits: the
   * secondary serves alone for as long as the takeover holds, so after the handback the primary
   * takes its role back only after another sync, never on the one made hours before.
   */
  @Test
  void afterAHeldTakeoverThePrimaryTakesItsRoleBackOnlyAfterAFreshSync() {
    FailoverStateMachine primary = machine(FailoverRole.PRIMARY);
    primary.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.STARTUP));
    primary.onSyncCompleted();
    assertEquals(FailoverState.NORMAL, primary.state());

    primary.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.PARTNER_DOWN)); // takeover
    assertEquals(FailoverState.RECOVERING, primary.state());
    assertTrue(primary.wantsSync());
    primary.onSyncCompleted();
    assertEquals(FailoverState.RECOVERING, primary.state(), "the secondary still serves alone");
    primary.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.PARTNER_DOWN)); // hours of it
    assertTrue(primary.wantsSync(), "what it grants meanwhile is in no sync yet");

    primary.onHeartbeat(from(FailoverRole.SECONDARY, FailoverState.RECOVERING)); // handback
    assertEquals(FailoverState.RECOVERING, primary.state(), "not on the old sync");
    assertEquals(ServingMode.STANDBY, primary.servingMode());
    primary.onSyncCompleted();
    assertEquals(FailoverState.NORMAL, primary.state());
  }
}
