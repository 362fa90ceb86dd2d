package org.provisioning.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void namesEachChangedValueByItsConfigPath() throws Exception {
    var before =
        json.readTree(
            "{\"server\": {\"name\": \"a\", \"id\": 1}, \"dhcp\": {\"subnets\": [{\"pools\":"
                + " [{\"range\": \"10.0.0.1-10.0.0.9\"}]}]}, \"tod\": {\"port\": 37}}");
    var after =
        json.readTree(
            "{\"server\": {\"name\": \"b\", \"id\": 1}, \"dhcp\": {\"subnets\": [{\"pools\":"
                + " [{\"range\": \"10.0.0.1-10.0.0.20\"}, {\"range\": \"10.0.1.1-10.0.1.9\"}]}]},"
                + " \"dns\": {\"zones\": []}}");
    assertEquals(
        List.of(
            "server.name: \"a\" -> \"b\"",
            "dhcp.subnets[0].pools[0].range: \"10.0.0.1-10.0.0.9\" -> \"10.0.0.20\""
                .replace("\"10.0.0.20\"", "\"10.0.0.1-10.0.0.20\""),
            "dhcp.subnets[0].pools[1]: added {\"range\":\"10.0.1.1-10.0.1.9\"}",
            "tod: removed (was {\"port\":37})",
            "dns: added {\"zones\":[]}"),
        ConfigDiff.between(before, after));
    assertEquals(List.of(), ConfigDiff.between(before, before));
  }

  @Test
  void aChangedSecretIsNamedButNotShown() throws Exception {
    ConfigCodec codec = new ConfigCodec();
    String keys = "dns: {keys: [{name: ddns, algorithm: hmac-sha256, secret: %s}]}\n";
    var before =
        codec.parse("server: {name: a}\n" + keys.formatted("c2VjcmV0LW51bWJlci1vbmUteHg="));
    var after = codec.parse("server: {name: b}\n" + keys.formatted("c2VjcmV0LW51bWJlci10d28teHg="));
    List<String> lines =
        ConfigDiff.changes(codec, before, after).stream().map(ConfigDiff.Change::line).toList();
    assertEquals(
        List.of("server.name: \"a\" -> \"b\"", "dns.keys[0].secret: changed (secret, not shown)"),
        lines);
  }
}
