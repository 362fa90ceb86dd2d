package org.provisioning.common.config;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The rules of {@code alerts.snmp}, kept beside {@link ConfigValidator} (which calls them) so that
 * each alert channel's rules live in a file of their own. Every error names its path.
 */
final class SnmpConfigValidator {
  private static final Pattern EVENT = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");
  private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");

  /** RFC 3414 §11.2: a passphrase shorter than 8 characters is refused. */
  static final int MIN_KEY_LENGTH = 8;

  private final BiConsumer<String, String> error;

  private SnmpConfigValidator(BiConsumer<String, String> error) {
    this.error = error;
  }

  /** Reports each problem of {@code snmp} (at {@code alerts.snmp}) to {@code error(path, text)}. */
  static void validate(SnmpConfig snmp, BiConsumer<String, String> error) {
    new SnmpConfigValidator(error).snmp("alerts.snmp", snmp);
  }

  private void snmp(String at, SnmpConfig snmp) {
    if (snmp.engineId() != null) {
      engineId(at + ".engineId", snmp.engineId());
    }
    severity(at + ".minSeverity", snmp.minSeverity());
    events(at + ".events", snmp.events());
    Set<String> receivers = new HashSet<>();
    for (int i = 0; i < snmp.traps().size(); i++) {
      SnmpTrapReceiverConfig receiver = snmp.traps().get(i);
      receiver(at + ".traps[" + i + "]", receiver);
      if (receiver != null
          && receiver.address() != null
          && !receivers.add(receiver.address() + ":" + receiver.port())) {
        error.accept(
            at + ".traps[" + i + "].port",
            receiver.address()
                + ":"
                + receiver.port()
                + " is listed twice; list each receiver once");
      }
    }
    agent(at + ".agent", snmp.agent());
  }

  private void engineId(String at, String hex) {
    byte[] octets;
    try {
      octets = HexFormat.of().parseHex(hex.replace(":", ""));
    } catch (IllegalArgumentException e) {
      error.accept(at, "'" + hex + "' is not hex octets like 80007ed90468656164656e64");
      return;
    }
    if (octets.length < 5 || octets.length > 32) {
      error.accept(at, octets.length + " octets; an engine ID has 5 to 32 (RFC 3411)");
    }
  }

  private void severity(String at, String severity) {
    if (severity != null && !SEVERITIES.contains(severity.toLowerCase(Locale.ROOT))) {
      error.accept(at, "'" + severity + "' is not one of [info, warning, critical]");
    }
  }

  private void events(String at, List<String> events) {
    for (int i = 0; i < events.size(); i++) {
      String event = events.get(i);
      if (event == null || !EVENT.matcher(event).matches()) {
        error.accept(
            at + "[" + i + "]",
            "'" + event + "' is not an event name like DHCP_POOL_HIGH_WATER_CRITICAL");
      }
    }
  }

  private void receiver(String at, SnmpTrapReceiverConfig receiver) {
    if (receiver == null) {
      error.accept(at, "is empty; give at least 'address' and 'community' or 'user'");
      return;
    }
    if (receiver.address() == null) {
      error.accept(at + ".address", "is missing; give the manager's IPv4 address");
    }
    port(at + ".port", receiver.port());
    severity(at + ".minSeverity", receiver.minSeverity());
    events(at + ".events", receiver.events());
    if (receiver.version() == SnmpVersion.V2C) {
      if (receiver.community() == null || receiver.community().isEmpty()) {
        error.accept(
            at + ".community", "is missing; a v2c receiver needs the community it accepts");
      }
      if (receiver.user() != null) {
        error.accept(at + ".user", "is for v3 receivers; set version: v3 or remove the user");
      }
    } else {
      if (receiver.user() == null) {
        error.accept(
            at + ".user", "is missing; a v3 receiver needs a user with name, authKey and privKey");
      } else {
        user(at + ".user", receiver.user());
      }
      if (receiver.community() != null) {
        error.accept(at + ".community", "is for v2c receivers; v3 uses the user");
      }
    }
    if (receiver.timeoutMillis() < 100 || receiver.timeoutMillis() > 60_000) {
      error.accept(at + ".timeoutMillis", receiver.timeoutMillis() + " is outside 100-60000");
    }
    if (receiver.retries() < 0 || receiver.retries() > 20) {
      error.accept(at + ".retries", receiver.retries() + " is outside 0-20");
    }
  }

  private void agent(String at, SnmpAgentConfig agent) {
    port(at + ".port", agent.port());
    if (agent.community() != null && agent.community().isEmpty()) {
      error.accept(at + ".community", "is empty; leave it out to turn v2c off");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < agent.users().size(); i++) {
      SnmpUserConfig user = agent.users().get(i);
      String userAt = at + ".users[" + i + "]";
      if (user == null) {
        error.accept(userAt, "is empty; give name, authKey and privKey");
        continue;
      }
      user(userAt, user);
      if (user.name() != null && !names.add(user.name())) {
        error.accept(userAt + ".name", "'" + user.name() + "' names two users; give each its own");
      }
    }
    if (agent.enabled() && agent.community() == null && agent.users().isEmpty()) {
      error.accept(at, "is enabled but nobody can read it; give a community (v2c) or users (v3)");
    }
  }

  private void user(String at, SnmpUserConfig user) {
    if (user.name() == null || user.name().isEmpty()) {
      error.accept(at + ".name", "is missing; name the USM user");
    } else if (user.name().length() > 32) {
      error.accept(at + ".name", "is longer than the 32 characters of a USM user name");
    }
    key(at + ".authKey", user.authKey());
    key(at + ".privKey", user.privKey());
  }

  private void key(String at, String key) {
    if (key == null) {
      error.accept(
          at, "is missing; give a passphrase of at least " + MIN_KEY_LENGTH + " characters");
    } else if (key.length() < MIN_KEY_LENGTH) {
      // The length only: a key never appears in an error.
      error.accept(
          at, "is " + key.length() + " characters; RFC 3414 asks for at least " + MIN_KEY_LENGTH);
    }
  }

  private void port(String at, int port) {
    if (port < 1 || port > 65535) {
      error.accept(at, port + " is not a port number 1-65535");
    }
  }
}
