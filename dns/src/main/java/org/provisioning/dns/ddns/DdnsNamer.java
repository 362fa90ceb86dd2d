package org.provisioning.dns.ddns;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.provisioning.common.config.DdnsConfig;
import org.provisioning.common.lease.LeaseRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The forward name of a lease: the class's pattern ({@code cm-{mac}}) when the class has one, else
 * the hostname the client sent (option 81 or 12, RFC 4702) reduced to one letter-digit-hyphen
 * label, qualified with the forward zone. A client's name is never more than that: taken whole, a
 * {@code *.cable.example.net} made every unused name of the zone the client's (and, being "in use"
 * for every later client's prerequisite, ended DDNS for all of them), and a longer name reached
 * into other zones nested in the forward one. Nor may it take a name the class patterns make (a
 * modem's {@code cm-...}): the first to ask would have it.
 */
final class DdnsNamer {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private DdnsNamer() {}

  static Optional<Name> name(DdnsConfig config, LeaseRecord lease) {
    if (config.forwardZone() == null) {
      return Optional.empty();
    }
    try {
      Name zone = Name.fromString(config.forwardZone(), Name.root);
      String pattern = config.classPatterns().get(lease.clientClass());
      if (pattern != null) {
        String label =
            pattern
                .replace("{mac}", HexFormat.of().formatHex(lease.hardwareAddress()))
                .replace("{ip}", lease.address().toString().replace('.', '-'))
                .toLowerCase(Locale.ROOT);
        return Optional.of(Name.fromString(label, zone));
      }
      if (!config.useClientHostname() || lease.hostname().isBlank()) {
        return Optional.empty();
      }
      String host = lease.hostname().toLowerCase(Locale.ROOT).trim();
      String label = host.split("\\.", 2)[0].replaceAll("[^a-z0-9-]", "-");
      label = label.replaceAll("^-+|-+$", "");
      if (!LABEL.matcher(label).matches() || patternsMake(config, label)) {
        return Optional.empty();
      }
      return Optional.of(Name.fromString(label, zone));
    } catch (TextParseException e) {
      return Optional.empty();
    }
  }

  /** Whether a class pattern could make this label: it starts as a pattern's fixed text does. */
  private static boolean patternsMake(DdnsConfig config, String label) {
    for (String pattern : config.classPatterns().values()) {
      int variable = pattern.indexOf('{');
      String fixed =
          (variable < 0 ? pattern : pattern.substring(0, variable)).toLowerCase(Locale.ROOT);
      if (!fixed.isEmpty() && label.startsWith(fixed)) {
        return true;
      }
    }
    return false;
  }
}
