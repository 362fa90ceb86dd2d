package org.provisioning.dhcp.failover;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.provisioning.common.io.DurableFiles;
import org.provisioning.common.io.NumberReservation;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;

/**
 * Seals and opens every failover frame, UDP datagram and TCP frame alike.
 *
 * <p>Wire format, big-endian:
 *
 * <pre>
 *  0  2  magic 'P' 'F'
 *  2  1  version (1)
 *  3  1  kind ({@link FrameKind})
 *  4  1  sender server id
 *  5  8  counter: strictly increasing per sender, from the sender's clock in microseconds, so it
 *        keeps increasing across restarts
 * 13  4  body length
 * 17  n  body
 * 17+n 16 MAC: HMAC-SHA256 over octets 0..17+n, truncated to 128 bits
 * </pre>
 *
 * A frame that fails the MAC is dropped and counted ({@code failover.dropped.bad_hmac}); one whose
 * counter is not above the last accepted from that sender for that kind is a replay (or a reordered
 * stale datagram, which go-back-N retransmission repairs) and is dropped and counted ({@code
 * failover.dropped.replay}). An authentic frame that carries this server's own id is dropped and
 * counted apart ({@code failover.dropped.own_id}): it is ours sent back, or, far likelier, a
 * partner given the same {@code server.id}, which can never pair with us; the service alerts it.
 * The key is derived from the pairing secret, never the secret itself.
 */
final class FrameAuthenticator {
  static final int HEADER = 17;
  static final int MAC_LENGTH = 16;
  static final int OVERHEAD = HEADER + MAC_LENGTH;
  private static final int VERSION = 1;
  private static final byte[] KEY_LABEL =
      "provisiond failover key v1".getBytes(StandardCharsets.US_ASCII);

  /**
   * An authentic frame. {@code kind} is null for a kind this release does not know: a newer
   * partner's (a rolling upgrade pairs two releases for a while), which the receiver skips.
   */
  record Frame(FrameKind kind, int sender, long counter, ByteBuffer body) {}

  private final SecretKeySpec key;
  private final int serverId;
  private final Clock clock;
  private final AtomicLong lastCounter = new AtomicLong();
  private volatile NumberReservation reservation;
  private final Map<FrameKind, Long> lastAccepted = new EnumMap<>(FrameKind.class);
  private final Counter badHmac;
  private final Counter replay;
  private final Counter ownId;
  private final Counter malformed;
  private final Counter unknownKind;

  FrameAuthenticator(byte[] key, int serverId, Clock clock, StatisticsRegistry stats) {
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.serverId = serverId;
    this.clock = clock;
    FailoverStatistics.declare(stats);
    this.badHmac = stats.counter("failover.dropped.bad_hmac");
    this.replay = stats.counter("failover.dropped.replay");
    this.ownId = stats.counter("failover.dropped.own_id");
    this.malformed = stats.counter("failover.dropped.malformed");
    this.unknownKind = stats.counter("failover.dropped.unknown_kind");
  }

