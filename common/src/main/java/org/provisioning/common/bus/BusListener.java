package org.provisioning.common.bus;

/**
 * Told of every record once it is durable, in journal order, on the bus's writer thread: keep it
 * short and hand heavy work to another thread (failover replication, DNS name changes).
 */
@FunctionalInterface
public interface BusListener {
  void onDurable(BusRecord record);
}
