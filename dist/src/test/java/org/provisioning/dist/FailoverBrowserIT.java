package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Failover set up in the console in two steps, as the white paper has it: the secondary's console
 * shows its pairing secret; on the primary's console the operator enters the secondary's address
 * and that secret, clicks "Initiate failover" and watches the pair form until normal. The
 * secondary's pages then say it is the standby and who is active.
 */
class FailoverBrowserIT {
  @TempDir Path dir;

  @Test
  void twoStepsInTheConsolePairTheServersAndTheProgressShowsLive() throws Exception {
    try (ProvisiondPair pair = ProvisiondPair.startUnpaired(dir, ProvisiondPair.ONE_BIG_POOL)) {
      pair.primary().addUser("ada", "admin", "ada's long password");
      pair.secondary().addUser("sam", "admin", "sam's long password");
      String secret;
      try (ConsoleBrowser secondary =
          new ConsoleBrowser(pair.secondary().consoleBase(), dir.resolve("profile-secondary"))) {
        secondary.logIn("sam", "sam's long password");
        secondary.open("failover.html");
        secret = secondary.waitFor(By.id("pairing-secret")).getText().strip();
        assertFalse(secret.isEmpty());

        try (ConsoleBrowser primary =
            new ConsoleBrowser(pair.primary().consoleBase(), dir.resolve("profile-primary"))) {
          primary.logIn("ada", "ada's long password");
          primary.open("failover.html");
          primary.waitFor(By.id("peer")).sendKeys(ProvisiondPair.SECONDARY);
          primary.driver.findElement(By.id("secret")).sendKeys(secret);
          primary.screenshot("failover-pairing-form");
          primary.driver.findElement(By.id("initiate")).click();

          By normal = By.cssSelector("#pairing-steps li:last-child[data-done='yes']");
          primary.waitFor(By.id("pairing-steps"));
          primary.waitFor(normal, Duration.ofSeconds(20));
          assertEquals(
              4,
              primary
                  .driver
                  .findElements(By.cssSelector("#pairing-steps li[data-done='yes']"))
                  .size());
          primary.waitForText(By.id("state"), "NORMAL");
          primary.screenshot("failover-pairing");
        }
        pair.awaitNormal(Duration.ofSeconds(5));

        // The secondary's console says it is the standby, and who serves.
        secondary.open("index.html");
        new WebDriverWait(secondary.driver, Duration.ofSeconds(10))
            .until(d -> d.findElement(By.id("standby")).isDisplayed());
        String banner = secondary.driver.findElement(By.id("standby")).getText();
        assertTrue(banner.contains(ProvisiondPair.PRIMARY), banner);
      }
    }
  }
}