  /**
   * Takes up the anti-replay window where an earlier run left it ({@link #saveAccepted}), so that
   * frames captured before a restart cannot be replayed to this server after it: a replayed
   * heartbeat would fake a dead partner's liveness, a replayed sync would roll leases back.
   */
  void loadAccepted(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      String[] parts = line.trim().split(" ");
      if (parts.length != 2) {
        continue;
      }
      try {
        FrameKind kind = FrameKind.valueOf(parts[0]);
        long counter = Long.parseLong(parts[1]);
        synchronized (lastAccepted) {
          lastAccepted.merge(kind, counter, Math::max);
        }
      } catch (IllegalArgumentException e) {
        // a kind this build does not know, or a damaged line: the rest still counts
      }
    }
  }

  /** Saves the anti-replay window (durably); called every second and at stop. */
  void saveAccepted(Path file) throws IOException {
    StringBuilder text = new StringBuilder();
    synchronized (lastAccepted) {
      lastAccepted.forEach(
          (kind, counter) -> text.append(kind).append(' ').append(counter).append('\n'));
    }
    DurableFiles.replace(file, text.toString());
  }

  /** HMAC-SHA256 of a fixed label under the secret: the pair's frame key. */
  static byte[] deriveKey(String secret) {
    return hmac(secret.getBytes(StandardCharsets.UTF_8), KEY_LABEL, 0, KEY_LABEL.length);
  }

  /**
   * Keeps counters above every one used before a restart, whatever the clock does; without one, the
   * clock alone orders counters across restarts.
   */
  void reserveIn(NumberReservation reservation) {
    this.reservation = reservation;
    lastCounter.accumulateAndGet(reservation.floor(), Math::max);
  }

  /**
   * How far ahead of the counters a reservation reaches: one minute of microseconds. The partner
   * remembers the last counter it accepted and drops anything lower as a replay, so counters must
   * stay above those used before a restart even if the clock went back (a slow hardware clock at
   * boot, an NTP step).
   */
  static final long RESERVATION_BLOCK = 60_000_000L;

  /** The next counter: the clock in microseconds, or one more than the last if the clock lags. */
  long nextCounter() {
    long micros = nowMicros();
    long counter = lastCounter.updateAndGet(last -> Math.max(last + 1, micros));
    NumberReservation r = reservation;
    if (r != null) {
      r.used(counter);
    }
    return counter;
  }

  long nowMicros() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  byte[] seal(FrameKind kind, byte[] body) {
    return seal(kind, body, nextCounter());
  }

  /** Seals with a given counter; tests use it to forge replays. */
  byte[] seal(FrameKind kind, byte[] body, long counter) {
    return seal(kind.code, body, counter);
  }

  /** Seals a frame of any kind code: tests stand in for a newer release's kinds with it. */
  byte[] seal(int kindCode, byte[] body, long counter) {
    ByteBuffer out = ByteBuffer.allocate(OVERHEAD + body.length);
    out.put((byte) 'P')
        .put((byte) 'F')
        .put((byte) VERSION)
        .put((byte) kindCode)
        .put((byte) serverId)
        .putLong(counter)
        .putInt(body.length)
        .put(body);
    byte[] frame = out.array();
    byte[] mac = hmac(key.getEncoded(), frame, 0, HEADER + body.length);
    System.arraycopy(mac, 0, frame, HEADER + body.length, MAC_LENGTH);
    return frame;
  }

  /** Frames refused so far: malformed, forged or replayed (an unknown kind is no failure). */
  long failures() {
    return malformed.get() + badHmac.get() + replay.get();
  }

  /** Authentic frames that carried this server's own id: a partner with the same server.id. */
  long ownIdFrames() {
    return ownId.get();
  }

  /**
   * Authenticates a received frame; empty if it is malformed, forged or replayed (counted). An
   * authentic frame of a kind this release does not know comes back with a null kind, counted
   * apart: not a failure, nothing to act on.
   */
  Optional<Frame> open(byte[] data, int offset, int length) {
    if (length < OVERHEAD || data[offset] != 'P' || data[offset + 1] != 'F') {
      malformed.increment();
      return Optional.empty();
    }
    ByteBuffer in = ByteBuffer.wrap(data, offset, length);
    in.position(offset + 2);
    int version = in.get() & 0xff;
    FrameKind kind = FrameKind.fromCode(in.get() & 0xff);
    int sender = in.get() & 0xff;
    long counter = in.getLong();
    int bodyLength = in.getInt();
    if (version != VERSION || bodyLength < 0 || bodyLength != length - OVERHEAD) {
      malformed.increment();
      return Optional.empty();
    }
    byte[] expected = hmac(key.getEncoded(), data, offset, HEADER + bodyLength);
    byte[] received =
        Arrays.copyOfRange(
            data, offset + HEADER + bodyLength, offset + HEADER + bodyLength + MAC_LENGTH);
    if (!MessageDigest.isEqual(Arrays.copyOf(expected, MAC_LENGTH), received)) {
      badHmac.increment();
      return Optional.empty();
    }
    if (sender == serverId) {
      ownId.increment();
      return Optional.empty();
    }
    if (kind == null) {
      unknownKind.increment();
      return Optional.of(new Frame(null, sender, counter, ByteBuffer.allocate(0)));
    }
    synchronized (lastAccepted) {
      Long last = lastAccepted.get(kind);
      if (last != null && counter <= last) {
        replay.increment();
        return Optional.empty();
      }
      lastAccepted.put(kind, counter);
    }
    return Optional.of(
        new Frame(kind, sender, counter, ByteBuffer.wrap(data, offset + HEADER, bodyLength)));
  }

  private static byte[] hmac(byte[] key, byte[] data, int offset, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(data, offset, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new AssertionError("every JVM has HmacSHA256", e);
    }
  }
}
