package org.provisioning.dns.zone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.provisioning.common.config.DnsZoneConfig;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * One served zone: dnsjava's {@link Zone} holds the data (lookups, AXFR order), this adds the
 * policy (update and transfer keys, secondaries to notify), the serial and the history of changes.
 *
 * <p>Reads go straight to the dnsjava zone, which synchronises them; one made while a change was
 * under way ({@link #changing}) is made again holding this object's lock. Changes hold that lock
 * across check-and-change (RFC 2136 section 3.7: an update is atomic): {@link #add}, {@link
 * #remove} and {@link #removeRRset} change the data, {@link #commit} then advances the serial once,
 * keeps the difference for IXFR (RFC 1995), bumps {@link #version} (which invalidates cached
 * answers) and tells the change listener (NOTIFY, RFC 1996).
 *
 * <p>Serials follow BIND's "unixtime" method: a change sets the serial to the current Unix time, or
 * to the old serial + 1 when that is higher (RFC 1982 arithmetic). Zone data is rebuilt from the
 * config and the leases at every start, so a serial that merely counted changes would start again
 * from the configured value and fall behind what the secondaries hold, and they would never
 * transfer again; nor is the clock enough, as a serial runs ahead of it with more than one change a
 * second: {@link SerialFloors} keeps each zone's serial above its last across restarts.
 */
public final class DnsZone {
  /** Deltas kept for IXFR, and the records they may hold in all. */
  static final int HISTORY_DELTAS = 4096;

  static final int HISTORY_RECORDS = 200_000;

  private final Zone zone;
  private final Clock clock;
  private final DnsZoneHistory history;

  /** The RRsets the config defines (SOA, NS, the static records), as the zone was built. */
  private final Set<RRsetKey> configured;

  private volatile Policy policy;
  private volatile long version;

  /**
   * True from a change's first record to its commit or roll-back: an answer read meanwhile may hold
   * part of it (a record deleted, its replacement not yet added), and is read again under the lock
   * ({@link #changing()}, RFC 2136 section 3.7).
   */
  private volatile boolean changing;

  /**
   * Replaced by a rebuild (a config change to its data): set under this zone's lock, so an update
   * holding it ends before, and one after it sees this and goes to the new zone.
   */
  private volatile boolean retired;

  private volatile Consumer<DnsZone> listener = zone -> {};

  /** The RRsets touched since the last commit, as they were before: guarded by this. */
  private final Map<RRsetKey, List<Record>> before = new LinkedHashMap<>();

  private record RRsetKey(Name name, int type) {}

  /**
   * For every name strictly between the origin and a name that has records, how many such names lie
   * below it. One with no records of its own is an empty non-terminal (say the {@code
   * 3.16.127.in-addr.arpa} above the PTRs of a /24), which exists (RFC 8020: NODATA, not NXDOMAIN);
   * dnsjava's zone answers it NXDOMAIN, and a resolver minimising its queries (RFC 9156) took that
   * to mean nothing below it exists either. Read by queries while an update changes it.
   */
  private final Map<Name, Integer> namesBelow = new ConcurrentHashMap<>();

  /**
   * The types of the RRsets each name owns: whether a name exists, read exactly. The dnsjava zone
   * answers a name a wildcard covers as if it had records, and a name at or below a zone cut as the
   * delegation, which counted such names as existing here and hid the closest encloser a wildcard
   * answer is synthesised from (RFC 4592). Changed under the lock, read by queries meanwhile.
   */
  private final Map<Name, Set<Integer>> typesAt = new ConcurrentHashMap<>();

  /** What the config says about who may do what; replaced whole when only that changes. */
  private record Policy(DnsZoneConfig config, Set<Name> updateKeys, Set<Name> transferKeys) {
    static Policy of(DnsZoneConfig config) throws TextParseException {
      return new Policy(config, names(config.updateKeys()), names(config.transferKeys()));
    }
  }

  private DnsZone(
      List<Record> records, Name origin, DnsZoneConfig config, Clock clock, DnsZoneHistory history)
      throws IOException {
    this.zone = new Zone(origin, records.toArray(new Record[0]));
    this.clock = clock;
    this.history = history;
    this.policy = Policy.of(config);
    Set<RRsetKey> keys = new HashSet<>();
    records.forEach(r -> keys.add(new RRsetKey(r.getName(), r.getRRsetType())));
    this.configured = Set.copyOf(keys);
    keys.forEach(key -> counted(key.name(), key.type(), true));
  }

  /**
   * Whether names with records lie below {@code name}: when it has none itself, an empty
   * non-terminal, to be answered NODATA.
   */
  public boolean hasNamesBelow(Name name) {
    return namesBelow.containsKey(name);
  }

  /** Whether the name owns records itself; a name a wildcard covers does not. */
  public boolean ownsRecords(Name name) {
    return typesAt.containsKey(name);
  }

  /** Whether the name exists (RFC 4592 section 2.2.2): it owns records, or names below it do. */
  public boolean exists(Name name) {
    return ownsRecords(name) || hasNamesBelow(name);
  }

  /** The types of the RRsets the name owns itself (none for a name only a wildcard covers). */
  public Set<Integer> typesAt(Name name) {
    Set<Integer> types = typesAt.get(name);
    return types == null ? Set.of() : Set.copyOf(types);
  }

  private boolean hasRRset(Name name, int type) {
    return zone.findExactMatch(name, type) != null;
  }

  /** After a change to the RRset of {@code name} and {@code type}: counts it in or out. */
  private void recount(Name name, int type, boolean hadRRset) {
    boolean has = hasRRset(name, type);
    if (has != hadRRset) {
      counted(name, type, has);
    }
  }

  /**
   * An RRset came to the name or went from it; the name's ancestors count it in with its first and
   * out with its last.
   */
  private void counted(Name name, int type, boolean came) {
    Set<Integer> types = typesAt.get(name);
    if (came) {
      if (types == null) {
        types = ConcurrentHashMap.newKeySet();
        types.add(type);
        typesAt.put(name, types);
        countAbove(name, 1);
      } else {
        types.add(type);
      }
    } else if (types != null && types.remove(type) && types.isEmpty()) {
      typesAt.remove(name);
      countAbove(name, -1);
    }
  }

  private void countAbove(Name name, int delta) {
    int originLabels = zone.getOrigin().labels();
    for (int strip = 1; name.labels() - strip > originLabels; strip++) {
      namesBelow.merge(
          new Name(name, strip), delta, (count, d) -> count + d <= 0 ? null : count + d);
    }
  }

  /**
   * Whether the config defines this RRset (the zone's SOA, NS or a static record): every start
   * builds it again, so a client's deletion of it must be kept for good.
   */
  public boolean definedByConfig(Name name, int type) {
    return configured.contains(new RRsetKey(name, type));
  }

  /**
   * The zone from its config: SOA, NS and the static records, its serial the configured one or the
   * current Unix time, whichever is higher.
   *
   * @throws IOException if a name or record does not parse (the config rule reports these first)
   */
  public static DnsZone fromConfig(DnsZoneConfig config, Clock clock) throws IOException {
    return fromConfig(config, clock, null);
  }

  /**
   * The zone from its config, replacing {@code previous} (null if none): the serial moves on from
   * the previous one, and the history keeps the previous changes plus one delta from the previous
   * data to the new, so a secondary can still follow by IXFR.
   */
  public static DnsZone fromConfig(DnsZoneConfig config, Clock clock, DnsZone previous)
      throws IOException {
    return fromConfig(config, clock, previous, SerialFloors.inMemory());
  }

  /**
   * As {@link #fromConfig(DnsZoneConfig, Clock, DnsZone)}; a zone that replaces none (at start, or
   * added by a config change) also starts at least at the serial {@code floors} keeps above every
   * one it had before.
   */
  public static DnsZone fromConfig(
      DnsZoneConfig config, Clock clock, DnsZone previous, SerialFloors floors) throws IOException {
    Name origin = absolute(config.name(), Name.root);
    DnsZoneConfig.DnsSoaConfig soa = config.soa();
    long ttl = soa.ttl();
    long now = unixSeconds(clock);
    long serial = soa.serial();
    if (serialGreater(now, serial)) {
      serial = now;
    }
    OptionalLong floor = previous == null ? floors.above(origin) : OptionalLong.empty();
    if (floor.isPresent() && serialGreater(floor.getAsLong(), serial)) {
      serial = floor.getAsLong();
    }
    List<RRset> previousData = null;
    if (previous != null) {
      synchronized (previous) {
        previousData = previous.transfer();
        long next = nextSerial(previous.soa().getSerial(), now);
        if (serialGreater(next, serial)) {
          serial = next;
        }
      }
    }
    List<Record> records = new ArrayList<>();
    Name primary =
        soa.primary() != null
            ? hostName(soa.primary(), origin)
            : hostName(config.nameServers().get(0), origin);
    Name contact =
        soa.contact() != null
            ? hostName(soa.contact(), origin)
            : Name.fromString("hostmaster", origin);
    records.add(
        new SOARecord(
            origin,
            DClass.IN,
            ttl,
            primary,
            contact,
            serial,
            soa.refresh(),
            soa.retry(),
            soa.expire(),
            soa.minimum()));
    for (String ns : config.nameServers()) {
      records.add(new NSRecord(origin, DClass.IN, ttl, hostName(ns, origin)));
    }
    records.addAll(staticRecords(config, origin, ttl));
    DnsZoneHistory history = new DnsZoneHistory(HISTORY_DELTAS, HISTORY_RECORDS);
    DnsZone built = new DnsZone(records, origin, config, clock, history);
    if (previous != null && previous.origin().equals(origin)) {
      synchronized (previous) {
        history.appendAll(previous.history);
      }
      List<Record> was = withoutSoa(previousData);
      List<Record> is = withoutSoa(built.transfer());
      history.append(
          new DnsZoneHistory.Delta(
              (SOARecord) previousData.get(0).first(),
              built.soa(),
              missingFrom(is, was),
              missingFrom(was, is)));
    }
    return built;
  }

  /** Parses the zone's static records in zone-file syntax, relative to the zone. */
  public static List<Record> staticRecords(DnsZoneConfig config, Name origin, long ttl)
      throws IOException {
    List<Record> records = new ArrayList<>();
    for (String line : config.records()) {
      records.add(parseRecord(line, origin, ttl));
    }
    return records;
  }

  /** One record in zone-file syntax ({@code www 300 IN A 127.0.0.5}); no $INCLUDE. */
  public static Record parseRecord(String line, Name origin, long ttl) throws IOException {
    try (Master master =
        new Master(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), origin, ttl)) {
      master.disableIncludes();
      Record record = master.nextRecord();
      if (record == null) {
        throw new IOException("holds no record");
      }
      if (master.nextRecord() != null) {
        throw new IOException("holds more than one record; give one per entry");
      }
      if (!record.getName().subdomain(origin)) {
        throw new IOException(record.getName() + " is outside the zone " + origin);
      }
      if (record.getType() == Type.SOA) {
        throw new IOException("an SOA comes from the zone's soa settings, not from records");
      }
      return record;
    }
  }

  /**
   * Whether two configs of a zone give it the same data (name, SOA, NS, static records), so that a
   * change between them touches only the policy and the zone can keep its data and dynamic names.
   */
  public static boolean sameData(DnsZoneConfig a, DnsZoneConfig b) {
    return Objects.equals(a.name(), b.name())
        && Objects.equals(a.soa(), b.soa())
        && a.nameServers().equals(b.nameServers())
        && a.records().equals(b.records());
  }

  /**
   * A host name the config gives outside zone-file syntax (name servers, SOA MNAME and RNAME): with
   * a dot it is a full name, trailing dot or not, as operators write it ({@code
   * ns1.cable.example.net}); a single label is relative to the zone ({@code ns1}).
   */
  static Name hostName(String name, Name origin) throws TextParseException {
    if (!name.endsWith(".") && name.indexOf('.') > 0) {
      return Name.fromString(name + ".");
    }
    return Name.fromString(name, origin);
  }

  static Name absolute(String name, Name origin) throws TextParseException {
    return Name.fromString(name, origin);
  }

  private static Set<Name> names(List<String> keys) throws TextParseException {
    Set<Name> names = new HashSet<>();
    for (String key : keys) {
      names.add(Name.fromString(key, Name.root));
    }
    return Set.copyOf(names);
  }

  public Name origin() {
    return zone.getOrigin();
  }

  /** The data, for reading; changes go through {@link #add}, {@link #remove}, {@link #commit}. */
  public Zone data() {
    return zone;
  }

  public DnsZoneConfig config() {
    return policy.config();
  }

  /** Takes a config whose data is the same ({@link #sameData}): new keys or secondaries only. */
  public void reconfigure(DnsZoneConfig config) throws TextParseException {
    if (!sameData(policy.config(), config)) {
      throw new IllegalArgumentException("the zone's data changed; build it again");
    }
    this.policy = Policy.of(config);
  }

  public SOARecord soa() {
    return zone.getSOA();
  }

  /**
   * Advances with every committed change; an answer computed at one version is stale at another.
   */
  public long version() {
    return version;
  }

  /** Called after every committed change, on the changing thread, with the zone's lock held. */
  public void onChange(Consumer<DnsZone> listener) {
    this.listener = Objects.requireNonNull(listener);
  }

  public boolean mayUpdate(Name key) {
    return key != null && policy.updateKeys().contains(key);
  }

  public boolean mayTransfer(Name key) {
    return key != null && policy.transferKeys().contains(key);
  }

  /** Adds a record (RRset semantics: an equal one is not added twice). Caller holds the lock. */
  public void add(Record record) {
    touch(record.getName(), record.getRRsetType());
    boolean had = hasRRset(record.getName(), record.getRRsetType());
    zone.addRecord(record);
    recount(record.getName(), record.getRRsetType(), had);
  }

  /** Removes a record equal to this one (TTL aside). Caller holds the lock. */
  public void remove(Record record) {
    touch(record.getName(), record.getRRsetType());
    boolean had = hasRRset(record.getName(), record.getRRsetType());
    zone.removeRecord(record);
    recount(record.getName(), record.getRRsetType(), had);
  }

  /** Removes a whole RRset. Caller holds the lock. */
  public void removeRRset(Name name, int type) {
    touch(name, type);
    boolean had = hasRRset(name, type);
    zone.removeRRset(name, type);
    recount(name, type, had);
  }

  private void touch(Name name, int type) {
    if (!Thread.holdsLock(this)) {
      throw new IllegalStateException("changes to " + origin() + " must hold its lock");
    }
    changing = true;
    before.computeIfAbsent(new RRsetKey(name, type), k -> records(zone.findExactMatch(name, type)));
  }

  /**
   * Whether a change is being made: an answer read without the lock while this is true, or while
   * {@link #version} moved, may hold half of a change, and is to be read again holding the lock.
   */
  public boolean changing() {
    return changing;
  }

  /**
   * Undoes every change since the last commit: an update that failed halfway leaves the zone as it
   * was (RFC 2136 section 3.7). Caller holds the lock.
   */
  public void rollBack() {
    if (!Thread.holdsLock(this)) {
      throw new IllegalStateException("changes to " + origin() + " must hold its lock");
    }
    if (!before.isEmpty()) {
      version++; // an answer cached from the half-made change is stale
    }
    for (Map.Entry<RRsetKey, List<Record>> touched : before.entrySet()) {
      RRsetKey key = touched.getKey();
      List<Record> was = touched.getValue();
      boolean had = hasRRset(key.name(), key.type());
      if (was.isEmpty()) {
        if (zone.findExactMatch(key.name(), key.type()) != null) {
          zone.removeRRset(key.name(), key.type());
        }
      } else {
        RRset restored = new RRset();
        was.forEach(restored::addRR);
        zone.addRRset(restored); // replaces the RRset of that name and type
      }
      recount(key.name(), key.type(), had);
    }
    before.clear();
    changing = false;
  }

  /** An RRset a commit changed, as it is now: {@code records} empty when it is gone. */
  public record ChangedRRset(Name name, int type, List<Record> records) {}

  /**
   * Ends a change: if the data differs from before the first {@link #add}/{@link #remove} since the
   * last commit, the serial advances once (RFC 2136 section 3.6), the difference joins the history
   * and the listener hears of it. Caller holds the lock.
   *
   * @return whether anything changed
   */
  public boolean commit() {
    return commitAndList() != null;
  }

  /** {@link #commit()}, telling which RRsets (the SOA aside) changed and how they are now. */
  public List<ChangedRRset> commitChanges() {
    List<ChangedRRset> changed = commitAndList();
    return changed == null ? List.of() : changed;
  }

  /** The changed RRsets but the SOA, or null if nothing changed. */
  private List<ChangedRRset> commitAndList() {
    if (!Thread.holdsLock(this)) {
      throw new IllegalStateException("changes to " + origin() + " must hold its lock");
    }
    List<Record> deleted = new ArrayList<>();
    List<Record> added = new ArrayList<>();
    List<ChangedRRset> changed = new ArrayList<>();
    for (Map.Entry<RRsetKey, List<Record>> touched : before.entrySet()) {
      List<Record> was = touched.getValue();
      RRsetKey key = touched.getKey();
      List<Record> is = records(zone.findExactMatch(key.name(), key.type()));
      List<Record> gone = missingFrom(is, was);
      List<Record> come = missingFrom(was, is);
      deleted.addAll(gone);
      added.addAll(come);
      if ((!gone.isEmpty() || !come.isEmpty()) && key.type() != Type.SOA) {
        changed.add(new ChangedRRset(key.name(), key.type(), is));
      }
    }
    boolean touched = !before.isEmpty();
    before.clear();
    if (deleted.isEmpty() && added.isEmpty()) {
      if (touched) {
        // Nothing changed in the end (a record deleted and added again), but an answer read
        // in between, and cached, lacked it: stale now. Before the flag: see changing().
        version++;
      }
      changing = false;
      return null;
    }
    SOARecord from = zone.getSOA();
    SOARecord to = withSerial(from, nextSerial(from.getSerial(), unixSeconds(clock)));
    zone.addRecord(to);
    history.append(new DnsZoneHistory.Delta(from, to, deleted, added));
    version++;
    changing = false;
    listener.accept(this);
    return changed;
  }

  /**
   * The deltas from {@code serial} to the current serial, oldest first; empty when the history does
   * not reach back to it. Caller holds the lock (so the SOA and the deltas agree).
   */
  public Optional<List<DnsZoneHistory.Delta>> changesSince(long serial) {
    if (serial == soa().getSerial()) {
      return Optional.of(List.of());
    }
    return history.since(serial);
  }

  /** The RRsets in AXFR order: SOA first (not repeated at the end; the caller adds it). */
  public synchronized List<RRset> transfer() {
    List<RRset> sets = new ArrayList<>();
    for (Iterator<RRset> it = zone.AXFR(); it.hasNext(); ) {
      sets.add(it.next());
    }
    // dnsjava's AXFR iterator ends with the SOA again
    if (sets.size() > 1 && sets.get(sets.size() - 1).getType() == Type.SOA) {
      sets.remove(sets.size() - 1);
    }
    return sets;
  }

  /** Every record in presentation format, for the console. */
  public synchronized List<String> presentation() {
    List<String> lines = new ArrayList<>();
    for (RRset set : transfer()) {
      set.rrs(false).forEach(r -> lines.add(r.toString()));
    }
    return lines;
  }

  /** The number of records, SOA included. */
  public synchronized int size() {
    int size = 0;
    for (RRset set : transfer()) {
      size += set.size();
    }
    return size;
  }

  /**
   * Whether a record of this type may share its name with a CNAME: only DNSSEC's RRSIG and NSEC
   * (RFC 4035 section 2.5); anything else beside a CNAME breaks RFC 1034 section 3.6.2 and RFC 2181
   * section 10.1.
   */
  public static boolean mayJoinCname(int type) {
    return type == Type.RRSIG || type == Type.NSEC;
  }

  /** RFC 1982 section 3.2: whether serial {@code a} is greater than {@code b}. */
  public static boolean serialGreater(long a, long b) {
    a &= 0xFFFFFFFFL;
    b &= 0xFFFFFFFFL;
    return (a < b && b - a > 0x80000000L) || (a > b && a - b < 0x80000000L);
  }

  /** The serial after {@code current}: now, or current + 1 if that is greater. */
  static long nextSerial(long current, long now) {
    long plusOne = (current + 1) & 0xFFFFFFFFL;
    return serialGreater(now, plusOne) ? now & 0xFFFFFFFFL : plusOne;
  }

  private static long unixSeconds(Clock clock) {
    return (clock.millis() / 1000) & 0xFFFFFFFFL;
  }

  private static SOARecord withSerial(SOARecord soa, long serial) {
    return new SOARecord(
        soa.getName(),
        soa.getDClass(),
        soa.getTTL(),
        soa.getHost(),
        soa.getAdmin(),
        serial,
        soa.getRefresh(),
        soa.getRetry(),
        soa.getExpire(),
        soa.getMinimum());
  }

  private static List<Record> records(RRset set) {
    return set == null ? List.of() : new ArrayList<>(set.rrs(false));
  }

  private static List<Record> withoutSoa(List<RRset> sets) {
    List<Record> records = new ArrayList<>();
    for (RRset set : sets) {
      if (set.getType() != Type.SOA) {
        records.addAll(set.rrs(false));
      }
    }
    return records;
  }

  /** The records of {@code from} that {@code in} lacks, a different TTL counting as lacking. */
  private static List<Record> missingFrom(List<Record> in, List<Record> from) {
    Set<Exact> have = new HashSet<>();
    in.forEach(r -> have.add(new Exact(r)));
    List<Record> missing = new ArrayList<>();
    for (Record r : from) {
      if (!have.contains(new Exact(r))) {
        missing.add(r);
      }
    }
    return missing;
  }

  /** A record compared with its TTL (dnsjava's equality ignores the TTL). */
  private record Exact(Record record) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Exact other
          && record.equals(other.record)
          && record.getTTL() == other.record.getTTL();
    }

    @Override
    public int hashCode() {
      return record.hashCode() * 31 + Long.hashCode(record.getTTL());
    }
  }

  @Override
  public String toString() {
    return "DnsZone["
        + origin()
        + " keys="
        + policy.updateKeys().stream().map(Name::toString).collect(Collectors.joining(","))
        + "]";
  }

  /** Marks this zone replaced; call holding its lock ({@code synchronized (zone)}). */
  public void retire() {
    retired = true;
  }

  /** Whether a rebuild replaced this zone: updates go to the zone that replaced it. */
  public boolean retired() {
    return retired;
  }
}
