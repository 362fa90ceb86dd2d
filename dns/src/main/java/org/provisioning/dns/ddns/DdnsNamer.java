package org.provisioning.dns.ddns;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.provisioning.common.config.DdnsConfig;
import org.provisioning.common.lease.LeaseRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The forward name of a lease: the class's pattern ({@code cm-{mac}}) when the class has one, else
 * the hostname the client sent (option 81 or 12, RFC 4702) reduced to one label, qualified with the
 * forward zone. A client's FQDN already inside the forward zone is kept whole.
 */
final class DdnsNamer {
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
      Name asGiven = Name.fromString(host.endsWith(".") ? host : host + ".");
      if (asGiven.subdomain(zone) && !asGiven.equals(zone)) {
        return Optional.of(asGiven);
      }
      String label = host.split("\\.", 2)[0].replaceAll("[^a-z0-9-]", "-");
      label = label.replaceAll("^-+|-+$", "");
      if (label.isEmpty() || label.length() > 63) {
        return Optional.empty();
      }
      return Optional.of(Name.fromString(label, zone));
    } catch (TextParseException e) {
      return Optional.empty();
    }
  }
}
