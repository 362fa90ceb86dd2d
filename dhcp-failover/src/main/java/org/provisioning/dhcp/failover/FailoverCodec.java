package org.provisioning.dhcp.failover;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.ReplicatedState;
import org.provisioning.common.config.FailoverRole;
import org.provisioning.common.lease.LeaseRecord;

/**
 * Encodes and decodes frame bodies, big-endian.
 *
 * <pre>
 * HEARTBEAT  role(1) state(1) clockMillis(8) ownSeq(8) appliedPeerSeq(8)
 * RECORDS    count(2) then per record: origin(1) seq(8) timeMillis(8) type(2) length(4) payload
 * ACK        seq(8)
 * HELLO      role(1) state(1) count(2) then per origin: origin(1) highestSeq(8);
 *            then the resume point: origin(1) covered(8) afterAddress(4) received(8)
 * CONFIG     the config store's encoded version (JSON)
 * LEASES     count(2) then per lease: length(2) {@link LeaseRecord#encode()}
 * SYNC_DONE  coveredSeq(8)
 * TAIL       as RECORDS
 * SYNC_START snapshot(1) covered(8) total(8) from(8)
 * STATE      count(4) then per entry: type(2) length(4) payload
 * </pre>
 */
final class FailoverCodec {
  /** The largest UDP datagram the lease stream builds (below a 1500-octet Ethernet MTU). */
  static final int MAX_DATAGRAM = 1400;

  /** Per-record overhead in a RECORDS body. */
  static final int RECORD_HEADER = 1 + 8 + 8 + 2 + 4;

  /** Per-entry overhead in a STATE body. */
  static final int STATE_ENTRY_HEADER = 2 + 4;

  private FailoverCodec() {}

  static byte[] encode(FailoverMessage message) {
    if (message instanceof FailoverMessage.Heartbeat h) {
      return ByteBuffer.allocate(26)
          .put((byte) h.role().ordinal())
          .put((byte) h.state().code())
          .putLong(h.clockMillis())
          .putLong(h.ownSequence())
          .putLong(h.appliedPeerSequence())
          .array();
    }
    if (message instanceof FailoverMessage.Records || message instanceof FailoverMessage.Tail) {
      List<BusRecord> records =
          message instanceof FailoverMessage.Records r
              ? r.records()
              : ((FailoverMessage.Tail) message).records();
      int size = 2;
      for (BusRecord record : records) {
        size += RECORD_HEADER + record.payload().length;
      }
      ByteBuffer out = ByteBuffer.allocate(size).putShort((short) records.size());
      for (BusRecord record : records) {
        out.put((byte) record.origin())
            .putLong(record.sequence())
            .putLong(record.timeMillis())
            .putShort(record.type().code())
            .putInt(record.payload().length)
            .put(record.payload());
      }
      return out.array();
    }
    if (message instanceof FailoverMessage.Ack a) {
      return ByteBuffer.allocate(8).putLong(a.sequence()).array();
    }
    if (message instanceof FailoverMessage.Hello h) {
      ByteBuffer out =
          ByteBuffer.allocate(4 + 9 * h.highestByOrigin().size() + 21)
              .put((byte) h.role().ordinal())
              .put((byte) h.state().code())
              .putShort((short) h.highestByOrigin().size());
      h.highestByOrigin().forEach((origin, seq) -> out.put((byte) (int) origin).putLong(seq));
      FailoverMessage.Resume r = h.resume();
      out.put((byte) r.origin())
          .putLong(r.covered())
          .putInt(r.afterAddress())
          .putLong(r.received());
      return out.array();
    }
    if (message instanceof FailoverMessage.SyncStart s) {
      return ByteBuffer.allocate(25)
          .put((byte) (s.snapshot() ? 1 : 0))
          .putLong(s.covered())
          .putLong(s.total())
          .putLong(s.from())
          .array();
    }
    if (message instanceof FailoverMessage.Config c) {
      return c.version().clone();
    }
    if (message instanceof FailoverMessage.Leases l) {
      List<byte[]> encoded = new ArrayList<>(l.leases().size());
      int size = 2;
      for (LeaseRecord lease : l.leases()) {
        byte[] bytes = lease.encode();
        encoded.add(bytes);
        size += 2 + bytes.length;
      }
      ByteBuffer out = ByteBuffer.allocate(size).putShort((short) encoded.size());
      encoded.forEach(bytes -> out.putShort((short) bytes.length).put(bytes));
      return out.array();
    }
    if (message instanceof FailoverMessage.SyncDone d) {
      return ByteBuffer.allocate(8).putLong(d.coveredSequence()).array();
    }
    if (message instanceof FailoverMessage.State st) {
      int size = 4;
      for (ReplicatedState.Entry entry : st.entries()) {
        size += STATE_ENTRY_HEADER + entry.payload().length;
      }
      ByteBuffer out = ByteBuffer.allocate(size).putInt(st.entries().size());
      for (ReplicatedState.Entry entry : st.entries()) {
        out.putShort(entry.type().code()).putInt(entry.payload().length).put(entry.payload());
      }
      return out.array();
    }
    throw new IllegalArgumentException("unknown message " + message);
  }

