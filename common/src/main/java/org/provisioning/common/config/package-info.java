/**
 * The one config model of the suite: immutable records for every section ({@code server}, {@code
 * management}, {@code dhcp}, {@code tftp}, {@code dns}, {@code tod}, {@code failover}, {@code
 * alerts}), read from YAML or JSON with every error reported by path, and the versioned store that
 * publishes each change on the state bus. Imports nothing of the suite but common.
 */
package org.provisioning.common.config;
