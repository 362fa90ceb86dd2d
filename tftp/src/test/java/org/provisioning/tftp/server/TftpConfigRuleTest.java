package org.provisioning.tftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigError;

/**
 * The upload directory must lie apart from the served root and the DOCSIS templates however it is
 * spelled: the check compared the two settings as strings, so {@code .}, {@code tftp/uploads} or an
 * absolute spelling of the root let any TFTP client replace served files and templates.
 */
class TftpConfigRuleTest {
  @TempDir Path home;

  @BeforeEach
  void directories() throws Exception {
    Files.createDirectories(home.resolve("tftp/uploads"));
    Files.createDirectories(home.resolve("uploads"));
    Files.createDirectories(home.resolve("conf/docsis"));
    Files.writeString(home.resolve("conf/docsis/cm.txt"), "Main { NetworkAccess 1; }\n");
  }

  private List<ConfigError> check(String writeRoot) throws Exception {
    String document =
        """
        tftp:
          enabled: true
          root: tftp
          writeRoot: %s
          docsis:
            sharedSecret: s3cret
            files: [{pattern: "cm-{mac}.cfg", template: conf/docsis/cm.txt}]
        """
            .formatted(writeRoot);
    return new TftpConfigRule(home).check(new ConfigCodec().parse(document));
  }

  @Test
  void uploadsApartFromTheRootAndTheTemplatesAreAccepted() throws Exception {
    assertEquals(List.of(), check("uploads"));
  }

  @Test
  void uploadsHoldingTheRootOrATemplateAreRefused() throws Exception {
    List<ConfigError> errors = check(".");
    assertEquals(3, errors.size(), errors.toString());
    assertTrue(errors.get(0).message().contains("holds the data directory"), errors.toString());
    assertTrue(errors.get(1).message().contains("holds the served root"), errors.toString());
    assertTrue(errors.get(2).message().contains("tftp.docsis.files[0]"), errors.toString());
    assertEquals("tftp.writeRoot", errors.get(2).path());

    assertEquals(1, check("conf").size(), "the templates' parent");
    assertEquals(1, check(home.resolve("tftp").toString()).size(), "the root, spelled absolute");
  }

  @Test
  void uploadsInsideTheRootAreRefused() throws Exception {
    List<ConfigError> errors = check("tftp/uploads");
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).message().contains("lies in the served root"), errors.toString());
  }

  @Test
  void neitherDirectoryMayHoldOrLieInTheDataDirectory() throws Exception {
    Files.createDirectories(home.resolve("data/tls"));
    List<ConfigError> errors =
        new TftpConfigRule(home)
            .check(
                new ConfigCodec().parse("tftp: {enabled: true, root: ., writeRoot: data/tls}\n"));
    assertEquals(
        List.of("tftp.root", "tftp.writeRoot", "tftp.writeRoot"),
        errors.stream().map(ConfigError::path).toList(),
        errors.toString());
    assertTrue(errors.get(0).message().contains("holds the data directory"), errors.toString());
    assertTrue(errors.get(1).message().contains("which provisiond writes"), errors.toString());
  }

  @Test
  void aLinkToTheRootIsCaught() throws Exception {
    Files.createSymbolicLink(home.resolve("link"), home.resolve("tftp"));
    assertEquals(1, check("link").size());
  }
}
