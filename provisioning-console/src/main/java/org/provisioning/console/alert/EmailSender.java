package org.provisioning.console.alert;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.config.EmailAlertsConfig;
import org.provisioning.common.config.EmailAlertsConfig.SmtpSecurity;
import org.provisioning.common.stats.StatisticsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alert mails through the operator's SMTP server with Jakarta Mail (Eclipse Angus): one
 * plain-text mail per alert, or one digest for a batch (see {@link AlertMail}), to every recipient
 * at once. A new connection per mail: alerts are rare, and an idle SMTP connection would be closed
 * by the server anyway. With STARTTLS the upgrade is required (never a silent fall-back to clear
 * text); with STARTTLS and SMTPS the server's certificate must be trusted by the JVM and name the
 * host. Called on its channel's thread only; a failure throws and the channel retries; a mail some
 * recipients got is delivered, the refused ones logged.
 */
public final class EmailSender implements AlertSender {
  private static final Logger log = LoggerFactory.getLogger(EmailSender.class);

  /** Deliveries after the first before a mail is given up. */
  static final int RETRIES = 5;

  /** Wait before the first retry; doubled each time (2, 4, 8, 16, 32 s). */
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);

  /** Alerts a channel holds while its SMTP server is slow or down; more are dropped and counted. */
  static final int QUEUE_CAPACITY = 10_000;

  private final EmailAlertsConfig config;
  private final String protocol;
  private final Session session;
  private final InternetAddress from;
  private final InternetAddress[] to;

  public EmailSender(EmailAlertsConfig config) {
    this(config, new Properties());
  }

  /**
   * @param extra session properties added last (tests trust GreenMail's self-signed certificate
   *     this way)
   */
  EmailSender(EmailAlertsConfig config, Properties extra) {
    this.config = config;
    this.protocol = config.security() == SmtpSecurity.SMTPS ? "smtps" : "smtp";
    String p = "mail." + protocol + ".";
    Properties properties = new Properties();
    String timeout = Integer.toString(config.timeoutMillis());
    properties.setProperty(p + "connectiontimeout", timeout);
    properties.setProperty(p + "timeout", timeout);
    properties.setProperty(p + "writetimeout", timeout);
    properties.setProperty(p + "auth", Boolean.toString(config.username() != null));
    // One recipient the server refuses (a departed colleague's mailbox) must not keep the mail
    // from the others: without it nobody got any alert mail once one address went bad.
    properties.setProperty(p + "sendpartial", "true");
    if (config.security() == SmtpSecurity.STARTTLS) {
      properties.setProperty(p + "starttls.enable", "true");
      properties.setProperty(p + "starttls.required", "true");
    }
    if (config.security() != SmtpSecurity.NONE) {
      properties.setProperty(p + "ssl.checkserveridentity", "true");
    }
    properties.putAll(extra);
    this.session = Session.getInstance(properties);
    try {
      this.from = new InternetAddress(config.from(), true);
      this.to = new InternetAddress[config.to().size()];
      for (int i = 0; i < to.length; i++) {
        to[i] = new InternetAddress(config.to().get(i), true);
      }
    } catch (AddressException e) {
      throw new IllegalArgumentException("alerts.email: " + e.getMessage(), e);
    }
  }

  /**
   * The e-mail channel of a config: alerts at or above its minimum severity, of its events, at most
   * {@code maxPerMinute} mails a minute (then digests), retried with backoff, counted as {@code
   * alerts.channel.email.*}.
   */
  public static AlertChannel channel(EmailAlertsConfig config, StatisticsRegistry stats) {
    return new AlertChannel(
        "email", policy(config), new EmailSender(config), QUEUE_CAPACITY, stats);
  }

  static AlertChannel.Policy policy(EmailAlertsConfig config) {
    return new AlertChannel.Policy(
        AlertSeverity.valueOf(config.minSeverity().toUpperCase(java.util.Locale.ROOT)),
        Set.copyOf(config.events()),
        config.maxPerMinute(),
        RETRIES,
        FIRST_BACKOFF);
  }

  @Override
  public void send(List<Delivery> batch) throws MessagingException {
    AlertMail.Text text =
        batch.size() == 1 ? AlertMail.single(batch.get(0)) : AlertMail.digest(batch);
    MimeMessage message = new MimeMessage(session);
    message.setFrom(from);
    message.setRecipients(Message.RecipientType.TO, to);
    message.setSubject(text.subject(), "UTF-8");
    message.setText(text.body(), "UTF-8");
    message.setSentDate(new Date());
    message.setHeader(
        "X-Provisioning-Event", batch.size() == 1 ? batch.get(0).alert().event() : "DIGEST");
    message.setHeader("X-Provisioning-Server", batch.get(0).alert().server());
    message.saveChanges();
    Transport transport = session.getTransport(protocol);
    try {
      transport.connect(config.host(), config.port(), config.username(), config.password());
      transport.sendMessage(message, to);
    } catch (SendFailedException e) {
      Address[] sent = e.getValidSentAddresses();
      if (sent == null || sent.length == 0) {
        throw e; // nobody got it: the channel retries
      }
      // Delivered: retrying would send it again to those who have it, and the refused address
      // will not start accepting within the retries.
      log.warn(
          "ALERT_MAIL_RECIPIENTS_REFUSED refused={} deferred={} sent={}: {}",
          Arrays.toString(e.getInvalidAddresses()),
          Arrays.toString(e.getValidUnsentAddresses()), // 4xx: greylisted, mailbox full
          Arrays.toString(sent),
          e.getMessage());
    } finally {
      close(transport);
    }
  }

  /**
   * Closes the connection (QUIT). Its failure changes nothing: once the relay has taken the mail
   * (250 to its DATA) it is sent, and thrown from here it made the channel send it again.
   */
  private static void close(Transport transport) {
    try {
      transport.close();
    } catch (MessagingException e) {
      log.debug("ALERT_MAIL_QUIT_FAILED: {}", e.toString());
    }
  }

  @Override
  public String toString() {
    return "EmailSender[" + protocol + "://" + config.host() + ":" + config.port() + "]";
  }
}
