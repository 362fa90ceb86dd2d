package org.provisioning.dns.zone;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.provisioning.common.config.TsigKeyConfig;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/** The TSIG keys of the config (RFC 8945), by key name, each on the injected clock. */
public final class DnsKeys {
  private final Map<Name, TSIG> keys;

  public DnsKeys(List<TsigKeyConfig> configs, Clock clock) throws TextParseException {
    Map<Name, TSIG> map = new HashMap<>();
    for (TsigKeyConfig config : configs) {
      Name name = Name.fromString(config.name(), Name.root);
      Name algorithm = TSIG.algorithmToName(config.algorithm());
      byte[] secret = java.util.Base64.getDecoder().decode(config.secret().trim());
      String jca = TSIG.nameToAlgorithm(algorithm);
      map.put(name, new TSIG(algorithm, name, new SecretKeySpec(secret, jca), clock));
    }
    this.keys = Map.copyOf(map);
  }

  public Optional<TSIG> find(Name name) {
    return Optional.ofNullable(keys.get(name));
  }
}
