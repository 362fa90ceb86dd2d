package org.provisioning.common.bus;

import java.util.concurrent.CompletableFuture;

/** The narrow face of the state bus that a service publishes through. */
@FunctionalInterface
public interface BusPublisher {

  /**
   * Journals a record of this server's origin.
   *
   * @return completes with the record (sequence and time assigned) once it is on disk, or
   *     exceptionally if it could not be made durable
   */
  CompletableFuture<BusRecord> publish(RecordType type, byte[] payload);
}
