package org.provisioning.common.bus;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The journal frame of one record, also the unit the failover link sends:
 *
 * <pre>
 * int    length    of the body, in bytes
 * int    crc       CRC32C of the body
 * body:
 *   byte   format version (1)
 *   byte   origin (0-255)
 *   long   sequence
 *   long   time, milliseconds since the epoch
 *   short  record type code
 *   bytes  payload (length - 20 bytes)
 * </pre>
 *
 * All integers are big-endian. A length below the body header or above {@link #MAX_BODY} cannot
 * have been written by this code and marks a corrupt frame.
 */
final class JournalCodec {
  static final byte FORMAT_VERSION = 1;

  /** Length and CRC. */
  static final int FRAME_HEADER = 8;

  /** Version, origin, sequence, time, type. */
  static final int BODY_HEADER = 1 + 1 + 8 + 8 + 2;

  /** The largest payload a record may carry: far above a config document, far below the heap. */
  static final int MAX_PAYLOAD = 16 * 1024 * 1024;

  static final int MAX_BODY = BODY_HEADER + MAX_PAYLOAD;

  private JournalCodec() {}

  static int frameSize(BusRecord record) {
    return FRAME_HEADER + BODY_HEADER + record.payload().length;
  }

  /** Writes the whole frame at the buffer's position, which must have room for it. */
  static void encode(BusRecord record, ByteBuffer out) {
    int start = out.position();
    out.putInt(BODY_HEADER + record.payload().length);
    out.putInt(0);
    int bodyStart = out.position();
    out.put(FORMAT_VERSION)
        .put((byte) record.origin())
        .putLong(record.sequence())
        .putLong(record.timeMillis())
        .putShort(record.type().code())
        .put(record.payload());
    CRC32C crc = new CRC32C();
    crc.update(out.duplicate().position(bodyStart).limit(out.position()));
    out.putInt(start + 4, (int) crc.getValue());
  }

  /** True if the length field can belong to a frame this code wrote. */
  static boolean plausibleBodyLength(int length) {
    return length >= BODY_HEADER && length <= MAX_BODY;
  }

  /** CRC32C of {@code length} bytes at the buffer's position; the position is not moved. */
  static int crc(ByteBuffer in, int length) {
    CRC32C crc = new CRC32C();
    crc.update(in.duplicate().limit(in.position() + length));
    return (int) crc.getValue();
  }

  /**
   * Reads the body at the buffer's position (length and CRC already checked) and moves past it. The
   * version must already have been checked too.
   */
  static BusRecord decodeBody(ByteBuffer in, int length) {
    in.get(); // version
    int origin = in.get() & 0xff;
    long sequence = in.getLong();
    long time = in.getLong();
    RecordType type = RecordType.valueOf(in.getShort());
    byte[] payload = new byte[length - BODY_HEADER];
    in.get(payload);
    return new BusRecord(origin, sequence, time, type, payload);
  }
}
