package org.provisioning.dns.engine;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.provisioning.common.stats.Counter;
import org.provisioning.dns.zone.DnsZone;
import org.provisioning.dns.zone.DnsZones;

/**
 * Answers kept as wire bytes per question, so a repeated query costs a map hit and a copy instead
 * of a dnsjava parse, a zone lookup and a render. An answer is kept with the zone set and the zone
 * version it was computed from, and is used only while both are current: any change of the zone
 * (update, DDNS, rebuild) or of the config makes it stale, nothing is ever served from old data.
 *
 * <p>Only plain queries are answered from here ({@link Question#parse}): opcode QUERY, one
 * question, no answer or authority records, at most an OPT in the additional section (version 0,
 * options that dnsjava takes as they are). The answer does not depend on anything else in such a
 * query but its ID, its RD flag and the letter case of its name, which are patched into the copy.
 * Everything else (TSIG, updates, transfers, NOTIFY, EDNS versions, malformed input) goes the full
 * way, as does an answer too large for the client's UDP size (it must be truncated).
 */
final class DnsAnswerCache {
  /** Beyond this many answers the cache starts again: a flood of random names cannot grow it. */
  static final int MAX_ENTRIES = 65_536;

  private final ConcurrentHashMap<Question, Entry> entries = new ConcurrentHashMap<>();

  /** A kept answer: ID and RD zero; the counters it bumps when served. */
  private record Entry(
      byte[] wire,
      DnsZones zones,
      DnsZone zone,
      long version,
      int payloadLimit,
      Counter typeCounter,
      Counter rcodeCounter) {}

  /**
   * The kept answer to this query, ready to send, or null if there is none, it is stale, or it does
   * not fit the client's UDP size.
   */
  byte[] answer(byte[] query, Question question, DnsZones zones, int payloadLimit, int maxUdp) {
    Entry entry = entries.get(question);
    if (entry == null
        || entry.zones != zones
        || entry.zone.version() != entry.version
        || entry.payloadLimit != payloadLimit
        || entry.wire.length > maxUdp) {
      return null;
    }
    byte[] answer = Arrays.copyOf(entry.wire, entry.wire.length);
    answer[0] = query[0];
    answer[1] = query[1];
    answer[2] |= (byte) (query[2] & 0x01); // RD
    // The question as asked (its case: RFC 4343, and resolvers that randomise it), same length.
    System.arraycopy(
        query, Question.NAME_OFFSET, answer, Question.NAME_OFFSET, question.nameLength());
    entry.typeCounter.increment();
    entry.rcodeCounter.increment();
    return answer;
  }

  /** Keeps an answer computed from {@code zone} at {@code version}, rendered whole (TCP size). */
  void keep(
      Question question,
      byte[] answer,
      DnsZones zones,
      DnsZone zone,
      long version,
      int payloadLimit,
      Counter typeCounter,
      Counter rcodeCounter) {
    byte[] wire = Arrays.copyOf(answer, answer.length);
    wire[0] = 0;
    wire[1] = 0;
    wire[2] &= (byte) ~0x01;
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(
        question, new Entry(wire, zones, zone, version, payloadLimit, typeCounter, rcodeCounter));
  }

  int size() {
    return entries.size();
  }

  /**
   * The question of a plain query, as a cache key: the name in lower case, type, class, whether the
   * query had EDNS0 (which decides whether the answer has an OPT) and its DO bit (which the
   * answer's OPT echoes, RFC 3225 section 3).
   */
  static final class Question {
    static final int NAME_OFFSET = 12;
    private static final int TYPE_OPT = 41;
    private static final int OPTION_CLIENT_SUBNET = 8;
    private static final int OPTION_COOKIE = 10;
    private static final int OPTION_TCP_KEEPALIVE = 11;
    private static final int OPTION_EXTENDED_ERROR = 15;

    private final byte[] name;
    private final int type;
    private final int dclass;
    private final int ednsPayload; // -1 without EDNS0
    private final boolean dnssecOk;
    private final int hash;

