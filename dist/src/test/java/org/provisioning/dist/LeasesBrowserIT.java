package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dhcp.testing.RelayedDhcpClient;
import org.provisioning.tftp.codec.TftpCodec;
import org.provisioning.tftp.message.TftpMode;
import org.provisioning.tftp.message.TftpPacket;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The Leases, DOCSIS files and DNS screens in headless Chromium against the packaged provisiond,
 * with clients bound through a relay on loopback: a search by MAC finds a lease, a host name a
 * client sent holding a script payload renders as text in the results and the detail, an operator
 * releases a lease from its detail and sees its state change (a viewer gets no such button), the
 * DOCSIS page renders a modem's file and lists TFTP transfers and refusals, the DNS page lists a
 * zone's records (names DDNS published for the leases) and the dynamic updates.
 */
class LeasesBrowserIT {
  private static final String XSS_HOST = "<img src=x onerror=window.xss=1>";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static ConsoleServer server;
  private static int tftpPort;
  private static int dnsPort;
  private static final int MODEM = 0x10;
  private static Ipv4Address alice;
  private static Ipv4Address payload;

  @BeforeAll
  static void start() throws Exception {
    tftpPort = FreePorts.tcp();
    dnsPort = FreePorts.tcp();
    Path root = Files.createDirectories(dir.resolve("tftp-root"));
    Files.writeString(root.resolve("welcome.txt"), "served by provisiond\n");
    server =
        ConsoleServer.start(
            dir.resolve("alpha"),
            "alpha",
            """
              classes:
                - {name: cable-modem, role: modem, match: {vendorClassPrefix: docsis}}
              subnets:
                - subnet: 127.16.0.0/16
                  relays: [127.0.0.2]
                  pools:
                    - {name: modems, range: 127.16.0.10-127.16.0.250, classes: [cable-modem]}
                - subnet: 127.17.0.0/16
                  relays: [127.0.0.2]
                  pools:
                    - {name: cpe, range: 127.17.0.10-127.17.0.250}
            """,
            """
            tftp:
              enabled: true
              listen: 127.0.0.1
              port: %d
              root: %s
              docsis:
                sharedSecret: headend-secret
                files:
                  - pattern: "cm-{mac}.cfg"
                    template: conf/docsis/cm.txt
                    variables: {maxCpe: 3, upRate: 1000000, downRate: 20000000}
            dns:
              enabled: true
              listen: 127.0.0.1
              port: %d
              zones:
                - name: cable.example.net
                  nameServers: [ns1.cable.example.net.]
                  records: ["ns1 A 127.0.0.1"]
                - name: 16.127.in-addr.arpa
                  nameServers: [ns1.cable.example.net.]
                - name: 17.127.in-addr.arpa
                  nameServers: [ns1.cable.example.net.]
              ddns:
                enabled: true
                forwardZone: cable.example.net
                useClientHostname: true
            """
                .formatted(tftpPort, root, dnsPort));
    server.addUser("ada", "admin", "ada's long password");
    server.addUser("victor", "viewer", "victor's long password");
    long deadline = System.currentTimeMillis() + 30_000;
    try (RelayedDhcpClient relay =
        new RelayedDhcpClient(
            Ipv4Address.parse("127.0.0.2"), new InetSocketAddress("127.0.0.1", server.dhcpPort))) {
      // Three modems, each with the CMTS's option 82 (its own MAC as remote-id), then the
      // home devices behind them, one of which sends a script as its host name.
      String[] ports = {"cmts1 3/0/1:1", "cmts1 3/0/2:4", "cmts1 3/1/0:7"};
      for (int m = 0; m < 3; m++) {
        assertNotNull(
            relay.bind(MODEM + m, null, "docsis3.1", ascii(ports[m]), mac(MODEM + m), deadline));
      }
      alice = relay.bind(1, "alice-laptop", null, ascii(ports[0]), mac(MODEM), deadline);
      payload = relay.bind(2, XSS_HOST, null, ascii(ports[0]), mac(MODEM), deadline);
      String[] homes = {"living-room-tv", "bob-phone", null, "office-printer"};
      for (int c = 0; c < homes.length; c++) {
        int modem = MODEM + 1 + c / 2;
        assertNotNull(
            relay.bind(0x20 + c, homes[c], null, ascii(ports[1 + c / 2]), mac(modem), deadline));
      }
    }
    assertNotNull(alice);
    assertNotNull(payload);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] mac(int n) {
    return RelayedDhcpClient.mac(n);
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
  void aSearchByMacFindsTheLeaseAndAnOperatorReleasesItFromItsDetail() throws Exception {
    try (ConsoleBrowser browser = browser("leases")) {
      browser.logIn("ada", "ada's long password");
      browser.open("leases.html");
      // The MAC of client 2, typed as an operator would.
      browser.waitFor(By.id("q-mac")).sendKeys("02:00:00:00:00:02");
      browser.driver.findElement(By.id("search-button")).click();
      browser.waitForText(By.id("result-summary"), "1 lease.");
      WebElement row = browser.driver.findElement(By.cssSelector("#lease-table tbody tr"));
      assertEquals(payload.toString(), row.getAttribute("data-ip"));
      assertEquals(
          XSS_HOST,
          row.findElement(By.cssSelector("td.hostname")).getText(),
          "the client's host name shows as the text it sent");
      assertNoScriptRan(browser);

      // The modem's remote-id: the modem and the two devices behind it.
      browser.driver.findElement(By.id("clear-button")).click();
      browser.driver.findElement(By.id("q-remoteId")).sendKeys("02:00:00:00:00:10");
      browser.driver.findElement(By.id("search-button")).click();
      browser.waitForText(By.id("result-summary"), "3 leases.");
      assertEquals(
          List.of("modems", "cpe", "cpe"),
          browser.driver.findElements(By.cssSelector("#lease-table td.pool")).stream()
              .map(WebElement::getText)
              .toList());

      // Every bound lease, the payload among them: the screenshot of a search.
      browser.driver.findElement(By.id("clear-button")).click();
      new Select(browser.driver.findElement(By.id("q-state"))).selectByValue("bound");
      browser.driver.findElement(By.id("search-button")).click();
      browser.waitForText(By.id("result-summary"), "9 leases.");
      assertNoScriptRan(browser);
      browser.screenshot("lease-search");

      // The detail, from the keyboard: the address's button, then Enter.
      WebElement open =
          browser.driver.findElement(
              By.cssSelector("#lease-table tr[data-ip='" + payload + "'] button"));
      open.sendKeys(org.openqa.selenium.Keys.ENTER);
      browser.waitFor(By.id("lease-history"));
      WebElement detail = browser.driver.findElement(By.id("lease-detail"));
      assertTrue(detail.getText().contains(XSS_HOST), detail.getText());
      assertEquals(
          "allocated",
          browser
              .driver
              .findElement(By.cssSelector("#lease-history tbody tr:last-child"))
              .getAttribute("data-kind"));
      assertTrue(
          browser.driver.findElement(By.id("lease-history")).getText().contains("alpha"),
          "the change names the server that made it");
      assertNoScriptRan(browser);

      browser.driver.findElement(By.id("release-button")).click();
      new WebDriverWait(browser.driver, Duration.ofSeconds(5))
          .until(ExpectedConditions.alertIsPresent())
          .accept();
      browser.waitForText(By.id("detail-state"), "released");
      browser.waitForText(By.id("release-status"), "Released " + payload);
      assertEquals(
          "released",
          browser
              .driver
              .findElement(By.cssSelector("#lease-history tbody tr:first-child"))
              .getAttribute("data-kind"));
      // The search for bound leases runs again: the released one has left it.
      browser.waitForText(By.id("result-summary"), "8 leases.");
      assertTrue(
          browser
              .driver
              .findElements(By.cssSelector("#lease-table tr[data-ip='" + payload + "']"))
              .isEmpty());
      assertTrue(
          browser.driver.findElements(By.id("release-button")).isEmpty(),
          "a released lease offers no release");
      assertNoScriptRan(browser);
      browser.screenshot("lease-detail");
    }
    JsonNode lease = json(server.api("GET", "/leases?ip=" + payload, null).body());
    assertEquals("released", lease.path("leases").get(0).path("state").asText());
    JsonNode audit = json(server.api("GET", "/audit", null).body()).path("entries").get(0);
    assertEquals("ada", audit.path("actor").asText());
    assertEquals("POST /api/v1/leases/release", audit.path("action").asText());
  }

  @Test
  void aViewerSeesALeaseAndItsHistoryButNoRelease() throws Exception {
    try (ConsoleBrowser viewer = browser("viewer")) {
      viewer.logIn("victor", "victor's long password");
      viewer.open("leases.html?hostname=alice&detail=" + alice);
      viewer.waitFor(By.id("lease-history"));
      viewer.waitForText(By.id("result-summary"), "1 lease.");
      assertTrue(
          viewer.driver.findElement(By.id("lease-detail")).getText().contains("alice-laptop"));
      assertTrue(viewer.driver.findElements(By.id("release-button")).isEmpty());
    }
  }

  @Test
  void theDocsisPageRendersAModemsFileAndListsTransfersAndRefusals() throws Exception {
    assertInstanceOf(TftpPacket.Data.class, tftpGet("welcome.txt"));
    // A modem's file asked from an address that holds no lease of that modem: refused.
    assertInstanceOf(TftpPacket.Error.class, tftpGet("cm-020000000010.cfg"));
    assertInstanceOf(TftpPacket.Data.class, tftpGet("welcome.txt"));
    TftpPacket.Error missing = assertInstanceOf(TftpPacket.Error.class, tftpGet("nope.cfg"));
    assertTrue(missing.message().contains("not found"), missing.message());
    try (ConsoleBrowser browser = browser("docsis")) {
      browser.logIn("ada", "ada's long password");
      browser.open("docsis.html");
      browser.waitFor(By.id("render-mac")).sendKeys("02:00:00:00:00:10");
      browser.driver.findElement(By.id("render-class")).sendKeys("cable-modem");
      browser.driver.findElement(By.id("render-button")).click();
      browser.waitForText(By.id("rendered-text"), "MaxCPE 3;");
      assertEquals(
          "cm-020000000010.cfg", browser.driver.findElement(By.id("rendered-name")).getText());
      assertTrue(
          browser.driver.findElement(By.id("rendered-text")).getText().contains("CmMic"),
          "the MICs show as comments");
      browser.waitFor(By.id("transfer-table"));
      assertTrue(
          browser
              .driver
              .findElement(By.cssSelector("#transfer-table tr[data-outcome='completed']"))
              .getText()
              .contains("welcome.txt"));
      assertTrue(browser.driver.findElement(By.id("failure-table")).getText().contains("nope.cfg"));
      assertTrue(
          browser.driver.findElement(By.id("failure-table")).getText().contains("not_found"));
      browser.screenshot("docsis");
    }
  }

  @Test
  void theDnsPageListsAZonesRecordsAndTheDynamicUpdates() throws Exception {
    // An update nobody signed: refused, and listed with the failures.
    Update unsigned = new Update(Name.fromString("cable.example.net."));
    unsigned.add(Name.fromString("intruder.cable.example.net."), Type.A, 300, "127.0.0.66");
    SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", dnsPort));
    resolver.setTimeout(Duration.ofSeconds(3));
    assertEquals(Rcode.REFUSED, resolver.send(unsigned).getRcode());
    try (ConsoleBrowser browser = browser("dns")) {
      browser.logIn("ada", "ada's long password");
      browser.open("dns.html");
      WebElement zone =
          browser.waitFor(By.cssSelector("li[data-zone='cable.example.net.'] button"));
      zone.click();
      browser.waitForText(By.id("zone-title"), "cable.example.net.");
      browser.waitForText(By.id("record-table"), "alice-laptop.cable.example.net.");
      WebElement records = browser.driver.findElement(By.id("record-table"));
      assertTrue(records.getText().contains("ns1.cable.example.net."), records.getText());
      assertTrue(records.getText().contains("SOA"), records.getText());
      browser.waitForText(By.id("failure-table"), "intruder.cable.example.net.");
      assertTrue(
          browser.driver.findElement(By.id("update-table")).getText().contains("ddns"),
          "the DDNS updates made for the leases are listed");
      assertNoScriptRan(browser);
      browser.screenshot("dns");
    }
  }

  /** One RRQ in octet mode: the first answer (DATA, acknowledged, or ERROR). */
  private static TftpPacket tftpGet(String file) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(3000);
      byte[] request =
          TftpCodec.encode(new TftpPacket.Request(false, file, TftpMode.OCTET, Map.of()));
      socket.send(
          new DatagramPacket(
              request,
              request.length,
              new InetSocketAddress(InetAddress.getLoopbackAddress(), tftpPort)));
      byte[] buffer = new byte[1024];
      DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
      socket.receive(reply);
      TftpPacket packet = TftpCodec.decode(buffer, reply.getLength());
      if (packet instanceof TftpPacket.Data data) {
        byte[] ack = TftpCodec.encode(new TftpPacket.Ack(data.block()));
        socket.send(new DatagramPacket(ack, ack.length, reply.getSocketAddress()));
      }
      return packet;
    } catch (Exception e) {
      throw new IOException("TFTP get of " + file + " failed", e);
    }
  }

  private static JsonNode json(String body) throws IOException {
    return JSON.readTree(body.getBytes(StandardCharsets.UTF_8));
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
}
