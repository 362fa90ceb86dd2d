package org.provisioning.dns.ddns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusListener;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.config.DnsZoneConfig;
import org.provisioning.common.config.TsigKeyConfig;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.service.DaemonThreads;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.engine.DnsStatistics;
import org.provisioning.dns.engine.DnsUpdateHandler;
import org.provisioning.dns.zone.DnsZone;
import org.provisioning.dns.zone.DnsZones;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Keeps the names of leases in DNS. A {@link BusListener} on durable LEASE records (each carries
 * the whole lease), so DHCP needs to know nothing of DNS: a BOUND lease gets its A, PTR and DHCID
 * records, a RELEASED, EXPIRED or DECLINED one loses them, a renewal under a new name moves them.
 *
 * <p>RFC 4703 section 5.3: the forward name is added only if nobody uses it, or if its DHCID is
 * this client's; a name owned by another client is left alone and counted as a conflict, and then
 * no PTR is written either. Removal (section 5.5) happens only while the DHCID is still ours.
 *
 * <p>Work runs on a thread of its own, never the bus writer's, so DNS never delays DHCP. A zone
 * served here is changed in place (both servers of a failover pair see every lease record, so both
 * keep the same names); a zone with an external primary gets RFC 2136 updates signed with its key,
 * sent only while {@code serving} says this server serves, from a second thread, so that a primary
 * that does not answer delays no other zone. A lease's change that such a primary did not answer
 * (or failed, or answered without a valid signature) is made again whole with doubling backoff,
 * unless a newer change of its address came meanwhile, and alerted as {@code
 * DNS_DDNS_UPDATE_FAILED} when it keeps failing.
 *
 * <p>The published names live in the zones, not in the journal: at start {@link #rebuild} derives
 * them again from the bound leases, which keeps them consistent with the leases by construction.
 */
public final class DdnsUpdater implements BusListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DdnsUpdater.class);
  private static final int MAX_ATTEMPTS = 8;
  private static final Duration EXTERNAL_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The rcodes of an external primary that mean the update was not made and no prerequisite of it
   * answered: the primary's failure, or its refusal of us (the key, the zone, the update itself).
   * They keep the alert up; taken as answers, a primary that refused every update cleared it.
   */
  private static final Set<Integer> FAILURES =
      Set.of(Rcode.SERVFAIL, Rcode.NOTAUTH, Rcode.REFUSED, Rcode.NOTIMP, Rcode.FORMERR);

  private final Supplier<DnsConfig> config;
  private final Supplier<DnsZones> zones;
  private final DnsUpdateHandler handler;
  private final BooleanSupplier serving;
  private final AlertCenter alerts;
  private final ScheduledExecutorService worker;

  /**
   * Runs the lease changes that reach a zone with an external primary, and their retries: a primary
   * that does not answer costs {@link #EXTERNAL_TIMEOUT} a try, and on {@link #worker} it held back
   * every other lease, the zones served here and the start-up hold on their negative answers.
   */
  private final ScheduledExecutorService external;

  private final AtomicInteger queued = new AtomicInteger();
  private final Map<Integer, Published> published = new ConcurrentHashMap<>();

  /**
   * The latest change of each address not yet made, with one task queued for it: the names follow
   * the lease's last state, the states between skipped. A task queued for every change let a client
   * renaming itself at each renewal (option 12) grow the queue without bound, faster than the
   * updates could be made, until the heap ran out.
   */
  private final Map<Integer, LeaseRecord> latestDue = new ConcurrentHashMap<>();

  /** The thread of {@link #external}, the only one that sends to external primaries. */
  private volatile Thread externalThread;

  /** Per address, the lease change {@link #external} has to make: a newer one ends an older's. */
  private final Map<Integer, LeaseRecord> externalDue = new ConcurrentHashMap<>();

  private final Counter added;
  private final Counter removed;
  private final Counter conflicts;
  private final Counter failed;
  private final Counter retried;
  private volatile long firstRetryMillis = 1000;

  /**
   * What a lease's address got, so a release or a new name knows what to take away; {@code
   * complete} once the PTR is written too, not while an external primary has yet to answer.
   */
  private record Published(Name name, byte[] dhcid, Name reverse, boolean complete) {}

  /**
   * An external primary did not answer, or answered what cannot be taken (a reply to a signed
   * update without a valid TSIG), or failed the update ({@link #FAILURES}): the lease's change
   * stops, to be made again whole. Each of its updates is safe to send again (RFC 4703's
   * prerequisites).
   */
  private static final class Unreached extends RuntimeException {
    final DnsZoneConfig zone;

    Unreached(DnsZoneConfig zone) {
      super(null, null, false, false);
      this.zone = zone;
    }
  }

  public DdnsUpdater(
      Supplier<DnsConfig> config,
      Supplier<DnsZones> zones,
      DnsUpdateHandler handler,
      BooleanSupplier serving,
      StatisticsRegistry stats,
      AlertCenter alerts) {
    this.config = config;
    this.zones = zones;
    this.handler = handler;
    this.serving = serving;
    this.alerts = alerts;
    this.worker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("dns-ddns"));
    ThreadFactory externalThreads = DaemonThreads.factory("dns-ddns-external");
    this.external =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = externalThreads.newThread(task);
              externalThread = thread;
              return thread;
            });
    stats.declare(DnsStatistics.DEFINITIONS);
    alerts.declare(DnsAlerts.ALL);
    this.added = stats.counter("dns.ddns.added");
    this.removed = stats.counter("dns.ddns.removed");
    this.conflicts = stats.counter("dns.ddns.conflict");
    this.failed = stats.counter("dns.ddns.failed");
    this.retried = stats.counter("dns.ddns.retried");
    stats.gauge("dns.ddns.queue", queued::get);
  }

  /** Tests shorten the wait before the first retry. */
  void setFirstRetry(Duration wait) {
    this.firstRetryMillis = wait.toMillis();
  }

  @Override
  public void onDurable(BusRecord record) {
    if (!record.type().equals(RecordType.LEASE) || !config.get().ddns().enabled()) {
      return;
    }
    LeaseRecord lease;
    try {
      lease = LeaseRecord.decode(record.payload());
    } catch (IllegalArgumentException e) {
      return; // the lease journal reports unreadable records
    }
    int address = lease.address().value();
    if (latestDue.put(address, lease) == null) {
      submit(
          () -> {
            LeaseRecord latest = latestDue.remove(address);
            if (latest != null) {
              route(latest);
            }
          });
    }
  }

  /**
   * Publishes the names of every bound lease again (at start: the zones begin empty).
   *
   * @return completes once they are all in the zones served here; those for zones with an external
   *     primary follow as it answers
   */
  public CompletableFuture<Void> rebuild(List<LeaseRecord> bound) {
    if (config.get().ddns().enabled()) {
      bound.forEach(lease -> submit(() -> route(lease)));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(() -> done.complete(null)); // the worker is one thread: after every lease above
    return done;
  }

  /**
   * Publishes every bound lease's names again after the zones were rebuilt (a config change to a
   * zone's data replaces it with its static records only). What this updater believed published is
   * forgotten first, on its own thread, so no add is skipped as "already there"; names still in
   * place are refreshed by their DHCID (RFC 4703), so a republish is harmless when nothing was
   * lost.
   */
  public CompletableFuture<Void> republish(List<LeaseRecord> bound) {
    Map<Integer, LeaseRecord> byAddress = new java.util.HashMap<>();
    bound.forEach(lease -> byAddress.put(lease.address().value(), lease));
    submit(() -> withdrawRenamed(byAddress));
    return rebuild(bound);
  }

  /**
   * On {@link #worker}, before a republish: the names the new config no longer gives a bound lease
   * (another class pattern or forward zone, DDNS turned off) are taken out of the zones still
   * served, then everything published is forgotten. Forgotten alone, they stayed served and
   * transferred, and were never removed when their lease ended: names pointing at addresses later
   * leased to other clients, until a restart.
   */
  private void withdrawRenamed(Map<Integer, LeaseRecord> bound) {
    DnsConfig dns = config.get();
    for (Map.Entry<Integer, Published> entry : published.entrySet()) {
      LeaseRecord lease = bound.get(entry.getKey());
      Published before = entry.getValue();
      if (lease == null) {
        continue; // not bound any more: its end removed its names already
      }
      Optional<Name> now =
          dns.ddns().enabled() ? DdnsNamer.name(dns.ddns(), lease) : Optional.empty();
      if (!now.equals(Optional.of(before.name()))) {
        try {
          remove(dns, before, lease);
        } catch (Unreached e) {
          failed.increment();
          log.warn(
              "DNS_DDNS_RENAMED_NOT_REMOVED name={} zone={}: its primary does not answer",
              before.name(),
              e.zone.name());
        }
      }
    }
    published.clear();
  }

  private void submit(Runnable task) {
    queued.incrementAndGet();
    worker.execute(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.warn("DNS_DDNS_TASK_FAILED", e);
          } finally {
            queued.decrementAndGet();
          }
        });
  }

  /**
   * On {@link #worker}: makes the lease's change in the zones served here; if it reaches a zone
   * with an external primary, the whole change is handed to {@link #external}, which makes it again
   * (the updates already made here are safe to repeat) with those sends too.
   */
  private void route(LeaseRecord lease) {
    if (externalDue.containsKey(lease.address().value())) {
      handOver(lease, 1, 0); // after the address's change there, which this one replaces
      return;
    }
    try {
      apply(lease);
    } catch (Unreached deferred) {
      handOver(lease, 1, 0);
    }
  }

  private void handOver(LeaseRecord lease, int attempt, long afterMillis) {
    externalDue.put(lease.address().value(), lease);
    queued.incrementAndGet();
    external.schedule(() -> attempt(lease, attempt), afterMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * On {@link #external}: makes a lease's change, again with doubling backoff while a primary does
   * not answer (a retry used to resend the one update alone, and a claim answered late never got
   * its PTR), until a newer change of the address replaces it or the tries run out.
   */
  private void attempt(LeaseRecord lease, int attempt) {
    try {
      if (externalDue.get(lease.address().value()) != lease) {
        return; // a later change of the address is due: this one is out of date
      }
      try {
        apply(lease);
        externalDue.remove(lease.address().value(), lease);
      } catch (Unreached e) {
        if (attempt >= MAX_ATTEMPTS) {
          externalDue.remove(lease.address().value(), lease);
          failed.increment();
          log.warn("DNS_DDNS_UPDATE_FAILED zone={} attempts={}", e.zone.name(), attempt);
          alerts.raise(
              DnsAlerts.DDNS_UPDATE_FAILED,
              DnsAlerts.zonePath(e.zone.name()),
              "DDNS updates to "
                  + e.zone.primary().address()
                  + " fail after "
                  + attempt
                  + " attempts");
          return;
        }
        retried.increment();
        handOver(lease, attempt + 1, Math.min(60_000, firstRetryMillis << (attempt - 1)));
      }
    } catch (RuntimeException e) {
      log.warn("DNS_DDNS_TASK_FAILED", e);
    } finally {
      queued.decrementAndGet();
    }
  }

  /** The number of lease changes waiting to reach DNS. */
  public int queueDepth() {
    return queued.get();
  }

  private void apply(LeaseRecord lease) {
    DnsConfig dns = config.get();
    Published before = published.get(lease.address().value());
    if (lease.state() != LeaseState.BOUND) {
      if (before != null) {
        remove(dns, before, lease);
        published.remove(lease.address().value());
      }
      return;
    }
    Optional<Name> name = DdnsNamer.name(dns.ddns(), lease);
    if (name.isEmpty()) {
      return;
    }
    byte[] dhcid = Dhcid.rdata(lease, name.get());
    boolean again =
        before != null
            && before.name().equals(name.get())
            && java.util.Arrays.equals(before.dhcid(), dhcid);
    if (again && before.complete()) {
      return; // a renewal under the same name: nothing changes
    }
    if (before != null && !again) {
      remove(dns, before, lease);
      published.remove(lease.address().value());
    }
    Name reverse = ReverseMap.fromAddress(lease.address().toInetAddress());
    long ttl = dns.ddns().ttl();
    Name forwardZone = zoneOf(dns, name.get()).orElse(null);
    if (forwardZone == null) {
      return;
    }
    ARecord a = new ARecord(name.get(), DClass.IN, ttl, lease.address().toInetAddress());
    Record dhcidRecord = Dhcid.record(name.get(), ttl, dhcid);
    // RFC 4703 section 5.3.1: add if the name is unused...
    String note = "lease " + lease.address() + " of " + lease.hardwareAddressText();
    Update claim = new Update(forwardZone);
    claim.absent(name.get());
    claim.add(a);
    claim.add(dhcidRecord);
    int rcode =
        send(
            dns,
            forwardZone,
            claim,
            note,
            r -> r == Rcode.NOERROR || r == Rcode.YXDOMAIN,
            "the name is in use: its DHCID decides");
    if (rcode == Rcode.YXDOMAIN) {
      // ...or replace the address if the DHCID says the name is this client's (section 5.3.2).
      Update refresh = new Update(forwardZone);
      refresh.present(Dhcid.record(name.get(), 0, dhcid));
      refresh.delete(name.get(), Type.A);
      refresh.add(a);
      rcode =
          send(
              dns,
              forwardZone,
              refresh,
              note,
              r -> r == Rcode.NOERROR,
              "the name belongs to another client (RFC 4703 conflict)");
      if (rcode == Rcode.NXRRSET) {
        conflicts.increment();
        log.info(
            "DNS_DDNS_NAME_CONFLICT name={} address={} hw={}: owned by another client",
            name.get(),
            lease.address(),
            lease.hardwareAddressText());
        return;
      }
    }
    if (rcode != Rcode.NOERROR) {
      return;
    }
    // The name stands here: a release takes it away even if the PTR's primary never answers.
    published.put(lease.address().value(), new Published(name.get(), dhcid, reverse, false));
    // Section 5.4: the PTR of the address is this lease's, whatever was there.
    zoneOf(dns, reverse)
        .ifPresent(
            reverseZone -> {
              Update ptr = new Update(reverseZone);
              ptr.delete(reverse, Type.PTR);
              ptr.delete(reverse, Type.DHCID);
              ptr.add(new PTRRecord(reverse, DClass.IN, ttl, name.get()));
              ptr.add(Dhcid.record(reverse, ttl, dhcid));
              send(dns, reverseZone, ptr, note, r -> r == Rcode.NOERROR, "");
            });
    published.put(lease.address().value(), new Published(name.get(), dhcid, reverse, true));
    added.increment();
  }

  private void remove(DnsConfig dns, Published what, LeaseRecord lease) {
    String note =
        "lease "
            + lease.address()
            + " of "
            + lease.hardwareAddressText()
            + " "
            + lease.state().name().toLowerCase(java.util.Locale.ROOT);
    java.util.function.IntPredicate fine = r -> r == Rcode.NOERROR || r == Rcode.NXRRSET;
    String elsewhere = "no longer this client's: left alone";
    zoneOf(dns, what.name())
        .ifPresent(
            zone -> {
              // RFC 4703 section 5.5: only while the DHCID is still ours, and only this lease's
              // address: the client may hold the name at another address by now (it moved from
              // a walled-garden pool, or to another link), which its old lease's end must leave.
              Update release = new Update(zone);
              release.present(Dhcid.record(what.name(), 0, what.dhcid()));
              release.delete(
                  new ARecord(what.name(), DClass.IN, 0, lease.address().toInetAddress()));
              send(dns, zone, release, note, fine, elsewhere);
              // The DHCID goes with the name's last address.
              Update forget = new Update(zone);
              forget.present(Dhcid.record(what.name(), 0, what.dhcid()));
              forget.absent(what.name(), Type.A);
              forget.delete(what.name(), Type.DHCID);
              send(dns, zone, forget, note, fine.or(r -> r == Rcode.YXRRSET), "");
            });
    zoneOf(dns, what.reverse())
        .ifPresent(
            zone -> {
              Update release = new Update(zone);
              release.present(Dhcid.record(what.reverse(), 0, what.dhcid()));
              release.delete(what.reverse(), Type.PTR);
              release.delete(what.reverse(), Type.DHCID);
              send(dns, zone, release, note, fine, elsewhere);
            });
    removed.increment();
  }

  /** The configured zone (served or external) deepest above the name. */
  private static Optional<Name> zoneOf(DnsConfig dns, Name name) {
    Name best = null;
    for (DnsZoneConfig zone : dns.zones()) {
      try {
        Name origin = Name.fromString(zone.name(), Name.root);
        if (name.subdomain(origin) && (best == null || origin.labels() > best.labels())) {
          best = origin;
        }
      } catch (IOException e) {
        // reported by the config rule
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Sends one update to wherever its zone lives, and records it for the console; the rcode, or
   * SERVFAIL when it never arrived.
   *
   * @param fine the rcodes that mean the update did what was meant (a prerequisite that fails is
   *     how RFC 4703 asks a question)
   * @param whenOtherThanNoError said of a fine rcode other than NOERROR, or of one not fine
   */
  private int send(
      DnsConfig dns,
      Name zoneName,
      Message update,
      String note,
      java.util.function.IntPredicate fine,
      String whenOtherThanNoError) {
    Optional<DnsZone> local = zones.get().exactly(zoneName);
    if (local.isPresent()) {
      int rcode = handler.apply(local.get(), update);
      handler
          .recent()
          .record(
              "ddns",
              zoneName,
              null,
              update,
              rcode,
              fine.test(rcode),
              rcode == Rcode.NOERROR || whenOtherThanNoError.isEmpty()
                  ? note
                  : note + ": " + whenOtherThanNoError);
      return rcode;
    }
    DnsZoneConfig external = externalZone(dns, zoneName);
    if (external == null) {
      return Rcode.REFUSED;
    }
    if (!serving.getAsBoolean()) {
      return Rcode.NOERROR; // the serving peer sends it
    }
    if (Thread.currentThread() != externalThread) {
      throw new Unreached(external); // not from the worker: it would wait for the primary
    }
    return sendExternal(dns, external, update, note, fine);
  }

  /** The config of the zone if another server is its primary, else null. */
  private static DnsZoneConfig externalZone(DnsConfig dns, Name zoneName) {
    return dns.zones().stream()
        .filter(z -> !z.servedHere() && sameName(z.name(), zoneName))
        .findFirst()
        .orElse(null);
  }

  /**
   * Sends an update to a zone's external primary and returns its rcode.
   *
   * @throws Unreached when it does not answer, its reply to a signed update is not signed by the
   *     key, or it answers one of the {@link #FAILURES}
   */
  private int sendExternal(
      DnsConfig dns,
      DnsZoneConfig zone,
      Message update,
      String note,
      java.util.function.IntPredicate fine) {
    Name zoneName = nameOf(zone.name());
    Name key = zone.primary().key() == null ? null : nameOf(zone.primary().key());
    String to = note + ", to " + zone.primary().address() + ":" + zone.primary().port();
    try {
      SimpleResolver resolver =
          new SimpleResolver(
              new InetSocketAddress(
                  zone.primary().address().toInetAddress(), zone.primary().port()));
      resolver.setTimeout(EXTERNAL_TIMEOUT);
      if (zone.primary().key() != null) {
        resolver.setTSIGKey(tsig(dns, zone.primary().key()));
      }
      Message reply = resolver.send(update);
      if (key != null && !reply.isVerified()) {
        // RFC 8945 section 5.4: a reply whose TSIG is missing or does not verify is discarded, as
        // if none came (SimpleResolver only logs it): anyone on the path could forge it.
        TSIGRecord tsig = reply.getTSIG();
        String why =
            tsig == null
                ? "reply not signed: discarded"
                : "reply's TSIG does not verify"
                    + (tsig.getError() == Rcode.NOERROR
                        ? ""
                        : " (" + Rcode.TSIGstring(tsig.getError()) + ")")
                    + ": discarded";
        log.debug("DNS_DDNS_REPLY_DISCARDED zone={}: {}", zone.name(), why);
        handler.recent().unanswered("ddns", zoneName, key, update, to + ": " + why);
        throw new Unreached(zone);
      }
      int rcode = reply.getRcode();
      handler.recent().record("ddns", zoneName, key, update, rcode, fine.test(rcode), to);
      if (!FAILURES.contains(rcode)) {
        alerts.clear(
            DnsAlerts.DDNS_UPDATE_FAILED,
            DnsAlerts.zonePath(zone.name()),
            "updates reach " + zone.primary().address() + " again");
        return rcode;
      }
    } catch (IOException e) {
      log.debug("DNS_DDNS_SEND_FAILED zone={}: {}", zone.name(), e.toString());
      handler.recent().unanswered("ddns", zoneName, key, update, to + ": " + e.getMessage());
    }
    throw new Unreached(zone);
  }

  private static boolean sameName(String configured, Name name) {
    try {
      return Name.fromString(configured, Name.root).equals(name);
    } catch (IOException e) {
      return false;
    }
  }

  private static TSIG tsig(DnsConfig dns, String keyName) {
    TsigKeyConfig key =
        dns.keys().stream()
            .filter(k -> sameName(k.name(), nameOf(keyName)))
            .findFirst()
            .orElseThrow();
    return new TSIG(TSIG.algorithmToName(key.algorithm()), nameOf(keyName), key.secret());
  }

  private static Name nameOf(String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    external.shutdownNow();
  }
}
