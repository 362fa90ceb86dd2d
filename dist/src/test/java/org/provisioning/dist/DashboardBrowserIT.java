package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dhcp.testing.RelayedDhcpClient;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The dashboard and the statistics page in headless Chromium against the packaged provisiond, after
 * DHCP clients bound leases through four relays: the pools' use against both marks, fullest first,
 * and found by the filter; the rate charts drawn and the DHCP one showing the exchanges; the
 * statistics searched as one types, and a statistic's last hour drawn.
 */
class DashboardBrowserIT {
  @TempDir static Path dir;
  private static ConsoleServer server;
  private static int dnsPort;
  private static int tftpPort;
  private static Thread traffic;
  private static volatile boolean running = true;

  @BeforeAll
  static void start() throws Exception {
    dnsPort = FreePorts.tcp();
    tftpPort = FreePorts.tcp();
    Path tftpRoot = Files.createDirectories(dir.resolve("tftp"));
    Files.writeString(tftpRoot.resolve("emta.cfg"), "a small static config file\n");
    server =
        ConsoleServer.start(
            dir.resolve("alpha"),
            "alpha",
            """
              subnets:
                - subnet: 127.16.0.0/16
                  relays: [127.0.0.2]
                  pools:
                    - {name: modems-north, range: 127.16.0.10-127.16.0.29, warningPercent: 70, criticalPercent: 85}
                - subnet: 127.18.0.0/16
                  relays: [127.0.0.3]
                  pools:
                    - {name: phones-north, range: 127.18.0.10-127.18.0.49, warningPercent: 60, criticalPercent: 90}
                - subnet: 127.17.0.0/16
                  relays: [127.0.0.4]
                  pools: [{name: cpe-north, range: 127.17.0.10-127.17.0.250}]
                - subnet: 127.19.0.0/16
                  relays: [127.0.0.5]
                  pools: [{name: modems-south, range: 127.19.0.10-127.19.0.109}]
            dns:
              enabled: true
              listen: 127.0.0.1
              port: %d
              zones:
                - name: cable.example.net
                  nameServers: [ns1.cable.example.net]
            tftp:
              enabled: true
              listen: 127.0.0.1
              port: %d
              root: %s
            """
                .formatted(dnsPort, tftpPort, tftpRoot));
    server.addUser("ada", "admin", "ada's long password");
    // 17 of 20 modems (85 %: critical), 26 of 40 phones (65 %: warning), 40 of 241 CPE.
    bind("127.0.0.2", 0, 17);
    bind("127.0.0.3", 1_000, 1_026);
    bind("127.0.0.4", 2_000, 2_040);
    traffic = new Thread(DashboardBrowserIT::headendAtWork, "headend-traffic");
    traffic.setDaemon(true);
    traffic.start();
  }

  private static void bind(String relay, int from, int to) throws Exception {
    try (RelayedDhcpClient client =
        new RelayedDhcpClient(
            Ipv4Address.parse(relay), new InetSocketAddress("127.0.0.1", server.dhcpPort))) {
      int bound = client.bindRange(from, to, 8, System.currentTimeMillis() + 15_000).size();
      assertEquals(to - from, bound, "clients bound through " + relay);
    }
  }

  /**
   * Some traffic each second, varying, for the charts: bound modems asking again (DHCP exchanges
   * that take no address), DNS queries, TFTP transfers of a small file. Its failures are no test's
   * business: the assertions read the rates the server saw.
   */
  private static void headendAtWork() {
    try (RelayedDhcpClient modems =
        new RelayedDhcpClient(
            Ipv4Address.parse("127.0.0.2"), new InetSocketAddress("127.0.0.1", server.dhcpPort))) {
      SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", dnsPort));
      resolver.setTimeout(Duration.ofSeconds(1));
      Message query =
          Message.newQuery(
              Record.newRecord(Name.fromString("ns1.cable.example.net."), Type.A, DClass.IN));
      for (int second = 0; running; second++) {
        long next = System.currentTimeMillis() + 1_000;
        try {
          modems.bindRange(0, 2 + second * 3 % 7, 8, next);
          for (int q = 0; q < 10 + second * 7 % 25; q++) {
            resolver.send(query);
          }
          for (int t = 0; t < 1 + second % 3; t++) {
            tftpGet(tftpPort, "emta.cfg");
          }
        } catch (IOException e) {
          // the next second tries again
        }
        long left = next - System.currentTimeMillis();
        if (left > 0) {
          Thread.sleep(left);
        }
      }
    } catch (IOException | InterruptedException e) {
      // stopped
    }
  }

