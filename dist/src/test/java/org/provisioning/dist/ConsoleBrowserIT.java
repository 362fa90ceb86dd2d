package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.testing.RelayedDhcpClient;

/**
 * The web console in headless Chromium against the packaged provisiond: log in, walk the tree,
 * alert pop-ups in two separate sessions within a second, a viewer who can change nothing, and
 * strings from configs and clients that render as text, never as markup.
 */
class ConsoleBrowserIT {
  private static final String XSS_CLASS = "<script>window.xss=1</script>";

  @TempDir static Path dir;
  private static ConsoleServer server;

  @BeforeAll
  static void start() throws Exception {
    server =
        ConsoleServer.start(
            dir.resolve("alpha"),
            "alpha",
            """
              classes:
                - {name: "%s", match: {vendorClassPrefix: "pktc"}}
              subnets:
                - subnet: 127.16.0.0/16
                  relays: [127.0.0.2]
                  pools:
                    - {name: modems, range: 127.16.0.10-127.16.0.19, warningPercent: 50, criticalPercent: 80}
                - subnet: 127.17.0.0/16
                  relays: [127.0.0.2]
                  pools: [{name: cpe, range: 127.17.0.10-127.17.0.250}]
                - subnet: 127.18.0.0/16
                  relays: [127.0.0.3]
                  pools:
                    - {name: tabs, range: 127.18.0.10-127.18.0.11, warningPercent: 40, criticalPercent: 50}
            """
                .formatted(XSS_CLASS));
    server.addUser("ada", "admin", "ada's long password");
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

  @Test
  void theTreeShowsThePoolsAndAPoolPastItsCriticalMarkPopsUpInTwoSessionsWithinASecond()
      throws Exception {
    try (ConsoleBrowser first = browser("tree-first");
        ConsoleBrowser second = browser("tree-second")) {
      first.logIn("ada", "ada's long password");
      first.waitFor(By.cssSelector("li[data-id='dhcp.subnets[0].pools[0]']"));
      // Walk the tree: close the shared network, open it again, the pool is there.
      WebElement network =
          first.driver.findElement(By.cssSelector("li[data-id='network:relay 127.0.0.2'] summary"));
      network.click();
      assertTrue(
          first.driver.findElements(By.cssSelector("li[data-id='dhcp.subnets[0]']")).stream()
              .noneMatch(WebElement::isDisplayed),
          "a closed branch hides its subnets");
      network.click();
      WebElement pool = first.waitFor(By.cssSelector("li[data-id='dhcp.subnets[0].pools[0]']"));
      assertTrue(pool.getText().contains("modems"), pool.getText());
      assertTrue(pool.getText().contains("0 of 10"), pool.getText());

      second.logIn("ada", "ada's long password");
      second.open("alerts.html");
      second.waitFor(By.id("active-alerts"));

      // Fill the pool past its critical mark (8 of 10): both consoles pop the alert up.
      long lastAck;
      try (RelayedDhcpClient relay =
          new RelayedDhcpClient(
              Ipv4Address.parse("127.0.0.2"),
              new InetSocketAddress("127.0.0.1", server.dhcpPort))) {
        Map<Integer, Ipv4Address> bound = relay.bindAll(8, 8, System.currentTimeMillis() + 10_000);
        lastAck = System.currentTimeMillis();
        assertEquals(8, bound.size());
      }
      By critical = By.cssSelector(".popup.critical");
      first.waitFor(critical, Duration.ofMillis(Math.max(1, lastAck + 1000 - now())));
      second.waitFor(critical, Duration.ofMillis(Math.max(1, lastAck + 1000 - now())));
      assertTrue(
          first.driver.findElement(critical).getText().contains("DHCP_POOL_HIGH_WATER_CRITICAL"));
      first.open("index.html");
      first.waitForText(By.cssSelector("li[data-id='dhcp.subnets[0].pools[0]']"), "8 of 10");
      assertEquals(
          "critical",
          first
              .driver
              .findElement(By.cssSelector("li[data-id='dhcp.subnets[0].pools[0]']"))
              .getAttribute("data-state"));
      first.screenshot("tree");
    }
  }

  /**
   * Eight tabs of one browser, each with the alert pop-ups: a stream per tab held one of the six
   * connections Chromium opens to a server over HTTP/1.1, so the seventh tab loaded nothing. The
   * tabs now share one stream, and each loads and pops the alert up.
   */
  @Test
  void eightTabsOfOneBrowserLoadAndEachPopsUpAnAlert() throws Exception {
    try (ConsoleBrowser browser = browser("tabs")) {
      browser.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15));
      browser.logIn("ada", "ada's long password");
      List<String> tabs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        if (i > 0) {
          browser.driver.switchTo().newWindow(WindowType.TAB);
        }
        browser.open("alerts.html");
        browser.waitFor(By.cssSelector("#active-alerts"));
        tabs.add(browser.driver.getWindowHandle());
      }
      try (RelayedDhcpClient relay =
          new RelayedDhcpClient(
              Ipv4Address.parse("127.0.0.3"),
              new InetSocketAddress("127.0.0.1", server.dhcpPort))) {
        assertNotNull(relay.bind(1, System.currentTimeMillis() + 10_000), "half the pool bound");
      }
      for (String tab : tabs) {
        browser.driver.switchTo().window(tab);
        WebElement popup = browser.waitFor(By.cssSelector(".popup.critical"));
        assertTrue(popup.getText().contains("tabs"), popup.getText());
      }
    }
  }

  @Test
  void aViewerSeesEverythingAndChangesNothing() throws Exception {
    try (ConsoleBrowser viewer = browser("viewer")) {
      viewer.logIn("victor", "victor's long password");
      viewer.waitFor(By.cssSelector("li[data-id='dhcp.subnets[0]']"));
      // Behind the pages: every change the API offers answers 403 to the viewer's session,
      // even with its own CSRF token.
      Object status =
          viewer.driver.executeAsyncScript(
              """
              const done = arguments[arguments.length - 1];
              fetch('/api/v1/session').then(r => r.json()).then(s =>
                fetch('/api/v1/config/check', {method: 'POST', body: '{}',
                    headers: {'X-CSRF-Token': s.csrfToken, 'Content-Type': 'application/json'}})
                .then(r => fetch('/api/v1/alerts/ack', {method: 'POST', body: '{"id": 1}',
                    headers: {'X-CSRF-Token': s.csrfToken, 'Content-Type': 'application/json'}}))
                .then(r => done(r.status)));
              """);
      assertEquals(403L, status);
      viewer.open("alerts.html");
      viewer.waitFor(By.id("active-alerts"));
      assertTrue(
          viewer.driver.findElements(By.cssSelector("button[data-ack]")).isEmpty(),
          "a viewer gets no Acknowledge button");
    }
  }

  @Test
  void stringsFromConfigAndClientsRenderAsText() throws Exception {
    try (ConsoleBrowser browser = browser("xss")) {
      browser.logIn("ada", "ada's long password");
      WebElement node = browser.waitFor(By.cssSelector("li[data-id='dhcp.classes[0]']"));
      assertTrue(node.getText().contains(XSS_CLASS), node.getText());
      assertNoScriptRan(browser);
    }
  }

  private static void assertNoScriptRan(ConsoleBrowser browser) {
    assertEquals(null, browser.driver.executeScript("return window.xss === undefined ? null : 1"));
    try {
      browser.driver.switchTo().alert();
      throw new AssertionError("a script payload opened a dialog");
    } catch (NoAlertPresentException expected) {
      assertNotNull(expected);
    }
    assertTrue(
        browser.driver.findElements(By.cssSelector("main script, main img[src='x']")).isEmpty(),
        "no payload became an element");
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  @SuppressWarnings("unused")
  private static final List<String> PAGES = List.of("index.html", "alerts.html");
}
