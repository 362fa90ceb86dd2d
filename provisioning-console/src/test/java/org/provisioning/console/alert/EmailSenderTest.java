package org.provisioning.console.alert;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertListener.Change;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;
import org.provisioning.common.config.EmailAlertsConfig;
import org.provisioning.common.config.EmailAlertsConfig.SmtpSecurity;
import org.provisioning.common.stats.StatisticsRegistry;

/**
 * Alert mails received by GreenMail (an SMTP server nobody here wrote, in process on a loopback
 * port): the content of one mail, SMTPS with authentication, storms turned into digests, and a dead
 * or silent SMTP server that costs the raiser nothing.
 */
class EmailSenderTest {
  private static final AlertType POOL_CRITICAL =
      new AlertType(
          "DHCP_POOL_HIGH_WATER_CRITICAL",
          AlertSeverity.CRITICAL,
          "dhcp",
          "A pool reached its critical high-water mark: new clients may soon find no address.",
          "Widen the pool or add one to its subnet, or reclaim leases (provisionctl leases).");

  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AlertCenter alerts =
      new AlertCenter(
          "headend-1", Clock.fixed(Instant.parse("2026-11-26T00:41:42Z"), ZoneOffset.UTC), 100);
  private GreenMail greenMail;
  private ConfiguredChannel<EmailAlertsConfig> email;

  @AfterEach
  void stop() {
    if (email != null) {
      email.close();
    }
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  private GreenMail startGreenMail(String protocol) {
    ServerSetup setup = new ServerSetup(0, "127.0.0.1", protocol).dynamicPort();
    setup.setServerStartupTimeout(15_000); // loading its TLS key takes a while on a busy machine
    greenMail = new GreenMail(setup);
    greenMail.start();
    return greenMail;
  }

  private static EmailAlertsConfig config(
      SmtpSecurity security, int port, String username, String password, int maxPerMinute) {
    return new EmailAlertsConfig(
        "127.0.0.1",
        port,
        security,
        username,
        password,
        "provisiond@headend-1.example.net",
        List.of("noc@example.net", "oncall@example.net"),
        "warning",
        List.of(),
        maxPerMinute,
        2_000);
  }

  /** GreenMail's certificate is its own: trust it here, and only here. */
  private static Properties trustGreenMail() {
    Properties trust = new Properties();
    trust.setProperty("mail.smtps.ssl.trust", "127.0.0.1");
    trust.setProperty("mail.smtps.ssl.checkserveridentity", "false");
    return trust;
  }

  private void listen(EmailAlertsConfig config, Properties extra, Duration rateWindow) {
    email =
        new ConfiguredChannel<>(
            "email",
            Set.of(Change.RAISED, Change.CLEARED),
            c ->
                new AlertChannel(
                    "email",
                    EmailSender.policy(c),
                    new EmailSender(c, extra),
                    EmailSender.QUEUE_CAPACITY,
                    stats,
                    rateWindow));
    email.apply(config);
    alerts.addListener(email);
  }

  /**
   * Waits for mails already delivered or still coming (GreenMail's own wait sees only new ones).
   */
  private static void awaitMails(GreenMail server, int count) {
    await().atMost(10, SECONDS).until(() -> server.getReceivedMessages().length >= count);
  }

  private static String subject(MimeMessage mail) {
    try {
      return mail.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError(e);
    }
  }

  private long counter(String name) {
    return stats.snapshot().getOrDefault("alerts.channel.email." + name, -1L);
  }

  @Test
  void mailSaysWhatWhereWhenAndWhatToDoOverSmtpsWithAuthentication() throws Exception {
    GreenMail server = startGreenMail(ServerSetup.PROTOCOL_SMTPS);
    server.setUser("provisiond@headend-1.example.net", "provisiond", "s3cret");
    listen(
        config(SmtpSecurity.SMTPS, server.getSmtps().getPort(), "provisiond", "s3cret", 10),
        trustGreenMail(),
        Duration.ofMinutes(1));

    alerts.raise(
        POOL_CRITICAL,
        "dhcp.subnets[cm-north].pools[0]",
        "pool cm-north reached its critical mark of 95 %: 950 of 1000 addresses in use (95 %)");
    alerts.raise(
        new AlertType("DHCP_POOL_HIGH_WATER_WARNING", AlertSeverity.INFO, "dhcp", "Low.", "None."),
        "x",
        "below minSeverity");

    awaitMails(server, 2); // two recipients, one copy each
    MimeMessage mail = server.getReceivedMessages()[0];
    assertEquals(
        "[headend-1] CRITICAL DHCP_POOL_HIGH_WATER_CRITICAL dhcp.subnets[cm-north].pools[0]",
        mail.getSubject());
    assertEquals("provisiond@headend-1.example.net", mail.getFrom()[0].toString());
    assertArrayEquals(
        new String[] {"noc@example.net", "oncall@example.net"},
        Arrays.stream(mail.getAllRecipients()).map(Address::toString).toArray(String[]::new));
    assertTrue(mail.getContentType().startsWith("text/plain"), mail.getContentType());
    assertEquals("DHCP_POOL_HIGH_WATER_CRITICAL", mail.getHeader("X-Provisioning-Event")[0]);
    String body = ((String) mail.getContent()).replace("\r\n", "\n").strip();
    assertEquals(
        """
        CRITICAL alert raised on headend-1: DHCP_POOL_HIGH_WATER_CRITICAL

        What happened: pool cm-north reached its critical mark of 95 %: 950 of 1000 addresses \
        in use (95 %)
        Where:         server headend-1, service dhcp, object dhcp.subnets[cm-north].pools[0]
        When:          raised 2026-11-26T00:41:42Z
        Alert:         #1 (acknowledge with: provisionctl alerts ack 1)

        What it means:
          A pool reached its critical high-water mark: new clients may soon find no address.

        What to do:
          Widen the pool or add one to its subnet, or reclaim leases (provisionctl leases).\
        """,
        body);

    alerts.clear(POOL_CRITICAL, "dhcp.subnets[cm-north].pools[0]", "back under the mark");
    awaitMails(server, 4);
    MimeMessage cleared =
        Arrays.stream(server.getReceivedMessages())
            .filter(m -> subject(m).contains("CLEARED"))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "[headend-1] CLEARED DHCP_POOL_HIGH_WATER_CRITICAL dhcp.subnets[cm-north].pools[0]",
        cleared.getSubject());
    assertTrue(
        ((String) cleared.getContent()).contains("cleared 2026-11-26T00:41:42Z"),
        (String) cleared.getContent());
    // The server has the mail before the sender's send returns and counts it.
    await().atMost(10, SECONDS).until(() -> counter("sent") == 2);
    assertEquals(0, counter("failed"));
  }

