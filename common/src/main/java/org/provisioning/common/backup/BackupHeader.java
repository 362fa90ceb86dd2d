package org.provisioning.common.backup;

import java.time.Instant;

/**
 * What a backup says of itself, written before its files.
 *
 * @param format the file's format version ({@link BackupFormat#VERSION} when written by this code)
 * @param server the name of the server it was taken on
 * @param serverId that server's id (the origin of the records it wrote)
 * @param provisiondVersion the release that wrote it
 * @param configVersion the config version running when it was taken
 * @param boundLeases the leases bound when it was taken
 */
public record BackupHeader(
    int format,
    Instant takenAt,
    String server,
    int serverId,
    String provisiondVersion,
    long configVersion,
    long boundLeases) {}
