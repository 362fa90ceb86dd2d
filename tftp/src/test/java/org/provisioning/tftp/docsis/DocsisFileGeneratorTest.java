package org.provisioning.tftp.docsis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.Alert;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.DocsisConfig;
import org.provisioning.common.config.DocsisFileConfig;
import org.provisioning.common.config.DocsisModemConfig;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.common.control.ConfigFileRenderer.RenderedFile;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.ManualClock;
import org.provisioning.tftp.engine.TftpResolution;
import org.provisioning.tftp.message.TftpErrorCode;

/** The generator with a fake lease store and a fixed clock. */
class DocsisFileGeneratorTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String MAC = "00:11:22:33:44:55";

  @TempDir Path home;
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final Map<Ipv4Address, LeaseRecord> leases = new HashMap<>();
  private final ManualClock clock = new ManualClock(NOW);
  private final AlertCenter alerts = new AlertCenter(clock, 100);
  private DocsisFileGenerator generator;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(home.resolve("conf/docsis"));
    Files.writeString(
        home.resolve("conf/docsis/cm.txt"),
        new String(
            DocsisGoldenTest.resource("cm-template.txt"), java.nio.charset.StandardCharsets.UTF_8));
    lease("10.1.2.3", MAC, "gold", "cm-1");
    generator =
        new DocsisFileGenerator(
            config(true, 0), home, a -> Optional.ofNullable(leases.get(a)), clock, stats, alerts);
  }

  private DocsisConfig config(boolean requireLease, int antiTheftSeconds) {
    return new DocsisConfig(
        "headend-secret",
        true,
        List.of(
            new DocsisFileConfig(
                "cm-{mac}.cfg",
                "conf/docsis/cm.txt",
                null,
                requireLease,
                Map.of("maxCpe", "2", "upRate", "1000000", "downRate", "10000000"),
                Map.of("gold", Map.of("maxCpe", "4", "upRate", "2000000")))),
        List.of(new DocsisModemConfig(MAC, Map.of("downRate", "50000000"))),
        antiTheftSeconds,
        100);
  }

  private void lease(String ip, String mac, String cls, String hostname) {
    Ipv4Address address = Ipv4Address.parse(ip);
    leases.put(
        address,
        new LeaseRecord(
            address,
            1,
            HexFormat.ofDelimiter(":").parseHex(mac),
            null,
            LeaseState.BOUND,
            NOW.toEpochMilli(),
            NOW.toEpochMilli() + 3_600_000,
            1,
            hostname,
            cls,
            null,
            null));
  }

  private static InetSocketAddress from(String ip) {
    return new InetSocketAddress(Ipv4Address.parse(ip).toInetAddress(), 2000);
  }

  private static byte[] content(TftpResolution resolution) throws Exception {
    TftpResolution.Found found = assertInstanceOf(TftpResolution.Found.class, resolution);
    byte[] bytes = new byte[(int) found.source().size()];
    found.source().read(0, bytes, 0, bytes.length);
    return bytes;
  }

  private static String reason(TftpResolution resolution) {
    return assertInstanceOf(TftpResolution.Refused.class, resolution).reason();
  }

  @Test
  void buildsTheModemsFileWithClassAndModemValuesOverTheFilesOwn() throws Exception {
    // The lease says class gold, hostname cm-1; gold raises maxCpe and upRate; the modem's own
    // entry raises downRate: exactly the values the golden vector was rendered with.
    byte[] file = content(generator.resolve("cm-001122334455.cfg", from("10.1.2.3")));
    assertArrayEquals(DocsisGoldenTest.resource("cm-rendered.bin"), file);
    assertEquals(1L, stats.snapshot().get("tftp.docsis.generated"));
    assertNull(generator.resolve("other.cfg", from("10.1.2.3")), "not a pattern: the root's");
  }

  @Test
  void servesOnlyTheAddressThatHoldsTheModemsLease() throws Exception {
    assertEquals(
        "docsis_no_lease", reason(generator.resolve("cm-001122334455.cfg", from("10.9.9.9"))));
    lease("10.1.2.4", "00:11:22:33:44:66", "gold", "cm-2");
    TftpResolution stolen = generator.resolve("cm-001122334455.cfg", from("10.1.2.4"));
    assertEquals("docsis_mac_mismatch", reason(stolen));
    assertEquals(TftpErrorCode.ACCESS_VIOLATION, ((TftpResolution.Refused) stolen).code());
    Ipv4Address modem = Ipv4Address.parse("10.1.2.3");
    LeaseRecord bound = leases.get(modem);
    leases.put(modem, bound.withState(LeaseState.DECLINED, bound.expiresAtMillis()));
    assertEquals(
        "docsis_no_lease",
        reason(generator.resolve("cm-001122334455.cfg", from("10.1.2.3"))),
        "a declined address is another device's: not the modem's file");
    leases.put(modem, bound);
    clock.advance(Duration.ofSeconds(7200));
    assertEquals(
        "docsis_no_lease",
        reason(generator.resolve("cm-001122334455.cfg", from("10.1.2.3"))),
        "an expired lease is no lease");
  }

  @Test
  void withoutRequireLeaseTheMacComesFromTheName() throws Exception {
    generator.apply(config(false, 0));
    byte[] file = content(generator.resolve("cm-00aabbccddee.cfg", from("10.9.9.9")));
    String text = DocsisConfigDecoder.toText(file);
    assertTrue(text.contains("CpeMacAddress 00:aa:bb:cc:dd:ee;"), text);
    assertTrue(text.contains("MaxCPE 2;"), text);
  }

  /** Serves {@code {class}.cfg} from the file template conf/docsis/plain.txt, returned. */
  private Path servePlainTemplate() throws Exception {
    Path template = home.resolve("conf/docsis/plain.txt");
    Files.writeString(template, "Main { NetworkAccess 1; MaxCPE ${maxCpe}; }");
    generator.apply(
        new DocsisConfig(
            "s",
            true,
            List.of(
                new DocsisFileConfig(
                    "{class}.cfg",
                    "conf/docsis/plain.txt",
                    null,
                    false,
                    Map.of("maxCpe", "3"),
                    Map.of())),
            List.of(),
            0,
            100));
    return template;
  }

  @Test
  void cachesByContentAndRebuildsWhenTheTemplateChanges() throws Exception {
    Path template = servePlainTemplate();
    lease("10.1.2.4", "00:11:22:33:44:66", "gold", "cm-2");
    byte[] first = content(generator.resolve("gold.cfg", from("10.1.2.3")));
    byte[] second = content(generator.resolve("gold.cfg", from("10.1.2.4")));
    assertArrayEquals(first, second);
    assertEquals(1L, stats.snapshot().get("tftp.docsis.generated"));
    assertEquals(1L, stats.snapshot().get("tftp.docsis.cache_hits"));

    Files.writeString(template, "Main { NetworkAccess 0; MaxCPE ${maxCpe}; }");
    Files.setLastModifiedTime(template, FileTime.from(Instant.now().plusSeconds(60)));
    // Templates are looked at once a second at most.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(
            () ->
                !java.util.Arrays.equals(
                    first, content(generator.resolve("gold.cfg", from("10.1.2.3")))));
    assertTrue(
        DocsisConfigDecoder.toText(content(generator.resolve("gold.cfg", from("10.1.2.3"))))
            .contains("NetworkAccess 0;"));
  }

  /**
   * An edit that breaks a template, or a moment in which the file is missing, leaves the last good
   * version in use and raises an alert; the fixed file is used and the alert cleared. Before, every
   * modem on the pattern got an error until the file was fixed.
   */
  @Test
  void aBrokenTemplateLeavesTheLastGoodVersionInUseAndRaisesAnAlert() throws Exception {
    Path template = servePlainTemplate();
    byte[] good = content(generator.resolve("gold.cfg", from("10.1.2.3")));

    Files.writeString(template, "Main { NetworkAccess 0; MaxCPE ${maxCpe};"); // no closing brace
    Files.setLastModifiedTime(template, FileTime.from(Instant.now().plusSeconds(60)));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(
            () -> {
              assertArrayEquals(good, content(generator.resolve("gold.cfg", from("10.1.2.3"))));
              return !alerts.active().isEmpty();
            });
    Alert broken = alerts.active().get(0);
    assertEquals("TFTP_DOCSIS_TEMPLATE_BROKEN", broken.event());
    assertEquals(template.toString(), broken.object());
    assertTrue(broken.message().contains("last version that parsed"), broken.message());

    Files.delete(template); // an editor that saves by rename, caught in between
    Thread.sleep(1_100);
    assertArrayEquals(good, content(generator.resolve("gold.cfg", from("10.1.2.3"))));

    Files.writeString(template, "Main { NetworkAccess 0; MaxCPE ${maxCpe}; }");
    Files.setLastModifiedTime(template, FileTime.from(Instant.now().plusSeconds(120)));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(
            () ->
                DocsisConfigDecoder.toText(content(generator.resolve("gold.cfg", from("10.1.2.3"))))
                    .contains("NetworkAccess 0;"));
    assertTrue(alerts.active().isEmpty(), "cleared once the file parses");
  }

  /**
   * A config change forgot what was checked of each template: a broken one's alert, raised before
   * it, never cleared once the template parsed again, nor when the config stopped naming it.
   */
  @Test
  void aBrokenTemplatesAlertClearsAcrossConfigChanges() throws Exception {
    Path template = servePlainTemplate();
    Files.writeString(template, "Main { NetworkAccess 0;"); // no closing brace
    assertEquals("docsis_render_failed", reason(generator.resolve("gold.cfg", from("10.1.2.3"))));
    assertEquals(1, alerts.active().size(), "raised");

    servePlainTemplate(); // a config change; the template fixed with it
    assertTrue(
        DocsisConfigDecoder.toText(content(generator.resolve("gold.cfg", from("10.1.2.3"))))
            .contains("NetworkAccess 1;"));
    assertTrue(alerts.active().isEmpty(), "cleared once it parses, across the config change");

    Files.writeString(template, "Main { NetworkAccess 0;");
    Files.setLastModifiedTime(template, FileTime.from(Instant.now().plusSeconds(60)));
    generator.apply(config(true, 0)); // and then the config no longer names it
    assertTrue(alerts.active().isEmpty());
    servePlainTemplate();
    Files.writeString(template, "Main { NetworkAccess 0;");
    Files.setLastModifiedTime(template, FileTime.from(Instant.now().plusSeconds(90)));
    assertEquals("docsis_render_failed", reason(generator.resolve("gold.cfg", from("10.1.2.3"))));
    assertEquals(1, alerts.active().size());
    generator.apply(config(true, 0));
    assertTrue(alerts.active().isEmpty(), "cleared with the template's place in the config");
  }

  @Test
  void antiTheftNamesServeTheirAddressOnlyUntilTheyExpireWithTimeAndAddress() throws Exception {
    generator.apply(config(true, 60));
    LeaseRecord lease = leases.get(Ipv4Address.parse("10.1.2.3"));
    assertEquals("static.cfg", generator.bootFileFor(lease, "static.cfg"), "no pattern: unchanged");
    String name = generator.bootFileFor(lease, "cm-001122334455.cfg");
    assertTrue(name.matches("[0-9a-f]{24}\\.cfg"), name);
    assertEquals(name, generator.bootFileFor(lease, "cm-001122334455.cfg"), "a renewal keeps it");

    assertEquals("docsis_ticket_wrong_address", reason(generator.resolve(name, from("10.1.2.99"))));
    byte[] file = content(generator.resolve(name, from("10.1.2.3")));
    String text = DocsisConfigDecoder.toText(file);
    long since1900 = NOW.getEpochSecond() + 2_208_988_800L;
    assertTrue(text.contains("TftpTimestamp " + since1900 + ";"), text);
    assertTrue(text.contains("TftpModemAddress 10.1.2.3;"), text);
    // The stamped file is the golden one with TLV 19 and 20 for this time and address.
    java.util.List<DocsisTlv> tlvs =
        new java.util.ArrayList<>(
            DocsisTemplate.parse(DocsisGoldenTest.text("cm-template.txt"))
                .render(DocsisGoldenTest.MODEM::get));
    tlvs.add(new DocsisTlv(19, DocsisTemplate.Values.bigEndian(since1900, 4)));
    tlvs.add(new DocsisTlv(20, new byte[] {10, 1, 2, 3}));
    assertArrayEquals(DocsisConfigEncoder.encode(tlvs, DocsisGoldenTest.HEADEND_SECRET), file);

    // Asked again (an OACK refused, tsize asked first, a retry from a new port): served again.
    assertArrayEquals(file, content(generator.resolve(name, from("10.1.2.3"))));
    assertEquals("docsis_ticket_wrong_address", reason(generator.resolve(name, from("10.1.2.99"))));

    String late = generator.bootFileFor(lease, "cm-001122334455.cfg");
    assertEquals(name, late);
    clock.advance(Duration.ofSeconds(61));
    assertEquals("docsis_ticket_expired", reason(generator.resolve(late, from("10.1.2.3"))));

    // The pattern's own name, from the modem's own address: served before, a signed file without
    // TLV 19 and 20 that could be loaded later, anywhere.
    assertEquals(
        "docsis_ticket_required",
        reason(generator.resolve("cm-001122334455.cfg", from("10.1.2.3"))));
  }

  /**
   * Every ACK with a boot file asks for a ticket, renewals too: a modem renewing keeps its name
   * (for as long again), a new modem on the address gets a new one and the old name is refused. One
   * ticket per ACK let one modem's renewals fill the table, and a full table answered every modem
   * with the pattern's own name, which anti-theft refuses: no modem could register.
   */
  @Test
  void aTicketIsPerAddressAndAFullTableMakesRoomForTheNext() throws Exception {
    generator.apply(config(true, 60));
    LeaseRecord lease = leases.get(Ipv4Address.parse("10.1.2.3"));
    String name = generator.bootFileFor(lease, "cm-001122334455.cfg");
    for (int renewal = 0; renewal < 1000; renewal++) {
      clock.advance(Duration.ofMillis(50));
      assertEquals(name, generator.bootFileFor(lease, "cm-001122334455.cfg"));
    }
    assertEquals(1, stats.counter("tftp.docsis.tickets_issued").get());
    assertNotNull(content(generator.resolve(name, from("10.1.2.3"))), "valid 50 s after issue");

    lease("10.1.2.3", "00:11:22:33:44:66", "gold", "next");
    String next =
        generator.bootFileFor(leases.get(Ipv4Address.parse("10.1.2.3")), "cm-001122334466.cfg");
    assertNotEquals(name, next);
    clock.advance(Duration.ofMillis(1)); // so that its ticket is the first to expire
    assertNull(generator.resolve(name, from("10.1.2.3")), "no longer a name served here");

    for (int i = 0; i < DocsisFileGenerator.MAX_TICKETS; i++) {
      generator.bootFileFor(withAddress(lease, 0x0b000000 + i), "cm-001122334455.cfg");
    }
    assertEquals(1, stats.counter("tftp.docsis.tickets_full").get(), "the first out");
    assertNull(generator.resolve(next, from("10.1.2.3")), "the ticket that expired first");
    String last = generator.bootFileFor(withAddress(lease, 0x0c000000), "cm-001122334455.cfg");
    assertTrue(last.matches("[0-9a-f]{24}\\.cfg"), "a ticket, not the refused pattern: " + last);
    assertNotNull(content(generator.resolve(last, from("12.0.0.0"))));
  }

  private static LeaseRecord withAddress(LeaseRecord lease, int address) {
    return new LeaseRecord(
        new Ipv4Address(address),
        lease.hardwareType(),
        lease.hardwareAddress(),
        lease.clientId(),
        lease.state(),
        lease.startMillis(),
        lease.expiresAtMillis(),
        lease.allocatedBy(),
        lease.hostname(),
        lease.clientClass(),
        null,
        null);
  }

  @Test
  void rendersAModemsFileForTheOperator() {
    RenderedFile rendered = generator.render(null, "00-11-22-33-44-55", "gold");
    assertEquals("cm-001122334455.cfg", rendered.name());
    assertTrue(rendered.text().contains("CpeMacAddress 00:11:22:33:44:55;"), rendered.text());
    assertTrue(rendered.text().contains("/* CmtsMic "), rendered.text());
    assertEquals(0, rendered.content().length % 4);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> generator.render("nope.cfg", MAC, null));
    assertEquals("'nope.cfg' matches no tftp.docsis.files pattern", e.getMessage());
  }

  @Test
  void theRuleReportsMissingTemplatesParseErrorsAndUnsetVariablesByPath() throws Exception {
    Files.writeString(home.resolve("conf/docsis/bad.txt"), "Main {\n  MaxCPE 300;\n}");
    Files.writeString(
        home.resolve("conf/docsis/vars.txt"),
        "Main { MaxCPE ${maxCpe}; MaxClassifiers ${classifiers}; }");
    ConfigCodec codec = new ConfigCodec(List.of(new DocsisTemplateRule(home)));
    String document =
        """
        tftp:
          enabled: true
          docsis:
            sharedSecret: s
            files:
              - {pattern: "a-{mac}.cfg", template: conf/docsis/missing.txt}
              - {pattern: "b-{mac}.cfg", template: conf/docsis/bad.txt}
              - {pattern: "c-{mac}.cfg", template: conf/docsis/vars.txt, variables: {maxCpe: 3}}
              - {pattern: "d-{mac}.cfg", template: conf/docsis/vars.txt, variables: {maxCpe: 3, classifiers: 2}, classes: {big: {maxCpe: 900}}}
              - {pattern: "e-{mac}.cfg", template: conf/docsis/cm.txt, variables: {maxCpe: 3, upRate: 1, downRate: 1}}
        """;
    List<String> errors =
        assertThrows(
                org.provisioning.common.config.ConfigException.class, () -> codec.parse(document))
            .errors()
            .stream()
            .map(ConfigError::toString)
            .toList();
    assertEquals(4, errors.size(), errors.toString());
    assertTrue(
        errors
            .get(0)
            .startsWith(
                "tftp.docsis.files[0].template: "
                    + home.resolve("conf/docsis/missing.txt")
                    + " does not exist"),
        errors.get(0));
    assertTrue(errors.get(1).endsWith("bad.txt line 2: 300 is outside 0-255"), errors.get(1));
    assertTrue(
        errors
            .get(2)
            .endsWith(
                "uses ${classifiers}, which has no value; add it to tftp.docsis.files[2].variables"),
        errors.get(2));
    assertTrue(
        errors.get(3).endsWith("vars.txt for class big: line 1: 900 is outside 0-255"),
        errors.get(3));
    ProvisioningConfig ok =
        codec.parse(
            document
                .lines()
                .filter(
                    l ->
                        !l.contains("missing")
                            && !l.contains("bad.txt")
                            && !l.contains("c-{mac}")
                            && !l.contains("d-{mac}"))
                .reduce("", (a, b) -> a + b + "\n"));
    assertEquals(1, ok.tftp().docsis().files().size());
  }

  @Test
  void anInlineTemplateIsPartOfTheConfigAndServedLikeAFile() throws Exception {
    String text =
        new String(
            DocsisGoldenTest.resource("cm-template.txt"), java.nio.charset.StandardCharsets.UTF_8);
    generator.apply(
        new DocsisConfig(
            "headend-secret",
            true,
            List.of(
                new DocsisFileConfig(
                    "cm-{mac}.cfg",
                    null,
                    text,
                    true,
                    Map.of("maxCpe", "2", "upRate", "1000000", "downRate", "10000000"),
                    Map.of("gold", Map.of("maxCpe", "4", "upRate", "2000000")))),
            List.of(new DocsisModemConfig(MAC, Map.of("downRate", "50000000"))),
            0,
            100));
    assertArrayEquals(
        DocsisGoldenTest.resource("cm-rendered.bin"),
        content(generator.resolve("cm-001122334455.cfg", from("10.1.2.3"))));

    ConfigCodec codec = new ConfigCodec(List.of(new DocsisTemplateRule(home)));
    List<String> errors =
        assertThrows(
                org.provisioning.common.config.ConfigException.class,
                () ->
                    codec.parse(
                        """
                        tftp:
                          enabled: true
                          docsis:
                            sharedSecret: s
                            files:
                              - pattern: "x-{mac}.cfg"
                                templateText: |
                                  Main {
                                    MaxCPE 999;
                                  }
                        """))
            .errors()
            .stream()
            .map(ConfigError::toString)
            .toList();
    assertEquals(
        List.of("tftp.docsis.files[0].templateText: the template line 2: 999 is outside 0-255"),
        errors);
  }
}
