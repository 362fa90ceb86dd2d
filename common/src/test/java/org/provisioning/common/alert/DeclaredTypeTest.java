package org.provisioning.common.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeclaredTypeTest {
  private static final AlertType STATE =
      new AlertType(
          "FAILOVER_STATE",
          AlertSeverity.INFO,
          "failover",
          "The failover state changed.",
          "Compare the failover status of both servers.");

  @Test
  void raisedByNameAtAnotherSeverityKeepsTheDeclaredMeaningAndAction() {
    AlertCenter alerts = new AlertCenter("alpha", Clock.systemUTC(), 10);
    alerts.declare(List.of(STATE));
    alerts.raise("FAILOVER_STATE", "alpha", AlertSeverity.WARNING, "NORMAL -> PARTNER_DOWN");
    Alert alert = alerts.active().get(0);
    assertEquals(AlertSeverity.WARNING, alert.severity());
    assertEquals("failover", alert.service());
    assertEquals("Compare the failover status of both servers.", alert.action());
    assertEquals("The failover state changed.", alert.type().meaning());
  }
}
