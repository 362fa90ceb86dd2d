package org.provisioning.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;

class ConfigCodecTest {
  private final ConfigCodec codec = new ConfigCodec();

  private static final String VALID =
      """
      server:
        name: headend-1
        dataDir: data
      dhcp:
        enabled: true
        subnets:
          - subnet: 127.16.0.0/16
            options: {routers: [127.16.0.1]}
            pools:
              - range: 127.16.0.10-127.16.0.250
                warningPercent: 70
          - subnet: 127.17.0.0/24
            pools:
              - range: 127.17.0.10-127.17.0.20
      failover:
        role: primary
      """;

  @Test
  void poolNamesTheStatisticsCannotTellApartAreRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    dhcp:
                      serverIdentifier: 127.0.0.1
                      subnets:
                        - subnet: 127.16.0.0/16
                          pools:
                            - {name: North, range: 127.16.0.10-127.16.0.99}
                            - {name: north, range: 127.16.1.10-127.16.1.99}
                            - {name: cm.north, range: 127.16.2.10-127.16.2.99}
                            - {name: cm_north, range: 127.16.3.10-127.16.3.99}
                    """));
    assertEquals(
        List.of("dhcp.subnets[0].pools[1].name", "dhcp.subnets[0].pools[3].name"),
        e.errors().stream().map(ConfigError::path).toList());
    assertTrue(e.errors().get(0).message().contains("'north' and 'North'"), e.toString());
  }

  @Test
  void readsAValidDocumentWithDefaultsFilledIn() throws ConfigException {
    ProvisioningConfig config = codec.parse(VALID);
    assertEquals("headend-1", config.server().name());
    assertEquals(
        Ipv4Range.parse("127.16.0.10-127.16.0.250"),
        config.dhcp().subnets().get(0).pools().get(0).range());
    assertEquals(70, config.dhcp().subnets().get(0).pools().get(0).warningPercent());
    assertEquals(95, config.dhcp().subnets().get(0).pools().get(0).criticalPercent());
    assertEquals(FailoverRole.PRIMARY, config.failover().role());
    assertEquals(8067, config.management().port());
    assertEquals(Ipv4Address.parse("127.0.0.1"), config.management().listen());
  }

  @Test
  void emptyDocumentIsTheDefaultConfig() throws ConfigException {
    assertEquals(
        new ProvisioningConfig(null, null, null, null, null, null, null, null), codec.parse(""));
  }

  @Test
  void yamlAndJsonRoundTripToTheSameConfig() throws ConfigException {
    ProvisioningConfig config = codec.parse(VALID);
    assertEquals(config, codec.parse(codec.toYaml(config)));
    assertEquals(config, codec.parse(codec.toJson(config)));
  }

  @Test
  void reportsEveryErrorWithItsPath() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    server:
                      nmae: typo
                    dhcp:
                      port: seventy
                      subnets:
                        - subnet: 127.16.0.0/16
                          pools:
                            - range: 127.16.0.10-127.16.0.250
                        - subnet: 127.15.0.0/16
                          pools:
                            - range: 127.16.0.0-127.15.0.0
                    """));
    assertEquals(
        List.of(
            "server.nmae: unknown key 'nmae'; did you mean 'name'?",
            "dhcp.port: 'seventy' is not a whole number",
            "dhcp.subnets[1].pools[0].range: 127.16.0.0-127.15.0.0 ends before it starts; swap its two addresses"),
        e.errors().stream().map(ConfigError::toString).toList());
  }

  @Test
  void nextServerIsAnAddressOrSelfAndRoundTrips() throws ConfigException {
    ProvisioningConfig config =
        codec.parse(
            """
            dhcp:
              options: {nextServer: self}
              classes:
                - {name: modems, match: {vendorClassPrefix: docsis}, options: {nextServer: 127.0.0.69}}
            """);
    assertEquals(BootServer.SELF, config.dhcp().options().nextServer());
    assertEquals(
        Ipv4Address.parse("127.0.0.1"),
        config.dhcp().options().nextServer().resolve(Ipv4Address.parse("127.0.0.1")));
    BootServer fixed = config.dhcp().classes().get(0).options().nextServer();
    assertEquals(Ipv4Address.parse("127.0.0.69"), fixed.resolve(Ipv4Address.parse("127.0.0.1")));
    assertEquals(config, codec.parse(codec.toYaml(config)));

    ConfigException bad =
        assertThrows(
            ConfigException.class, () -> codec.parse("dhcp: {options: {nextServer: myself}}"));
    assertEquals("dhcp.options.nextServer", bad.errors().get(0).path(), bad.getMessage());
  }

  @Test
  void reportsBadAddressesAndWrongShapesWithoutStopping() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    management:
                      listen: 300.1.1.1
                    dhcp:
                      subnets:
                        - subnet: 127.16.0.1/16
                          options: {routers: [127.99.0.1]}
                          pools: nope
                    failover:
                      role: tertiary
                      heartbeatMillis: 100
                      deadAfterMillis: 200
                    tod: [1, 2]
                    """));
    List<String> paths = e.errors().stream().map(ConfigError::path).toList();
    assertEquals(
        List.of(
            "management.listen",
            "dhcp.subnets[0].subnet",
            "dhcp.subnets[0].pools",
            "failover.role",
            "tod",
            "failover.deadAfterMillis"),
        paths,
        e.getMessage());
    assertTrue(
        e.errors().get(1).message().contains("the network is 127.16.0.0/16"), e.getMessage());
    assertTrue(
        e.errors().get(3).message().contains("[standalone, primary, secondary]"), e.getMessage());
  }

  /**
   * Option 51 carries a lease time in 32 bits: a longer one was accepted, and every OFFER and ACK
   * then failed to encode (the lease held in memory for a client never answered).
   */
  @Test
  void refusesLeaseTimesOption51CannotCarry() throws ConfigException {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    dhcp:
                      leaseTime: 5000000000
                      declineQuarantineSeconds: 99999999999999
                      subnets:
                        - subnet: 127.16.0.0/24
                          leaseTime: 4294967296
                      classes:
                        - {name: modems, match: {vendorClassPrefix: docsis}, leaseTime: 30}
                    """));
    assertEquals(
        List.of(
            "dhcp.leaseTime",
            "dhcp.declineQuarantineSeconds",
            "dhcp.classes[0].leaseTime",
            "dhcp.subnets[0].leaseTime"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.getMessage());
    assertEquals(
        4_294_967_295L,
        codec.parse("dhcp: {leaseTime: 4294967295}").dhcp().leaseTime(),
        "the longest option 51 can carry");
  }

  /**
   * A config too large for its version's journal record is refused when it is read (the file, the
   * API, --check-config): accepted, it failed to be journaled, and provisiond exited at every
   * start.
   */
  @Test
  void refusesAConfigTooLargeForAJournalRecord() {
    StringBuilder document =
        new StringBuilder(
            "dhcp:\n  subnets:\n    - subnet: 127.64.0.0/16\n"
                + "      pools: [{range: 127.64.240.10-127.64.255.254}]\n  reservations:\n");
    for (int i = 0; i < 60_000; i++) {
      document.append(
          String.format(
              Locale.ROOT,
              "    - {mac: \"02:00:00:00:%02x:%02x\", address: 127.64.%d.%d,"
                  + " hostname: cpe-%05d-reserved-for-the-customer-at-this-line}%n",
              i >> 8,
              i & 0xff,
              (i + 1) >> 8, // from .0.1: the network's own address is no client's
              (i + 1) & 0xff,
              i));
    }
    ConfigException e = assertThrows(ConfigException.class, () -> codec.parse(document.toString()));
    assertEquals(List.of(""), e.errors().stream().map(ConfigError::path).toList(), e.getMessage());
    assertTrue(e.getMessage().contains("as a journal record"), e.getMessage());
  }

  @Test
  void refusesOverlappingPoolsAndPoolsOutsideTheirSubnet() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    dhcp:
                      subnets:
                        - subnet: 127.16.0.0/24
                          pools:
                            - range: 127.16.0.10-127.16.0.100
                            - range: 127.16.0.50-127.16.0.60
                            - range: 127.16.0.200-127.16.1.5
                            - range: 127.16.0.0-127.16.0.5
                    """));
    assertEquals(
        List.of(
            "dhcp.subnets[0].pools[1].range",
            "dhcp.subnets[0].pools[2].range",
            "dhcp.subnets[0].pools[3].range"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.getMessage());
  }

  @Test
  void refusesTwoServicesOnOneSocket() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    tftp: {enabled: true, port: 3737}
                    tod: {enabled: true, port: 3737}
                    """));
    assertEquals(
        List.of("tod.port"), e.errors().stream().map(ConfigError::path).toList(), e.getMessage());
  }

  @Test
  void failoverClaimsTheTwoUdpPortsAboveItsTcpPort() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    tftp: {enabled: true, listen: 127.0.0.1, port: 3739}
                    failover: {role: secondary, listen: 127.0.0.1, port: 3737}
                    """));
    assertEquals(
        List.of("failover.port"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.getMessage());
    ConfigException tooHigh =
        assertThrows(
            ConfigException.class, () -> codec.parse("failover: {role: secondary, port: 65534}\n"));
    assertTrue(tooHigh.getMessage().contains("port + 1, + 2"), tooHigh.getMessage());
  }

  @Test
  void reportsYamlSyntaxErrorsWithLineAndColumn() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> codec.parse("server:\n  name: [unclosed\n"));
    assertTrue(e.getMessage().contains("line"), e.getMessage());
  }

  @Test
  void checksClassesPoolsAndReservationsAgainstEachOther() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    dhcp:
                      listen: 0.0.0.0
                      options: {raw: {300: "01", 43: "zz", x: "01", 51: "00:01:51:80"}}
                      classes:
                        - name: cable-modem
                          match: {vendorClassPrefix: docsis, macPrefixes: ["00:11:2"]}
                        - name: cable-modem
                        - name: 路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路路
                      subnets:
                        - subnet: 127.16.0.0/16
                          relays: [127.16.0.20]
                          pools:
                            - {name: modems, range: 127.16.0.10-127.16.0.99, classes: [cable-modem, mta]}
                            - {name: modems, range: 127.16.1.10-127.16.1.99}
                      reservations:
                        - {mac: "00:11:22:33:44:55", address: 127.16.0.50}
                        - {mac: "00-11-22-33-44-55", address: 127.99.0.1, clientClass: nope}
                        - {address: 127.16.0.51}
                    """));
    assertEquals(
        List.of(
            "dhcp.options.raw.x",
            "dhcp.serverIdentifier",
            "dhcp.options.raw.43",
            "dhcp.options.raw.51", // the lease time is the server's
            "dhcp.options.raw.300",
            "dhcp.classes[0].match.macPrefixes[0]",
            "dhcp.classes[1].name",
            "dhcp.classes[2].name", // 90 characters of three octets: more than a lease keeps
            "dhcp.subnets[0].pools[0].range", // it holds the relay's address
            "dhcp.subnets[0].pools[0].classes[1]",
            "dhcp.subnets[0].pools[1].name",
            "dhcp.reservations[1].mac",
            "dhcp.reservations[1].address",
            "dhcp.reservations[1].clientClass",
            "dhcp.reservations[2]"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.getMessage());
  }

  /**
   * A reservation is given outside any pool, so it gets the pools' checks of its own: not the
   * router, the relay, the server identifier, the network or the broadcast address; and one
   * remote-id written twice in two spellings is one client reserved twice.
   */
  @Test
  void aReservationMayNotTakeTheNetworksOwnAddressesNorRepeatARemoteId() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    dhcp:
                      serverIdentifier: 127.16.0.2
                      subnets:
                        - subnet: 127.16.0.0/16
                          relays: [127.16.0.20]
                          options: {routers: [127.16.0.1]}
                          pools: [{range: 127.16.0.100-127.16.0.199}]
                      reservations:
                        - {mac: "00:11:22:33:44:01", address: 127.16.0.1}
                        - {mac: "00:11:22:33:44:02", address: 127.16.0.20}
                        - {mac: "00:11:22:33:44:03", address: 127.16.0.2}
                        - {mac: "00:11:22:33:44:04", address: 127.16.255.255}
                        - {remoteId: "AA:BB:CC:DD:EE:FF", address: 127.16.0.30}
                        - {remoteId: "aa-bb-cc-dd-ee-ff", address: 127.16.0.31}
                        - {remoteId: "cmts-1/0/1", address: 127.16.0.32}
                        - {mac: "00:11:22:33:44:05", address: 127.16.0.33}
                    """));
    assertEquals(
        List.of(
            "dhcp.reservations[0].address",
            "dhcp.reservations[1].address",
            "dhcp.reservations[2].address",
            "dhcp.reservations[3].address",
            "dhcp.reservations[5].remoteId"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.getMessage());
    assertTrue(e.getMessage().contains("the router"), e.getMessage());
    assertTrue(e.getMessage().contains("the relay"), e.getMessage());
  }

  @Test
  void theCmtsSharedSecretIsMaskedLikeEveryOtherSecret() throws ConfigException {
    ProvisioningConfig config =
        codec.parse(
            """
            tftp:
              enabled: true
              docsis:
                sharedSecret: cmts-shared-7f3a
                files: [{pattern: "cm-{mac}.cfg", template: conf/docsis/cm.txt}]
            """);
    String shown = codec.maskedTree(config).toString();
    assertFalse(shown.contains("cmts-shared-7f3a"), shown);
    assertFalse(config.toString().contains("cmts-shared-7f3a"), "toString");
    assertEquals(
        ConfigCodec.MASK, codec.maskedTree(config).at("/tftp/docsis/sharedSecret").asText());
    // A document edited from the masked view and sent back keeps the secret.
    ProvisioningConfig back = codec.parse(codec.restoreSecrets(shown, config));
    assertEquals("cmts-shared-7f3a", back.tftp().docsis().sharedSecret());
  }

  @Test
  void readsTftpAndTodSectionsWithDocsisFiles() throws ConfigException {
    ProvisioningConfig config =
        codec.parse(
            """
            tftp:
              enabled: true
              port: 1069
              root: tftp
              maxBlockSize: 1428
              docsis:
                sharedSecret: DOCSIS
                files:
                  - pattern: cm-{mac}.cfg
                    template: conf/docsis/cm.txt
                    variables: {downRate: 20000000, maxCpe: 3}
                    classes:
                      business: {downRate: 100000000}
                modems:
                  - mac: 00:11:22:33:44:55
                    variables: {maxCpe: 8}
            tod:
              enabled: true
              port: 1037
              requireSync: true
            """);
    TftpConfig tftp = config.tftp();
    assertEquals(1069, tftp.port());
    assertEquals(1428, tftp.maxBlockSize());
    assertEquals(16, tftp.maxWindowSize());
    assertEquals(500, tftp.maxTransfersPerClient(), "a quarter of maxTransfers");
    assertEquals(null, tftp.writeRoot());
    DocsisFileConfig file = tftp.docsis().files().get(0);
    assertEquals("cm-{mac}.cfg", file.pattern());
    assertEquals("20000000", file.variables().get("downRate"));
    assertEquals("100000000", file.classes().get("business").get("downRate"));
    assertTrue(file.requireLease());
    assertTrue(tftp.docsis().cmtsMic());
    assertEquals("8", tftp.docsis().modems().get(0).variables().get("maxCpe"));
    assertTrue(config.tod().requireSync());
    assertEquals(TodConfig.DEFAULT_SYNC_COMMAND, config.tod().syncCommand());
    assertEquals(config, codec.parse(codec.toYaml(config)));
  }

  @Test
  void tftpOnTheWildcardAddressIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> codec.parse("tftp: {enabled: true, listen: 0.0.0.0, port: 1069}"));
    assertEquals(List.of("tftp.listen"), e.errors().stream().map(ConfigError::path).toList());
    assertTrue(e.getMessage().contains("give the address modems reach"), e.getMessage());
  }

  @Test
  void refusesBadTftpAndTodSettingsWithHowToFix() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    tftp:
                      root: tftp
                      writeRoot: tftp
                      maxTransfers: 100
                      maxTransfersPerClient: 101
                      maxBlockSize: 70000
                      maxWindowSize: 0
                      docsis:
                        files:
                          - pattern: cm-{serial}.cfg
                            template: cm.txt
                          - pattern: ../{mac}.cfg
                            template: a.txt
                            templateText: "Main { }"
                          - pattern: cm-{serial}.cfg
                            template: cm.txt
                            variables: {9lives: 1}
                        modems:
                          - mac: 00:11:22:33:44
                    tod:
                      requireSync: true
                      syncCommand: []
                    """));
    assertEquals(
        List.of(
            "tftp.writeRoot",
            "tftp.maxTransfersPerClient",
            "tftp.maxBlockSize",
            "tftp.maxWindowSize",
            "tftp.docsis.sharedSecret",
            "tftp.docsis.files[0].pattern",
            "tftp.docsis.files[1].pattern",
            "tftp.docsis.files[1].template",
            "tftp.docsis.files[2].pattern",
            "tftp.docsis.files[2].pattern",
            "tftp.docsis.files[2].variables.9lives",
            "tftp.docsis.modems[0].mac",
            "tod.syncCommand"),
        e.errors().stream().map(ConfigError::path).toList(),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("tftp.docsis.files[0].pattern: {serial} is not a placeholder; use {mac}"),
        e.getMessage());
    assertTrue(e.getMessage().contains("or set cmtsMic: false"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("tftp.docsis.files[1].template: and templateText are both given; keep one"),
        e.getMessage());
  }

  @Test
  void rulesJudgeNewDocumentsButNotVersionsAlreadyAccepted() throws ConfigException {
    ConfigCodec withRule =
        new ConfigCodec(
            List.of(
                config ->
                    config.tftp().enabled()
                        ? List.of(new ConfigError("tftp.root", "does not exist here"))
                        : List.of()));
    String document = "tftp: {enabled: true, port: 1069}\n";
    ConfigException e = assertThrows(ConfigException.class, () -> withRule.parse(document));
    assertEquals("tftp.root: does not exist here", e.errors().get(0).toString());
    assertTrue(withRule.parseAccepted(document).tftp().enabled());
    assertEquals(1069, withRule.parse("tftp: {port: 1069}").tftp().port());
  }

  private static final String DNS =
      """
      dns:
        enabled: true
        port: 1053
        keys:
          - name: ddns-key
            secret: c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0
        zones:
          - name: cable.example.net
            nameServers: [ns1.cable.example.net]
            records: ["ns1 A 127.0.0.1"]
            updateKeys: [ddns-key]
            transferKeys: [ddns-key]
          - name: 16.172.in-addr.arpa
            primary: {address: 127.0.0.9, key: ddns-key}
        ddns:
          enabled: true
          forwardZone: cable.example.net
          classPatterns: {cable-modem: "cm-{mac}"}
      """;

  @Test
  void readsDnsZonesKeysAndDdns() throws ConfigException {
    DnsConfig dns = codec.parse(DNS).dns();
    assertEquals(2, dns.zones().size());
    assertEquals("hmac-sha256", dns.keys().get(0).algorithm());
    assertEquals(3600L, dns.zones().get(0).soa().refresh());
    assertTrue(dns.zones().get(0).servedHere());
    assertEquals(53, dns.zones().get(1).primary().port());
    assertEquals("cm-{mac}", dns.ddns().classPatterns().get("cable-modem"));
    assertEquals(codec.parse(DNS), codec.parse(codec.toYaml(codec.parse(DNS))));
  }

  @Test
  void refusesBadDnsZonesKeysAndPatternsWithTheirPaths() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                codec.parse(
                    """
                    dns:
                      enabled: true
                      keys:
                        - {name: k1, algorithm: hmac-md5, secret: "not base64!"}
                      zones:
                        - name: "bad..name"
                          nameServers: [ns1.example.net]
                        - name: example.net
                          updateKeys: [nokey]
                      ddns:
                        enabled: true
                        forwardZone: other.net
                        classPatterns: {cm: "cm-{serial}"}
                    """));
    assertEquals(
        List.of(
            "dns.keys[0].algorithm",
            "dns.keys[0].secret",
            "dns.zones[0].name",
            "dns.zones[1].nameServers",
            "dns.zones[1].updateKeys[0]",
            "dns.ddns.forwardZone",
            "dns.ddns.classPatterns.cm"),
        e.errors().stream().map(ConfigError::path).toList());
  }
}