  /**
   * Decodes an authenticated body.
   *
   * @throws IllegalArgumentException if it is malformed (the frame is dropped and counted)
   */
  static FailoverMessage decode(FrameKind kind, ByteBuffer body) {
    ByteBuffer in = body.slice();
    try {
      FailoverMessage message =
          switch (kind) {
            case HEARTBEAT ->
                new FailoverMessage.Heartbeat(
                    role(in.get()),
                    FailoverState.fromCode(in.get() & 0xff),
                    in.getLong(),
                    in.getLong(),
                    in.getLong());
            case RECORDS, TAIL -> {
              int count = in.getShort() & 0xffff;
              List<BusRecord> records = new ArrayList<>(count);
              for (int i = 0; i < count; i++) {
                int origin = in.get() & 0xff;
                long seq = in.getLong();
                long time = in.getLong();
                RecordType type = RecordType.valueOf(in.getShort());
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                  throw new IllegalArgumentException("record length " + length + " overruns");
                }
                byte[] payload = new byte[length];
                in.get(payload);
                records.add(new BusRecord(origin, seq, time, type, payload));
              }
              yield kind == FrameKind.TAIL
                  ? new FailoverMessage.Tail(List.copyOf(records))
                  : new FailoverMessage.Records(List.copyOf(records));
            }
            case ACK -> new FailoverMessage.Ack(in.getLong());
            case HELLO -> {
              FailoverRole role = role(in.get());
              FailoverState state = FailoverState.fromCode(in.get() & 0xff);
              int count = in.getShort() & 0xffff;
              Map<Integer, Long> highest = new LinkedHashMap<>();
              for (int i = 0; i < count; i++) {
                highest.put(in.get() & 0xff, in.getLong());
              }
              FailoverMessage.Resume resume =
                  new FailoverMessage.Resume(
                      in.get() & 0xff, in.getLong(), in.getInt(), in.getLong());
              yield new FailoverMessage.Hello(role, state, Map.copyOf(highest), resume);
            }
            case CONFIG -> {
              byte[] bytes = new byte[in.remaining()];
              in.get(bytes);
              yield new FailoverMessage.Config(bytes);
            }
            case LEASES -> {
              int count = in.getShort() & 0xffff;
              List<LeaseRecord> leases = new ArrayList<>(count);
              for (int i = 0; i < count; i++) {
                byte[] bytes = new byte[in.getShort() & 0xffff];
                in.get(bytes);
                leases.add(LeaseRecord.decode(bytes));
              }
              yield new FailoverMessage.Leases(List.copyOf(leases));
            }
            case SYNC_DONE -> new FailoverMessage.SyncDone(in.getLong());
            case STATE -> {
              int count = in.getInt();
              if (count < 0 || (long) count * STATE_ENTRY_HEADER > in.remaining()) {
                throw new IllegalArgumentException("state entry count " + count + " overruns");
              }
              List<ReplicatedState.Entry> entries = new ArrayList<>(count);
              for (int i = 0; i < count; i++) {
                RecordType type = RecordType.valueOf(in.getShort());
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                  throw new IllegalArgumentException("state entry length " + length + " overruns");
                }
                byte[] payload = new byte[length];
                in.get(payload);
                entries.add(new ReplicatedState.Entry(type, payload));
              }
              yield new FailoverMessage.State(List.copyOf(entries));
            }
            case SYNC_START ->
                new FailoverMessage.SyncStart(
                    in.get() != 0, in.getLong(), in.getLong(), in.getLong());
          };
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " stray octets after " + kind);
      }
      return message;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException(kind + " body truncated", e);
    }
  }

  private static FailoverRole role(byte code) {
    FailoverRole[] roles = FailoverRole.values();
    int i = code & 0xff;
    if (i >= roles.length) {
      throw new IllegalArgumentException("role " + i + " is unknown");
    }
    return roles[i];
  }

  /** The encoded size of a record inside a RECORDS body. */
  static int encodedSize(BusRecord record) {
    return RECORD_HEADER + record.payload().length;
  }
}
