package org.provisioning.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(1_000);

  @Test
  void hashesAreSaltedAndKeepTheirIterationCount() {
    String a = hasher.hash("correct horse battery");
    String b = hasher.hash("correct horse battery");
    assertNotEquals(a, b, "a fresh salt each time");
    assertTrue(a.startsWith("pbkdf2-sha256$1000$"), a);
    assertEquals(4, a.split("\\$").length);
    assertTrue(hasher.verify("correct horse battery", a));
    assertFalse(hasher.verify("correct horse batterz", a));
    assertFalse(hasher.verify("", a));
    // A hash made with another iteration count still verifies.
    assertTrue(new PasswordHasher(2_000).verify("correct horse battery", a));
  }

  @Test
  void refusesMalformedHashes() {
    assertFalse(hasher.verify("x", null));
    assertFalse(hasher.verify("x", "md5$abc"));
    assertFalse(hasher.verify("x", "pbkdf2-sha256$many$salt$hash"));
  }

  @Test
  void theDefaultIsTheCurrentOwaspFigure() {
    assertEquals(600_000, PasswordHasher.DEFAULT_ITERATIONS);
    assertTrue(
        new PasswordHasher().hash("a long enough password").startsWith("pbkdf2-sha256$600000$"));
  }

  @Test
  void refusesShortPasswordsAndTheUsersName() {
    assertThrows(
        IllegalArgumentException.class, () -> PasswordHasher.checkAcceptable("a", "short"));
    assertThrows(
        IllegalArgumentException.class,
        () -> PasswordHasher.checkAcceptable("longusername", "LongUserName"));
    PasswordHasher.checkAcceptable("alice", "ten chars!");
  }
}
