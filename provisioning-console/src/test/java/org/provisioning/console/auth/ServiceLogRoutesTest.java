package org.provisioning.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.control.ConfigFileRenderer;
import org.provisioning.common.control.DnsUpdateView;
import org.provisioning.common.control.DnsZoneView;
import org.provisioning.common.control.TftpTransferView;
import org.provisioning.console.api.DnsRoutes;
import org.provisioning.console.api.TftpRoutes;

/** The recent TFTP transfers and DNS updates through HTTP, for a viewer too. */
class ServiceLogRoutesTest {
  @TempDir Path dataDir;
  private ConsoleFixture console;

  @BeforeEach
  void start() throws Exception {
    console = new ConsoleFixture(dataDir, null);
    TftpTransferView.Transfer sent =
        new TftpTransferView.Transfer(
            1_000,
            "127.16.0.10:40000",
            "cm-001122334455.cfg",
            false,
            TftpTransferView.Outcome.COMPLETED,
            "",
            "",
            312,
            4);
    TftpTransferView.Transfer missing =
        new TftpTransferView.Transfer(
            2_000,
            "127.16.0.11:40001",
            "<script>x</script>.cfg",
            false,
            TftpTransferView.Outcome.REFUSED,
            "not_found",
            "file not found",
            0,
            0);
    TftpRoutes.register(
        console.api,
        (ConfigFileRenderer) (name, mac, cls) -> null,
        new TftpTransferView() {
          @Override
          public List<Transfer> recentTransfers() {
            return List.of(missing, sent);
          }

          @Override
          public List<Transfer> recentFailures() {
            return List.of(missing);
          }
        });
    DnsUpdateView.Update conflict =
        new DnsUpdateView.Update(
            3_000,
            "ddns",
            "cable.example.net.",
            "",
            List.of("require laptop.cable.example.net. DHCID present", "add laptop…"),
            "NXRRSET",
            false,
            "lease 127.16.0.11: the name belongs to another client");
    DnsRoutes.register(
        console.api,
        new DnsZoneView() {
          @Override
          public List<ZoneSummary> zones() {
            return List.of();
          }

          @Override
          public Optional<List<String>> records(String zone) {
            return Optional.empty();
          }
        },
        new DnsUpdateView() {
          @Override
          public List<Update> recentUpdates() {
            return List.of(conflict);
          }

          @Override
          public List<Update> recentFailures() {
            return List.of(conflict);
          }
        });
  }

  @AfterEach
  void stop() {
    console.close();
  }

  @Test
  void recentTftpTransfersAndFailuresAreListedNewestFirst() throws Exception {
    console.addUser("victor", org.provisioning.console.api.Role.VIEWER);
    HttpResponse<String> response =
        console.as(console.login("victor"), "GET", "/tftp/transfers", null);
    assertEquals(200, response.statusCode(), response.body());
    JsonNode body = console.body(response);
    assertEquals(2, body.path("transfers").size());
    JsonNode refused = body.path("failures").get(0);
    assertEquals("1970-01-01T00:00:02Z", refused.path("time").asText());
    assertEquals("<script>x</script>.cfg", refused.path("file").asText());
    assertEquals("refused", refused.path("outcome").asText());
    assertEquals("not_found", refused.path("reason").asText());
    assertEquals("read", refused.path("direction").asText());
    JsonNode completed = body.path("transfers").get(1);
    assertEquals("completed", completed.path("outcome").asText());
    assertEquals(312, completed.path("octets").asLong());
    assertEquals(4, completed.path("millis").asLong());
  }

  @Test
  void recentDnsUpdatesAndFailuresAreListed() throws Exception {
    HttpResponse<String> response = console.withToken("GET", "/dns/updates", null);
    assertEquals(200, response.statusCode(), response.body());
    JsonNode update = console.body(response).path("updates").get(0);
    assertEquals("ddns", update.path("source").asText());
    assertEquals("cable.example.net.", update.path("zone").asText());
    assertEquals("NXRRSET", update.path("rcode").asText());
    assertEquals(false, update.path("ok").asBoolean());
    assertEquals(2, update.path("changes").size());
    assertEquals(
        "require laptop.cable.example.net. DHCID present", update.path("changes").get(0).asText());
    assertEquals(1, console.body(response).path("failures").size());
  }
}