  /**
   * The relay refuses one of the two recipients (550, a mailbox gone): the other still gets the
   * mail, which counts as sent and is not sent again. Before, the mail went to nobody, was retried
   * five times and dropped: one bad address stopped every alert mail.
   */
  @Test
  void aRecipientTheServerRefusesDoesNotKeepTheMailFromTheOthers() throws Exception {
    try (RefusingSmtpServer server = new RefusingSmtpServer("oncall@example.net")) {
      listen(
          config(SmtpSecurity.NONE, server.port(), null, null, 10),
          new Properties(),
          Duration.ofMinutes(1));
      alerts.raise(POOL_CRITICAL, "pool-a", "full");
      await().atMost(10, SECONDS).until(() -> counter("sent") == 1);
      assertEquals(List.of("<noc@example.net>"), server.deliveredTo());
      Thread.sleep(2_500); // past the first retry's backoff: nothing is sent again
      assertEquals(1, server.mails());
      assertEquals(0, counter("failed"));
    }
  }

  /**
   * The relay takes the mail (250 to its DATA), then the connection breaks at QUIT: the mail is
   * sent, counted once and not sent again. Closing the transport threw, and the channel sent the
   * mail again at each retry.
   */
  @Test
  void aConnectionLostAtQuitAfterTheMailWasTakenSendsItOnce() throws Exception {
    try (RefusingSmtpServer server = new RefusingSmtpServer("nobody@example.net", true)) {
      listen(
          config(SmtpSecurity.NONE, server.port(), null, null, 10),
          new Properties(),
          Duration.ofMinutes(1));
      alerts.raise(POOL_CRITICAL, "pool-a", "full");
      await().atMost(10, SECONDS).until(() -> server.mails() >= 1);
      Thread.sleep(2_500); // past the first retry's backoff: nothing is sent again
      assertEquals(1, server.mails());
      assertEquals(1, counter("sent"));
      assertEquals(0, counter("failed"));
    }
  }

