package org.provisioning.dns.zone;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.provisioning.common.bus.BusListener;
import org.provisioning.common.bus.BusParticipant;
import org.provisioning.common.bus.BusPublisher;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.ReplicatedState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The RRsets that RFC 2136 clients (nsupdate, an operator's tools) changed in the zones served
 * here, each kept whole as they left it ({@link RecordType#DNS_RRSET}, empty when deleted): zones
 * are built again at every start from the config and the leases, and these RRsets are laid over
 * them, so a client's change lasts, and reaches the failover partner like every other state (the
 * stream carries each record, a sync by snapshot the whole state). The names DDNS gives leases are
 * not kept here: they follow the leases.
 *
 * <p>Of two values for one RRset the later wins (then the higher origin), on both servers alike and
 * whichever way the value came; a change made here is always later than the value it replaces.
 *
 * <p>A deletion is kept as an empty value so that it wins over an older value the partner may still
 * hold, and, for an RRset the config defines, so that the zone built again from the config at the
 * next start loses it again. The first need ends once the partner has had every chance to hear of
 * the deletion: deletions of RRsets the config does not define are forgotten {@link
 * #DELETIONS_REMEMBERED} after they were made, on both servers by the same rule, so clients that
 * add and delete ever new names do not grow the state without bound.
 */
public final class ClientRRsets implements BusParticipant, BusListener, ReplicatedState {
  private static final Logger log = LoggerFactory.getLogger(ClientRRsets.class);
  private static final int FORMAT = 1;

  /**
   * How long the deletion of an RRset the config does not define is remembered: longer than any
   * partner outage a pair should ride out without being paired again. A partner away longer, still
   * holding a value older than the deletion, would bring that value back.
   */
  public static final Duration DELETIONS_REMEMBERED = Duration.ofDays(30);

  /** How often, at most, changes look for deletions to forget (a pass reads every value). */
  private static final long FORGET_EVERY_MILLIS = Duration.ofHours(1).toMillis();

  /** Which RRset: its zone, owner name and type. */
  public record Key(Name zone, Name name, int type) {}

  /** An RRset's value as a client left it, when and on which server. */
  public record Value(Key key, List<Record> records, long changedAtMillis, int origin) {
    public Value {
      records = List.copyOf(records);
    }

    boolean supersedes(Value other) {
      return changedAtMillis != other.changedAtMillis
          ? changedAtMillis > other.changedAtMillis
          : origin > other.origin;
    }

    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(FORMAT);
        out.writeLong(changedAtMillis);
        out.writeByte(origin);
        writeName(out, key.zone());
        writeName(out, key.name());
        out.writeShort(key.type());
        out.writeShort(records.size());
        for (Record record : records) {
          byte[] wire = record.toWire(Section.ANSWER);
          out.writeShort(wire.length);
          out.write(wire);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    static Value decode(byte[] payload) throws IOException {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IOException("DNS RRset record format " + format + " is unknown");
      }
      long changedAt = in.readLong();
      int origin = in.readUnsignedByte();
      Name zone = readName(in);
      Name name = readName(in);
      int type = in.readUnsignedShort();
      int count = in.readUnsignedShort();
      List<Record> records = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        byte[] wire = in.readNBytes(in.readUnsignedShort());
        records.add(Record.fromWire(wire, Section.ANSWER));
      }
      return new Value(new Key(zone, name, type), records, changedAt, origin);
    }

    private static void writeName(DataOutputStream out, Name name) throws IOException {
      byte[] wire = name.toWire();
      out.writeByte(wire.length);
      out.write(wire);
    }

    private static Name readName(DataInputStream in) throws IOException {
      return new Name(in.readNBytes(in.readUnsignedByte()));
    }
  }

  private final Clock clock;
  private final Map<Key, Value> held = new HashMap<>();
  private final List<Consumer<Value>> partnerChanges = new CopyOnWriteArrayList<>();
  private volatile BusPublisher bus;
  private volatile int ownOrigin = -1;

  /** The RRsets the config defines; until told, every deletion is kept. Guarded by this. */
  private Predicate<Key> configured = key -> true;

  private long forgottenAt;

  /** Empty; values take their time from {@code clock}. */
  public ClientRRsets(Clock clock) {
    this.clock = clock;
  }

  /** Connects the state to the bus it publishes on, once the bus has replayed. */
  public void attach(BusPublisher publisher, int origin) {
    this.bus = publisher;
    this.ownOrigin = origin;
  }

  /**
   * Told of each value the partner's stream or state brought that took effect here, to lay over the
   * zone it belongs to: on the bus's writer thread or the failover sync's, so keep it short.
   */
  public void onPartnerChange(Consumer<Value> listener) {
    partnerChanges.add(listener);
  }

  /**
   * Tells which RRsets the config defines (their deletions are kept for good) and forgets the
   * deletions of others made more than {@link #DELETIONS_REMEMBERED} ago; later changes forget them
   * hourly. Called with each config the zones are built from.
   */
  public synchronized void configuredBy(Predicate<Key> definedByConfig) {
    this.configured = definedByConfig;
    forgetOldDeletions(clock.millis());
  }

  /** Forgets the deletions that no longer need keeping. Caller holds the lock. */
  private void forgetOldDeletions(long now) {
    forgottenAt = now;
    long before = now - DELETIONS_REMEMBERED.toMillis();
    int held = this.held.size();
    this.held
        .values()
        .removeIf(
            value ->
                value.records().isEmpty()
                    && value.changedAtMillis() < before
                    && !configured.test(value.key()));
    int forgotten = held - this.held.size();
    if (forgotten > 0) {
      log.info(
          "DNS_RRSET_DELETIONS_FORGOTTEN count={} older_than={}", forgotten, DELETIONS_REMEMBERED);
    }
  }

  /** Forgets old deletions if an hour has passed since the last pass. Caller holds the lock. */
  private void forgetOldDeletionsHourly(long now) {
    if (now < forgottenAt || now - forgottenAt >= FORGET_EVERY_MILLIS) {
      forgetOldDeletions(now);
    }
  }

  /** The values for one zone, to lay over it when it is built. */
  public synchronized List<Value> of(Name zone) {
    List<Value> values = new ArrayList<>();
    for (Value value : held.values()) {
      if (value.key().zone().equals(zone)) {
        values.add(value);
      }
    }
    return values;
  }

  /**
   * Keeps what a client's update left of these RRsets (held now, durable when the future
   * completes). Changes of the SOA are not kept: the serial is this server's own.
   */
  public CompletableFuture<Void> record(Name zone, List<DnsZone.ChangedRRset> changes) {
    long now = clock.millis();
    BusPublisher publisher = bus;
    if (publisher == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("DNS updates are not attached to the bus yet"));
    }
    List<CompletableFuture<BusRecord>> published = new ArrayList<>();
    for (DnsZone.ChangedRRset change : changes) {
      if (change.type() == Type.SOA) {
        continue;
      }
      Value value;
      synchronized (this) {
        Key key = new Key(zone, change.name(), change.type());
        Value previous = held.get(key);
        long at =
            previous == null || now > previous.changedAtMillis()
                ? now
                : previous.changedAtMillis() + 1;
        value = new Value(key, change.records(), at, ownOrigin);
        held.put(key, value);
        forgetOldDeletionsHourly(now);
      }
      published.add(publisher.publish(RecordType.DNS_RRSET, value.encode()));
    }
    return CompletableFuture.allOf(published.toArray(CompletableFuture[]::new));
  }

  /** Takes the value if it supersedes the one held. */
  private synchronized boolean take(Value value) {
    Value previous = held.get(value.key());
    if (previous != null && !value.supersedes(previous)) {
      return false;
    }
    held.put(value.key(), value);
    forgetOldDeletionsHourly(clock.millis());
    return true;
  }

  private void tellPartnerChange(Value value) {
    for (Consumer<Value> listener : partnerChanges) {
      try {
        listener.accept(value);
      } catch (RuntimeException e) {
        log.error("DNS_RRSET_APPLY_FAILED rrset={}", value.key(), e);
      }
    }
  }

  @Override
  public String name() {
    return "dns-client-rrsets";
  }

  @Override
  public Set<RecordType> types() {
    return Set.of(RecordType.DNS_RRSET);
  }

  /** A record replayed at start: held, laid over its zone when the zones are built. */
  @Override
  public void apply(BusRecord record) {
    try {
      take(Value.decode(record.payload()));
    } catch (IOException | RuntimeException e) {
      log.warn(
          "DNS_RRSET_RECORD_UNREADABLE origin={} seq={}: {}",
          record.origin(),
          record.sequence(),
          e.toString());
    }
  }

  /** The partner's records, once journaled here; ours were held before they were published. */
  @Override
  public void onDurable(BusRecord record) {
    if (!RecordType.DNS_RRSET.equals(record.type()) || record.origin() == ownOrigin) {
      return;
    }
    try {
      Value value = Value.decode(record.payload());
      if (take(value)) {
        tellPartnerChange(value);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("DNS_RRSET_RECORD_UNREADABLE origin={}: {}", record.origin(), e.toString());
    }
  }

  @Override
  public synchronized List<Entry> entries() {
    List<Entry> all = new ArrayList<>(held.size());
    for (Value value : held.values()) {
      all.add(new Entry(RecordType.DNS_RRSET, value.encode()));
    }
    return all;
  }

  /** The partner's value of an RRset, taken by the stream's rule: the later value wins. */
  @Override
  public boolean merge(Entry entry) {
    if (!RecordType.DNS_RRSET.equals(entry.type())) {
      return false;
    }
    try {
      Value value = Value.decode(entry.payload());
      if (take(value)) {
        tellPartnerChange(value);
        return true;
      }
    } catch (IOException | RuntimeException e) {
      log.warn("DNS_RRSET_RECORD_UNREADABLE from the partner's state: {}", e.toString());
    }
    return false;
  }

  @Override
  public synchronized byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(held.size());
      for (Value value : held.values()) {
        byte[] encoded = value.encode();
        out.writeInt(encoded.length);
        out.write(encoded);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public synchronized void restore(byte[] snapshot) {
    held.clear();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        take(Value.decode(in.readNBytes(in.readInt())));
      }
    } catch (IOException | RuntimeException e) {
      log.warn("DNS_RRSETS_SNAPSHOT_UNREADABLE: {}", e.toString());
    }
  }
}