    private Question(byte[] name, int type, int dclass, int ednsPayload, boolean dnssecOk) {
      this.name = name;
      this.type = type;
      this.dclass = dclass;
      this.ednsPayload = ednsPayload;
      this.dnssecOk = dnssecOk;
      this.hash =
          (Arrays.hashCode(name) * 31 + type) * 31
              + dclass
              + (ednsPayload < 0 ? 0 : 17)
              + (dnssecOk ? 34 : 0);
    }

    int type() {
      return type;
    }

    int nameLength() {
      return name.length;
    }

    /** The client's EDNS0 UDP payload size, or -1 if the query had no OPT. */
    int ednsPayload() {
      return ednsPayload;
    }

    /**
     * The question of a query the cache may answer, or null for any other message (which then goes
     * the full way and gets whatever answer or error it deserves).
     */
    static Question parse(byte[] wire) {
      int length = wire.length;
      if (length < NAME_OFFSET + 5
          || (wire[2] & 0xF8) != 0 // QR = 0, opcode QUERY (AA, TC are ignored, RD is patched)
          || u16(wire, 4) != 1 // one question
          || u16(wire, 6) != 0
          || u16(wire, 8) != 0) {
        return null;
      }
      int additional = u16(wire, 10);
      if (additional > 1) {
        return null;
      }
      int at = NAME_OFFSET;
      while (true) {
        int label = wire[at] & 0xFF;
        if (label == 0) {
          at++;
          break;
        }
        if (label > 63 || at + 1 + label >= length) {
          return null; // a compression pointer (cannot point back from here), or no end
        }
        at += 1 + label;
        if (at - NAME_OFFSET > 254) {
          return null;
        }
      }
      if (at + 4 > length) {
        return null;
      }
      byte[] name = Arrays.copyOfRange(wire, NAME_OFFSET, at);
      for (int i = 0; i < name.length; i++) {
        byte b = name[i];
        if (b >= 'A' && b <= 'Z') {
          name[i] = (byte) (b + 32); // label lengths are <= 63, never in 'A'..'Z'
        }
      }
      int type = u16(wire, at);
      int dclass = u16(wire, at + 2);
      at += 4;
      int payload = -1;
      boolean dnssecOk = false;
      if (additional == 1) {
        // The OPT: root name, type 41, class = payload size, TTL = rcode/version/flags, options.
        if (at + 11 > length || wire[at] != 0 || u16(wire, at + 1) != TYPE_OPT) {
          return null;
        }
        payload = u16(wire, at + 3);
        if (wire[at + 6] != 0) {
          return null; // EDNS version other than 0: BADVERS, the full way
        }
        dnssecOk = (wire[at + 7] & 0x80) != 0;
        int rdlength = u16(wire, at + 9);
        at += 11;
        if (at + rdlength != length || !plainOptions(wire, at, length)) {
          return null;
        }
      } else if (at != length) {
        return null;
      }
      return new Question(name, type, dclass, payload, dnssecOk);
    }

    /** Options dnsjava reads without judging them, or a cookie of a valid length (RFC 7873). */
    private static boolean plainOptions(byte[] wire, int at, int end) {
      while (at < end) {
        if (at + 4 > end) {
          return false;
        }
        int code = u16(wire, at);
        int size = u16(wire, at + 2);
        at += 4;
        if (at + size > end) {
          return false;
        }
        switch (code) {
          case OPTION_COOKIE -> {
            if (size != 8 && (size < 16 || size > 40)) {
              return false;
            }
          }
          case OPTION_CLIENT_SUBNET, OPTION_TCP_KEEPALIVE, OPTION_EXTENDED_ERROR -> {
            return false;
          }
          default -> {}
        }
        at += size;
      }
      return true;
    }

    private static int u16(byte[] wire, int at) {
      return ((wire[at] & 0xFF) << 8) | (wire[at + 1] & 0xFF);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Question q
          && q.hash == hash
          && q.type == type
          && q.dclass == dclass
          && (q.ednsPayload < 0) == (ednsPayload < 0)
          && q.dnssecOk == dnssecOk
          && Arrays.equals(q.name, name);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
