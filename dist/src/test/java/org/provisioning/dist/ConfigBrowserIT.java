package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The configuration screen in headless Chromium against the packaged provisiond: an operator enters
 * a pool with a reversed range and sees the error at that field with nothing changed, fixes it and
 * sees it saved and audited under their name with its diff, then rolls back from the history and
 * sees the old range in force; a viewer sees the forms but can change nothing.
 */
class ConfigBrowserIT {
  private static final String RANGE_FIELD = "f-dhcp-subnets-0-pools-0-range";
  private static final String FIRST_RANGE = "127.16.0.10-127.16.0.100";

  @TempDir static Path dir;
  private static ConsoleServer server;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    server =
        ConsoleServer.start(
            dir.resolve("gamma"),
            "gamma",
            """
              classes:
                - {name: modems, match: {vendorClassPrefix: docsis}, role: modem}
                - {name: phones, match: {vendorClassPrefix: pktc}, role: mta}
              subnets:
                - subnet: 127.16.0.0/16
                  relays: [127.0.0.2]
                  pools:
                    - {name: modems, range: %s, classes: [modems], warningPercent: 70, criticalPercent: 90}
                    - {name: phones, range: 127.16.1.10-127.16.1.200, classes: [phones]}
                - subnet: 127.17.0.0/16
                  relays: [127.0.0.2]
                  pools: [{name: cpe, range: 127.17.0.10-127.17.0.250}]
              reservations:
                - {mac: "00:11:22:33:44:55", address: 127.16.0.5, hostname: modem-1}
            """
                .formatted(FIRST_RANGE));
    server.addUser("olga", "operator", "olga's long password");
    server.addUser("victor", "viewer", "victor's long password");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private ConsoleBrowser browser(String profile) {
    return new ConsoleBrowser(server.base(), dir.resolve("profiles").resolve(profile));
  }

  private JsonNode running() throws Exception {
    return json.readTree(server.api("GET", "/config", null).body());
  }

  private static String range(JsonNode running) {
    return running.at("/config/dhcp/subnets/0/pools/0/range").asText();
  }

  private static void replace(WebElement input, String text) {
    input.clear();
    input.sendKeys(text);
  }

  @Test
  void aReversedRangeIsShownAtItsFieldThenTheFixIsSavedAuditedAndRolledBack() throws Exception {
    long before = running().path("version").asLong();
    try (ConsoleBrowser olga = browser("operator")) {
      olga.logIn("olga", "olga's long password");
      olga.open("config.html");
      olga.waitFor(By.id("tab-subnets")).click();
      WebElement range = olga.waitFor(By.id(RANGE_FIELD));
      assertEquals(FIRST_RANGE, range.getAttribute("value"));

      // A reversed range: the preview refuses it, the error stands at the field.
      replace(range, "127.16.0.50-127.16.0.10");
      olga.driver.findElement(By.id("preview-button")).click();
      WebElement error = olga.waitFor(By.id(RANGE_FIELD + "-error"));
      assertTrue(error.getText().contains("ends before it starts"), error.getText());
      assertEquals("true", range.getAttribute("aria-invalid"));
      assertTrue(
          range.getAttribute("aria-describedby").contains(RANGE_FIELD + "-error"),
          "the message is the field's description");
      assertTrue(
          olga.driver
              .findElement(By.id("error-summary"))
              .getText()
              .contains("dhcp.subnets[0].pools[0].range"));
      assertFalse(olga.driver.findElement(By.id("apply-button")).isEnabled());
      assertEquals(before, running().path("version").asLong(), "nothing changed");
      assertEquals(FIRST_RANGE, range(running()));
      olga.screenshot("config-error");

      // Fixed: the preview shows the diff against the running version, Apply saves it.
      replace(range, "127.16.0.10-127.16.0.50");
      assertEquals(null, range.getAttribute("aria-invalid"), "the edit clears the field's error");
      olga.driver.findElement(By.id("preview-button")).click();
      olga.waitForText(By.id("preview-diff"), "+      range: 127.16.0.10-127.16.0.50");
      assertTrue(
          olga.driver
              .findElement(By.id("preview-diff"))
              .getText()
              .contains("-      range: " + FIRST_RANGE));
      assertEquals(before, running().path("version").asLong(), "a preview changes nothing");
      WebElement apply = olga.driver.findElement(By.id("apply-button"));
      new WebDriverWait(olga.driver, Duration.ofSeconds(5))
          .until(ExpectedConditions.elementToBeClickable(apply));
      apply.click();
      olga.waitForText(By.id("config-message"), "Applied: version " + (before + 1));
      JsonNode saved = running();
      assertEquals(before + 1, saved.path("version").asLong());
      assertEquals("127.16.0.10-127.16.0.50", range(saved));

      // Audited under olga's name with the diff.
      JsonNode change =
          json.readTree(server.api("GET", "/audit?actor=olga", null).body()).at("/entries/0");
      assertEquals("PUT /api/v1/config", change.path("action").asText(), change.toString());
      assertEquals("olga", change.path("actor").asText());
      assertEquals("session", change.path("via").asText());
      List<String> detail = new ArrayList<>();
      change.path("detail").forEach(line -> detail.add(line.asText()));
      assertEquals(
          List.of(
              "dhcp.subnets[0].pools[0].range: \""
                  + FIRST_RANGE
                  + "\" -> \"127.16.0.10-127.16.0.50\""),
          detail);

      // The history shows who did it; a rollback to the version before is in force at once.
      olga.driver.findElement(By.id("tab-history")).click();
      WebElement newest =
          olga.waitFor(By.cssSelector("#versions tr[data-version='" + (before + 1) + "']"));
      assertTrue(newest.getText().contains("olga"), newest.getText());
      olga.waitForText(By.id("history-changes"), "127.16.0.10-127.16.0.50");
      olga.driver.findElement(By.id("rollback-" + before)).click();
      olga.driver.switchTo().alert().accept();
      olga.waitForText(By.id("config-message"), "Rolled back: version " + (before + 2));
      JsonNode back = running();
      assertEquals(before + 2, back.path("version").asLong());
      assertEquals(FIRST_RANGE, range(back), "the old range is in force");
      assertEquals(
          FIRST_RANGE,
          olga.driver.findElement(By.id(RANGE_FIELD)).getAttribute("value"),
          "the forms show the running config again");

      WebElement rolledBack =
          olga.waitFor(By.cssSelector("#versions tr[data-version='" + (before + 2) + "']"));
      assertTrue(rolledBack.getText().contains("rollback to " + before), rolledBack.getText());
      assertTrue(rolledBack.getText().contains("olga"), rolledBack.getText());
      olga.waitForText(By.id("history-changes"), "-      range: 127.16.0.10-127.16.0.50");
      JsonNode audited =
          json.readTree(server.api("GET", "/audit?actor=olga", null).body()).at("/entries/0");
      assertEquals("POST /api/v1/config/rollback", audited.path("action").asText());
      olga.screenshot("config-history");
    }
  }

