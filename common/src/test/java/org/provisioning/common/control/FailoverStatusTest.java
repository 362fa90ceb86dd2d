package org.provisioning.common.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FailoverStatusTest {

  private static boolean serving(String role, String state) {
    return new FailoverStatus(role, state, null, null, null, 0, 0, 0, 0, 0, 0, 0, 0).serving();
  }

  @Test
  void saysWhichRolesAndStatesAnswerClients() {
    assertEquals(true, serving("standalone", "STANDALONE"));
    assertEquals(true, serving("primary", "NORMAL"));
    assertEquals(true, serving("primary", "PARTNER_DOWN"));
    assertEquals(false, serving("primary", "RECOVERING"), "brought up to date first");
    assertEquals(false, serving("primary", "STARTUP"));
    assertEquals(false, serving("secondary", "NORMAL"), "the hot standby");
    assertEquals(true, serving("secondary", "PARTNER_DOWN"), "took over");
    assertEquals(true, serving("secondary", "RECOVERING"), "until the primary takes its role back");
  }
}
