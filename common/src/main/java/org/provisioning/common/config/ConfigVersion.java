package org.provisioning.common.config;

import java.time.Instant;

/**
 * One accepted version of the config.
 *
 * @param number increases by one with every accepted change, whoever made it
 * @param source who made it: {@code file}, {@code api}, {@code peer}
 * @param fileDigest SHA-256 of the config file this version was read from, or of the last file read
 *     before it; lets a restart tell an edited file from one already applied
 */
public record ConfigVersion(
    long number, ProvisioningConfig config, String source, Instant changedAt, String fileDigest) {}
