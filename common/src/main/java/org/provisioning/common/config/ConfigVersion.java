package org.provisioning.common.config;

import java.time.Instant;

/**
 * One accepted version of the config.
 *
 * @param number increases by one with every accepted change, whoever made it
 * @param source how it came: {@code file}, {@code api}, {@code rollback}, {@code peer-sync}, {@code
 *     peer-merge}
 * @param fileDigest SHA-256 of the config file this version was read from, or of the last file read
 *     before it; lets a restart tell an edited file from one already applied
 * @param author who made it (a console user, {@code api-token}), or null when nobody is known (the
 *     file, a version from before authors were kept)
 * @param server the name of the server that accepted it, or null when not known
 * @param restores for a rollback, the number of the version whose document it applied again
 */
public record ConfigVersion(
    long number,
    ProvisioningConfig config,
    String source,
    Instant changedAt,
    String fileDigest,
    String author,
    String server,
    Long restores) {

  public ConfigVersion(
      long number, ProvisioningConfig config, String source, Instant changedAt, String fileDigest) {
    this(number, config, source, changedAt, fileDigest, null, null, null);
  }

  /** What the history lists of this version: everything but the document. */
  public ConfigHistoryEntry entry() {
    return new ConfigHistoryEntry(number, source, changedAt, author, server, restores);
  }
}
