package org.provisioning.console.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {
  @TempDir Path dataDir;

  @Test
  void aNewTokenIsOwnerOnlyAndKeptAcrossStarts() throws Exception {
    ApiToken made = ApiToken.loadOrCreate(dataDir);
    Path file = dataDir.resolve(ApiToken.FILE_NAME);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(made.value().matches("[0-9a-f]{64}"), made.value());
    assertEquals(made.value(), ApiToken.loadOrCreate(dataDir).value());
    assertTrue(made.admits("Bearer " + made.value()));
  }

  /** An empty file, which a crash as the token was made used to leave, no longer stops a start. */
  @Test
  void anEmptyTokenFileIsGivenANewToken() throws Exception {
    Path file = dataDir.resolve(ApiToken.FILE_NAME);
    Files.createFile(file);
    ApiToken made = ApiToken.loadOrCreate(dataDir);
    assertTrue(made.value().matches("[0-9a-f]{64}"), made.value());
    assertEquals(made.value(), Files.readString(file).strip());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var listing = Files.list(dataDir)) {
      assertEquals(1, listing.count(), "no temporary file left beside it");
    }
  }
}
