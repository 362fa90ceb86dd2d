package org.provisioning.console.auth;

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
}