  @Test
  void aViewerSeesTheFormsAndTheHistoryButCanChangeNothing() throws Exception {
    long before = running().path("version").asLong();
    try (ConsoleBrowser victor = browser("viewer")) {
      victor.logIn("victor", "victor's long password");
      victor.open("config.html");
      victor.waitFor(By.id("tab-subnets")).click();
      WebElement range = victor.waitFor(By.id(RANGE_FIELD));
      assertFalse(range.isEnabled(), "every input is disabled for a viewer");
      assertTrue(victor.driver.findElement(By.id("read-only")).isDisplayed());
      assertTrue(victor.driver.findElements(By.id("apply-button")).isEmpty(), "no Apply button");
      assertTrue(victor.driver.findElements(By.id("preview-button")).isEmpty());
      assertTrue(
          victor
              .driver
              .findElements(By.cssSelector("#main input, #main select, #main textarea"))
              .stream()
              .filter(e -> !"radio".equals(e.getAttribute("type")))
              .noneMatch(WebElement::isEnabled),
          "no enabled control to change the config");
      assertTrue(
          victor.driver.findElements(By.cssSelector("#main button")).stream()
              .map(b -> b.getAttribute("textContent"))
              .noneMatch(
                  t -> t.startsWith("Add") || t.startsWith("Remove") || t.startsWith("Configure")),
          "no button that adds or removes anything");

      victor.driver.findElement(By.id("tab-history")).click();
      victor.waitFor(By.id("versions"));
      assertTrue(
          victor.driver.findElements(By.cssSelector("[id^='rollback-']")).isEmpty(),
          "no rollback for a viewer");

      // Behind the page, the API refuses the viewer's session with its own CSRF token.
      Object statuses =
          ((JavascriptExecutor) victor.driver)
              .executeAsyncScript(
                  """
                  const done = arguments[arguments.length - 1];
                  fetch('/api/v1/session').then(r => r.json()).then(async s => {
                    const headers = {'X-CSRF-Token': s.csrfToken, 'Content-Type': 'application/json'};
                    const config = await fetch('/api/v1/config').then(r => r.json());
                    const put = await fetch('/api/v1/config',
                        {method: 'PUT', headers, body: JSON.stringify(config.config)});
                    const back = await fetch('/api/v1/config/rollback',
                        {method: 'POST', headers, body: '{"version": 1}'});
                    done(put.status + ' ' + back.status);
                  });
                  """);
      assertEquals("403 403", statuses);
      assertEquals(before, running().path("version").asLong());
    }
  }
}
