/**
 * The state bus: records of durable facts (config versions, leases, name changes), their
 * CRC32C-checked, group-committed journal, snapshots, and replay into the services' state at
 * start-up. The same record frames feed the failover peer. Imports nothing of the suite beyond
 * {@code common} ({@code stats}).
 */
package org.provisioning.common.bus;
