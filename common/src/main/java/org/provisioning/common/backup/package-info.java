/**
 * The backup file of one server: the state bus's snapshots and journal segments, its config file
 * and pairing secret, in one stream with a format version and a SHA-256 checksum, so that a restore
 * refuses a damaged, truncated, foreign or newer file before it replaces anything. Imports only the
 * JDK and Jackson.
 */
package org.provisioning.common.backup;
