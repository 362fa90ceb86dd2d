package org.provisioning.common.config;

import java.time.Instant;

/**
 * One version in the config's history, without its document: what a list of versions shows.
 *
 * @see ConfigVersion for the meaning of each field
 */
public record ConfigHistoryEntry(
    long number, String source, Instant changedAt, String author, String server, Long restores) {}