  /**
   * An SMTP server that answers 550 to RCPT TO for one address and takes the rest, scripted: the
   * client under test is Angus Mail's, a mail server refusing a recipient is what it meets. With
   * {@code hangUpAtQuit} it resets the connection at QUIT instead of answering 221.
   */
  private static final class RefusingSmtpServer implements AutoCloseable {
    private final java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
    private final String refused;
    private final boolean hangUpAtQuit;
    private final List<String> deliveredTo = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger mails =
        new java.util.concurrent.atomic.AtomicInteger();
    private final Thread thread = new Thread(this::serve, "refusing-smtp");

    RefusingSmtpServer(String refused) throws java.io.IOException {
      this(refused, false);
    }

    RefusingSmtpServer(String refused, boolean hangUpAtQuit) throws java.io.IOException {
      this.refused = refused;
      this.hangUpAtQuit = hangUpAtQuit;
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    List<String> deliveredTo() {
      return deliveredTo;
    }

    int mails() {
      return mails.get();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (java.net.Socket client = socket.accept();
            var in =
                new java.io.BufferedReader(
                    new java.io.InputStreamReader(
                        client.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            var out =
                new java.io.PrintWriter(
                    new java.io.OutputStreamWriter(
                        client.getOutputStream(), java.nio.charset.StandardCharsets.US_ASCII),
                    true)) {
          out.print("220 refusing.test ESMTP\r\n");
          out.flush();
          List<String> accepted = new java.util.ArrayList<>();
          String line;
          while ((line = in.readLine()) != null) {
            String command = line.toUpperCase(java.util.Locale.ROOT);
            if (command.startsWith("EHLO") || command.startsWith("HELO")) {
              out.print("250 refusing.test\r\n");
            } else if (command.startsWith("RCPT TO:")) {
              String address = line.substring(8).trim();
              if (address.contains(refused)) {
                out.print("550 5.1.1 no such mailbox\r\n");
              } else {
                accepted.add(address);
                out.print("250 OK\r\n");
              }
            } else if (command.startsWith("DATA")) {
              out.print("354 go on\r\n");
              out.flush();
              while ((line = in.readLine()) != null && !line.equals(".")) {
                // the message
              }
              deliveredTo.addAll(accepted);
              mails.incrementAndGet();
              out.print("250 OK\r\n");
            } else if (command.startsWith("QUIT")) {
              if (hangUpAtQuit) {
                client.setSoLinger(true, 0); // a reset, no 221
                break;
              }
              out.print("221 bye\r\n");
              out.flush();
              break;
            } else {
              out.print("250 OK\r\n"); // MAIL FROM, RSET, NOOP
            }
            out.flush();
          }
        } catch (java.io.IOException e) {
          // closed, or the client went away
        }
      }
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
    }
  }

  @Test
  void wrongPasswordIsAFailureCountedAndRetried() throws Exception {
    GreenMail server = startGreenMail(ServerSetup.PROTOCOL_SMTPS);
    server.setUser("provisiond@headend-1.example.net", "provisiond", "s3cret");
    listen(
        config(SmtpSecurity.SMTPS, server.getSmtps().getPort(), "provisiond", "wrong", 10),
        trustGreenMail(),
        Duration.ofMinutes(1));
    alerts.raise(POOL_CRITICAL, "pool-a", "full");
    await().atMost(10, SECONDS).until(() -> counter("failed") >= 1);
    assertEquals(0, server.getReceivedMessages().length);
    assertEquals(0, counter("sent"));
  }

  @Test
  void fiveThousandAlertsInAMinuteMakeABoundedNumberOfDigestMails() throws Exception {
    GreenMail server = startGreenMail(ServerSetup.PROTOCOL_SMTP);
    int maxPerMinute = 5;
    // The channel's minute, shortened to 2 s so that the storm and its digests fit in the test.
    listen(
        config(SmtpSecurity.NONE, server.getSmtp().getPort(), null, null, maxPerMinute),
        new Properties(),
        Duration.ofSeconds(2));
    long start = System.nanoTime();
    for (int i = 0; i < 5_000; i++) {
      alerts.raise(POOL_CRITICAL, "pool-" + i, "pool-" + i + " reached its critical mark");
    }
    Duration raising = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(raising.compareTo(Duration.ofSeconds(5)) < 0, "raising took " + raising);

    // Every alert reaches both mailboxes, alone in a mail or listed in a digest.
    Pattern listed = Pattern.compile("(?m)^\\S+ RAISED critical DHCP_POOL_HIGH_WATER_CRITICAL #");
    await()
        .atMost(30, SECONDS)
        .until(
            () -> {
              int covered = 0;
              for (MimeMessage m : server.getReceivedMessages()) {
                String subject = m.getSubject();
                if (subject.contains(" alerts: ")) {
                  Matcher lines = listed.matcher((String) m.getContent());
                  while (lines.find()) {
                    covered++;
                  }
                } else {
                  covered++;
                }
              }
              return covered == 2 * 5_000;
            });
    MimeMessage[] received = server.getReceivedMessages();
    int mails = received.length / 2;
    // maxPerMinute single mails, then one digest per (shortened) minute at most.
    long windows = 1 + Duration.ofNanos(System.nanoTime() - start).toSeconds() / 2;
    assertTrue(
        mails <= maxPerMinute + windows,
        mails + " mails for 5,000 alerts in " + windows + " windows");
    await().atMost(10, SECONDS).until(() -> counter("sent") == mails);
    MimeMessage digest =
        Arrays.stream(received)
            .filter(m -> subject(m).contains(" alerts: "))
            .findFirst()
            .orElseThrow();
    assertTrue(digest.getSubject().startsWith("[headend-1] "), digest.getSubject());
    assertTrue(digest.getSubject().contains(" critical raised"), digest.getSubject());
    assertEquals("DIGEST", digest.getHeader("X-Provisioning-Event")[0]);
    String body = (String) digest.getContent();
    assertTrue(body.contains("What to do, by event:"), body);
    assertTrue(body.contains("Widen the pool"), body);
    assertEquals(0, counter("dropped"));
  }

  @Test
  void deadSmtpServerCostsTheRaiserNothingAndIsCounted() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    email =
        new ConfiguredChannel<>(
            "email",
            Set.of(Change.RAISED, Change.CLEARED),
            c ->
                new AlertChannel(
                    "email",
                    new AlertChannel.Policy(
                        AlertSeverity.WARNING, Set.of(), 1000, 3, Duration.ofMillis(50)),
                    new EmailSender(c),
                    100,
                    stats));
    email.apply(config(SmtpSecurity.NONE, closedPort, null, null, 1000));
    alerts.addListener(email);
    long start = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      alerts.raise(POOL_CRITICAL, "pool-" + i, "full");
    }
    Duration raising = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(raising.compareTo(Duration.ofSeconds(1)) < 0, "raising took " + raising);
    await().atMost(20, SECONDS).until(() -> counter("failed") >= 4 && counter("retried") >= 3);
    assertTrue(counter("dropped") >= 900, "the full queue dropped the rest: " + counter("dropped"));
    assertEquals(0, counter("sent"));
  }

