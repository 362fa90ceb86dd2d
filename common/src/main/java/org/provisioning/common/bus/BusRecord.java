package org.provisioning.common.bus;

import java.util.Objects;

/**
 * One durable fact: which server originated it, its sequence number there (strictly increasing per
 * origin, assigned when the record is journaled), when, what type, and a compact payload that only
 * the owning module decodes. The same bytes go to the journal and to the failover peer.
 *
 * <p>The payload array is never copied or changed after construction: treat it as read-only.
 */
public record BusRecord(
    int origin, long sequence, long timeMillis, RecordType type, byte[] payload) {

  public BusRecord {
    if (origin < 0 || origin > 255) {
      throw new IllegalArgumentException("origin " + origin + " is not 0-255");
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public String toString() {
    return "BusRecord[origin="
        + origin
        + ", seq="
        + sequence
        + ", time="
        + timeMillis
        + ", type="
        + type
        + ", "
        + payload.length
        + " bytes]";
  }
}