  /** Reads a file of less than one block (RFC 1350): RRQ, DATA 1, ACK 1. */
  private static void tftpGet(int port, String file) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(1_000);
      byte[] name = file.getBytes(StandardCharsets.US_ASCII);
      byte[] mode = "octet".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer rrq = ByteBuffer.allocate(4 + name.length + mode.length);
      rrq.putShort((short) 1).put(name).put((byte) 0).put(mode).put((byte) 0);
      socket.send(
          new DatagramPacket(
              rrq.array(), rrq.capacity(), new InetSocketAddress("127.0.0.1", port)));
      byte[] buffer = new byte[1_024];
      DatagramPacket data = new DatagramPacket(buffer, buffer.length);
      socket.receive(data);
      if (buffer[1] != 3) {
        throw new IOException("TFTP answered opcode " + buffer[1]);
      }
      byte[] ack = {0, 4, buffer[2], buffer[3]};
      socket.send(new DatagramPacket(ack, ack.length, data.getSocketAddress()));
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    running = false;
    if (traffic != null) {
      traffic.join(10_000);
    }
    if (server != null) {
      server.close();
    }
  }

  private ConsoleBrowser browser(String profile) {
    return new ConsoleBrowser(server.base(), dir.resolve("profiles").resolve(profile));
  }

  @Test
  void theDashboardShowsThePoolsFullestFirstAndDrawsTheRates() throws Exception {
    try (ConsoleBrowser browser = browser("dashboard")) {
      browser.logIn("ada", "ada's long password");
      browser.open("dashboard.html");
      By modems = By.cssSelector("li[data-pool='modems-north']");
      browser.waitForText(modems, "17 of 20");
      List<WebElement> pools = browser.driver.findElements(By.cssSelector("#pool-list > li"));
      assertEquals(
          List.of("modems-north", "phones-north", "cpe-north", "modems-south"),
          pools.stream().map(p -> p.getAttribute("data-pool")).toList(),
          "fullest first");
      WebElement fullest = pools.get(0);
      assertEquals("critical", fullest.getAttribute("data-state"));
      assertEquals("warning", pools.get(1).getAttribute("data-state"));
      assertTrue(fullest.getText().contains("85 %"), fullest.getText());
      // Both high-water marks drawn on the bar, where the config puts them.
      assertEquals("85%", style(browser, "li[data-pool='modems-north'] .mark.critical", "left"));
      assertEquals("70%", style(browser, "li[data-pool='modems-north'] .mark.warning", "left"));
      assertEquals("85%", style(browser, "li[data-pool='modems-north'] .fill", "width"));
      assertTrue(
          fullest
              .findElement(By.cssSelector("[role='meter']"))
              .getAttribute("aria-valuetext")
              .contains("critical mark 85 %"));

      // The three charts are drawn, and the DHCP one shows the exchanges once sampled.
      for (String chart : List.of("dhcp", "tftp", "dns")) {
        browser.waitFor(By.cssSelector("#chart-" + chart + " canvas"));
      }
      // Each chart shows what the server saw, once the history has a few samples of it.
      new WebDriverWait(browser.driver, Duration.ofSeconds(60))
          .until(
              d ->
                  List.of("dhcp", "tftp", "dns").stream()
                      .allMatch(
                          c ->
                              positive(d.findElement(By.id("now-" + c)).getAttribute("data-value"))
                                  && Integer.parseInt(
                                          d.findElement(By.id("chart-" + c))
                                              .getAttribute("data-samples"))
                                      >= 5));
      assertEquals("STANDALONE", browser.driver.findElement(By.id("failover-state")).getText());
      String summary = browser.driver.findElement(By.id("pool-summary")).getText();
      assertTrue(summary.contains("83 of 401 addresses in use"), summary);
      browser.screenshot("dashboard");

      // The filter finds any pool as one types, whatever the number shown.
      WebElement filter = browser.driver.findElement(By.id("pool-filter"));
      filter.sendKeys("cpe");
      browser.waitForText(By.id("pool-count"), "Showing 1 of 1 matching pools");
      List<WebElement> found = browser.driver.findElements(By.cssSelector("#pool-list > li"));
      assertEquals(1, found.size());
      assertEquals("cpe-north", found.get(0).getAttribute("data-pool"));
      assertTrue(found.get(0).getText().contains("40 of 241"), found.get(0).getText());
    }
  }

  @Test
  void theStatisticsPageNarrowsAsOneTypesAndDrawsAStatisticsLastHour() throws Exception {
    try (ConsoleBrowser browser = browser("statistics")) {
      browser.logIn("ada", "ada's long password");
      browser.open("stats.html");
      browser.waitFor(By.cssSelector("#stat-rows tr[data-name='dhcp.sent.ack']"));
      int everything = rows(browser).size();
      assertTrue(everything > 50, everything + " statistics listed");

      WebElement search = browser.driver.findElement(By.id("stat-search"));
      search.sendKeys("modems-north");
      new WebDriverWait(browser.driver, Duration.ofSeconds(5))
          .until(d -> rows(browser).size() < everything);
      List<WebElement> narrowed = rows(browser);
      assertFalse(narrowed.isEmpty());
      assertTrue(
          narrowed.stream().allMatch(r -> r.getAttribute("data-name").contains("modems-north")),
          "only the pool's statistics remain");
      // Words narrow further, and the help text is searched too.
      search.sendKeys(" in use");
      new WebDriverWait(browser.driver, Duration.ofSeconds(5))
          .until(d -> rows(browser).size() < narrowed.size());
      assertTrue(
          rows(browser).stream()
              .anyMatch(r -> r.getAttribute("data-name").equals("dhcp.pool.modems-north.used")));

      // Choose it from the keyboard: its last hour is drawn beside the list.
      WebElement link =
          browser.driver.findElement(
              By.cssSelector("tr[data-name='dhcp.pool.modems-north.used'] a.stat-name"));
      link.sendKeys(Keys.ENTER);
      browser.waitForText(By.id("stat-title"), "dhcp.pool.modems-north.used");
      browser.waitFor(By.cssSelector("#stat-chart canvas"));
      browser.waitForText(By.id("stat-now"), "17 addresses");
      assertTrue(browser.driver.getCurrentUrl().endsWith("#dhcp.pool.modems-north.used"));

      // A counter reads as a rate per second; the running total is one choice away.
      search.clear();
      search.sendKeys("dhcp.sent.ack");
      browser
          .waitFor(By.cssSelector("tr[data-name='dhcp.sent.ack'] a.stat-name"))
          .sendKeys(Keys.ENTER);
      browser.waitForText(By.id("stat-title"), "dhcp.sent.ack");
      browser.waitForText(By.id("stat-note"), "Increase per second");
      browser.waitFor(By.id("view-total")).click();
      browser.waitForText(By.id("stat-note"), "Value at each sample");
      browser.waitForText(By.id("stat-now"), "messages");
      long acks =
          Long.parseLong(
              browser.driver.findElement(By.id("stat-now")).getText().replaceAll("[^0-9]", ""));
      assertTrue(acks >= 83, acks + " ACKs: at least one per bound client");
      browser.waitFor(By.id("view-rate")).click();
      browser.waitForText(By.id("stat-note"), "Increase per second");
      search.clear();
      search.sendKeys("sent");
      browser.waitFor(By.cssSelector("tr[data-name='dhcp.sent.ack'].chosen"));
      browser.screenshot("statistics");
    }
  }

  private static boolean positive(String value) {
    return value != null && !value.isEmpty() && Double.parseDouble(value) > 0;
  }

  private static List<WebElement> rows(ConsoleBrowser browser) {
    return browser.driver.findElements(By.cssSelector("#stat-rows > tr"));
  }

  private static String style(ConsoleBrowser browser, String css, String property) {
    return (String)
        browser.driver.executeScript(
            "return document.querySelector(arguments[0]).style[arguments[1]]", css, property);
  }
}