  @Test
  void silentSmtpServerTimesOutWithoutBlockingTheRaiser() throws Exception {
    // Accepts connections (the kernel's backlog) but never says a word: a hung mail relay.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      EmailAlertsConfig config =
          new EmailAlertsConfig(
              "127.0.0.1",
              silent.getLocalPort(),
              SmtpSecurity.NONE,
              null,
              null,
              "provisiond@example.net",
              List.of("noc@example.net"),
              "warning",
              List.of(),
              10,
              300);
      listen(config, new Properties(), Duration.ofMinutes(1));
      long start = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        alerts.raise(POOL_CRITICAL, "pool-" + i, "full");
      }
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1_000);
      await().atMost(10, SECONDS).until(() -> counter("failed") >= 1);
      assertTrue(counter("queue") > 0, "alerts wait in the channel's queue, not in the raiser");
    }
  }

  @Test
  void digestListsEveryAlertOfItsBatch() throws IOException {
    alerts.raise(POOL_CRITICAL, "pool-a", "pool-a full");
    alerts.raise(POOL_CRITICAL, "pool-b", "pool-b full");
    alerts.clear(POOL_CRITICAL, "pool-a", "pool-a back under");
    List<AlertSender.Delivery> batch =
        List.of(
            new AlertSender.Delivery(alerts.history().get(1), Change.RAISED),
            new AlertSender.Delivery(alerts.history().get(0), Change.RAISED),
            new AlertSender.Delivery(alerts.history().get(1), Change.CLEARED));
    AlertMail.Text digest = AlertMail.digest(batch);
    assertEquals("[headend-1] 3 alerts: 2 critical raised, 1 cleared", digest.subject());
    assertTrue(digest.body().contains("RAISED critical DHCP_POOL_HIGH_WATER_CRITICAL #1"));
    assertTrue(digest.body().contains("RAISED critical DHCP_POOL_HIGH_WATER_CRITICAL #2"));
    assertTrue(digest.body().contains("CLEARED critical DHCP_POOL_HIGH_WATER_CRITICAL #1"));
    assertTrue(digest.body().contains("object pool-b: pool-b full"), digest.body());
  }
}
