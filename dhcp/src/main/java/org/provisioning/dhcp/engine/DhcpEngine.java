package org.provisioning.dhcp.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.ClientClassConfig;
import org.provisioning.common.config.DeviceRole;
import org.provisioning.common.config.DhcpConfig;
import org.provisioning.common.config.SubnetConfig;
import org.provisioning.common.lease.BootFileIssuer;
import org.provisioning.common.lease.LeaseControl;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.time.Ticker;
import org.provisioning.dhcp.alloc.AddressAllocator;
import org.provisioning.dhcp.engine.ServingPlan.PoolPlan;
import org.provisioning.dhcp.engine.ServingPlan.Reservation;
import org.provisioning.dhcp.engine.ServingPlan.SubnetPlan;
import org.provisioning.dhcp.lease.ByteKey;
import org.provisioning.dhcp.lease.ClientKey;
import org.provisioning.dhcp.lease.LeaseStore;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.ClientFqdn;
import org.provisioning.dhcp.option.ClientIdentifier;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;
import org.provisioning.dhcp.option.RelayAgentInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCPv4 server's decisions (RFC 2131 §4.3), free of sockets: a request in, an outcome out. It
 * offers, commits and frees addresses, enforces classes, reservations and cable policies, and keeps
 * pools, offers and statistics current. Every lease change is applied here at once (so the next
 * allocation sees it) and handed back to the caller, who makes it durable before the reply leaves.
 *
 * <p>Not thread-safe: one thread (the DHCP server's event loop) calls every method.
 */
public final class DhcpEngine {
  private static final Logger log = LoggerFactory.getLogger(DhcpEngine.class);

  /** The expiry queue is rebuilt from the leases only past this size (see queueExpiry). */
  static final int MIN_EXPIRIES_REBUILT = 1 << 16;

  static final String POOL_EXHAUSTED = DhcpAlerts.POOL_EXHAUSTED.event();

  private final int serverId;
  private final LeaseStore store;
  private final Clock clock;
  private final Ticker ticker;
  private final DhcpStatistics stats;
  private final AlertCenter alerts;
  private final HighWaterMarks highWater;
  private final Map<ClientKey, Offer> offersByClient = new HashMap<>();
  private final IntMap<Offer> offersByAddress = new IntMap<>();

  /** The offers held for CPE behind each modem (by remote-id), counted against its CPE limit. */
  private final Map<ByteKey, Integer> cpeOffersByModem = new HashMap<>();

  private final Expiries offerExpiries = new Expiries();

  /** The subnets whose DHCP_POOL_EXHAUSTED alert is active, by config path. */
  private final Map<String, Exhaustion> exhausted = new HashMap<>();

  /**
   * An active exhaustion: the subnets as planned then, and when (ticker) a client last found no
   * address there.
   */
  private record Exhaustion(List<SubnetPlan> subnets, long lastRefusedTick) {}

  /**
   * How long offers must go on without a refusal before an exhaustion is over: in a full pool each
   * address that comes free would otherwise clear the alert and the next client raise it again, a
   * mail and a trap each time.
   */
  static final long EXHAUSTION_CLEARS_AFTER_MILLIS = 60_000;

  private final Expiries expiries = new Expiries();
  private final PartnerHolds partnerHolds = new PartnerHolds();
  private ServingPlan plan;
  private ReplyFactory replies;

  /** Written on the engine's thread by failover, read by others (DNS: who sends updates). */
  private volatile ServingMode mode = ServingMode.BOTTOM_UP;

  /**
   * The failover partner is out of contact and may be serving from the same pools (a partition
   * looks like a dead partner from either side), or has been and the pair is not level yet. The two
   * allocate from opposite ends so that they give different addresses until a pool is nearly full;
   * a free address is then given outside that order (a client's previous address, the one it asks
   * for) only if this server allocated it last: one the partner allocated lies at the partner's
   * end, where it may be a new client's now.
   */
  private boolean partnerMayServe;

  /**
   * How far the failover partner's wall clock runs behind this server's, 0 if not behind: a lease
   * the partner wrote ends by its clock, so read by this one it ends that much early. Its address
   * stays held, and its end is not recorded, until then ({@link #heldAt}): else a server whose
   * clock runs ahead gave the address to another client while its own still used it, and streamed
   * the early end back to the partner, which took it (same client, same grant).
   */
  private long partnerClockBehindMillis;

  private BootFileIssuer bootFiles = (lease, bootFile) -> bootFile;

  public DhcpEngine(
      DhcpConfig config,
      int serverId,
      LeaseStore store,
      Clock clock,
      Ticker ticker,
      DhcpStatistics stats,
      AlertCenter alerts) {
    this.serverId = serverId;
    this.store = store;
    this.clock = clock;
    this.ticker = ticker;
    this.stats = stats;
    this.alerts = alerts;
    this.highWater = new HighWaterMarks(alerts);
    reconfigure(config);
  }

  /**
   * Serves a new config from now on: recompiles the plan and re-marks every pool from the lease
   * store. Pending offers are dropped (their pools may be gone); leases are kept. The same config
   * again changes nothing: another section of the config changed (failover, TFTP, DNS), and
   * rebuilding the plan would drop the offers, hold DHCP while every pool is re-marked (a quarter
   * of a second with a million leases) and clear and raise the pools' alerts once more.
   */
  public void reconfigure(DhcpConfig config) {
    if (plan != null && config.equals(plan.config)) {
      return;
    }
    ServingPlan next = new ServingPlan(config);
    if (plan != null) {
      for (PoolPlan pool : plan.pools) {
        stats.registry().removeAll(poolStatisticsPrefix(pool));
      }
    }
    plan = next;
    // Before the pools are re-marked: each carries its alerts' level, judged once marked.
    highWater.replan(next.pools);
    forgetExhaustedSubnetsNotIn(next);
    replies = new ReplyFactory(next);
    offersByClient.clear();
    offersByAddress.clear();
    cpeOffersByModem.clear();
    offerExpiries.clear();
    expiries.clear();
    stats.resetLeaseCounts();
    long now = clock.millis();
    next.forEachReservedAddress(
        address -> {
          PoolPlan pool = next.poolContaining(new Ipv4Address(address));
          if (pool != null) {
            pool.pool().markUsed(new Ipv4Address(address));
          }
        });
    store.forEachEncoded((lease, length) -> markFromStore(lease, now));
    partnerHolds.forEach(address -> markUsed(new Ipv4Address(address)));
    for (PoolPlan pool : next.pools) {
      registerPoolGauges(pool);
    }
    highWater.settle();
  }

  // ------------------------------------------------------- failover: a server that starts alone

  /**
   * Keeps back, for the longest lease time configured from now, the address of every lease the
   * partner may have renewed since this server was last level with it ({@code levelMillis}, wall
   * clock): failover calls this when a server that started serves before a sync with its partner.
   * Each such address goes to its last client only (see {@link PartnerHolds}). Returns how many
   * addresses are held.
   */
  public int holdForPartnerClients(long levelMillis) {
    long now = clock.millis();
    partnerHolds.begin(now + longestLeaseSeconds() * 1000);
    store.forEachEncoded(
        (lease, length) -> {
          if (PartnerHolds.mayHaveBeenRenewed(lease, levelMillis)) {
            int address = LeaseRecord.Encoded.address(lease);
            partnerHolds.add(address);
            markUsed(new Ipv4Address(address));
          }
        });
    partnerHolds.seal();
    if (partnerHolds.size() > 0) {
      log.warn(
          "DHCP_HELD_FOR_PARTNER addresses={} until={} level_since={}: the partner may have"
              + " renewed their leases while this server was away; each goes to its last client"
              + " only until a sync or then",
          partnerHolds.size(),
          Instant.ofEpochMilli(partnerHolds.untilMillis()),
          Instant.ofEpochMilli(levelMillis));
    }
    return partnerHolds.size();
  }

  /** Ends every hold of {@link #holdForPartnerClients}: a sync brought the partner's leases. */
  public void endPartnerHolds(String why) {
    if (partnerHolds.size() == 0) {
      return;
    }
    long now = clock.millis();
    int[] held = partnerHolds.drain();
    for (int address : held) {
      releaseIfUnheld(new Ipv4Address(address), now);
    }
    log.info("DHCP_HELD_FOR_PARTNER_ENDED addresses={}: {}", held.length, why);
  }

  /** How many addresses are held for their last client (a gauge, read from any thread). */
  public int heldForPartner() {
    return partnerHolds.size();
  }

  private long longestLeaseSeconds() {
    long longest = plan.config.leaseTime();
    for (SubnetConfig subnet : plan.config.subnets()) {
      if (subnet.leaseTime() != null) {
        longest = Math.max(longest, subnet.leaseTime());
      }
    }
    for (ClientClassConfig cls : plan.config.classes()) {
      if (cls.leaseTime() != null) {
        longest = Math.max(longest, cls.leaseTime());
      }
    }
    return longest;
  }

  /**
   * Clears the exhaustion alerts of subnets the new config no longer has at their path; the others
   * stand until their clients are offered addresses again.
   */
  private void forgetExhaustedSubnetsNotIn(ServingPlan next) {
    for (var entry = exhausted.entrySet().iterator(); entry.hasNext(); ) {
      var subnets = entry.next();
      boolean kept =
          subnets.getValue().subnets().stream()
              .allMatch(
                  s ->
                      s.index() < next.subnets.size()
                          && next.subnets.get(s.index()).subnet().equals(s.subnet()));
      if (!kept) {
        entry.remove();
        alerts.clear(
            DhcpAlerts.POOL_EXHAUSTED, subnets.getKey(), "the subnets are no longer in the config");
      }
    }
  }

  /** A pool's statistics: its name, or its range if it has none, as one name segment. */
  private static String poolStatisticsPrefix(PoolPlan plan) {
    return "dhcp.pool." + StatisticDefinition.labelValue(plan.pool().name()) + ".";
  }

  private void registerPoolGauges(PoolPlan plan) {
    String prefix = poolStatisticsPrefix(plan);
    var registry = stats.registry();
    registry.gauge(prefix + "size", () -> plan.pool().size());
    registry.gauge(prefix + "used", () -> plan.pool().usedCount());
    registry.gauge(prefix + "free", () -> plan.pool().size() - plan.pool().usedCount());
    registry.gauge(prefix + "utilisation_percent", () -> plan.pool().utilisationPercent());
    registry.gauge(prefix + "peak_used", () -> highWater.peak(plan));
    registry.gauge(prefix + "warning_percent", plan::warningPercent);
    registry.gauge(prefix + "critical_percent", plan::criticalPercent);
    registry.gauge(prefix + "high_water_level", () -> highWater.level(plan));
  }

  /**
   * Names the boot file of each ACK: TFTP's anti-theft mode hands a modem a one-time name for the
   * file its class is configured with. OFFERs carry the configured name.
   */
  public void setBootFileIssuer(BootFileIssuer bootFiles) {
    this.bootFiles = bootFiles;
  }

  public void setMode(ServingMode mode) {
    if (this.mode != mode) {
      log.info("DHCP_SERVING_MODE from={} to={}", this.mode, mode);
      this.mode = mode;
    }
  }

  public ServingMode mode() {
    return mode;
  }

  /** Failover's measure of the partner's clock (see {@link #partnerClockBehindMillis}). */
  public void setPartnerClockBehindMillis(long millis) {
    long behind = Math.max(0, millis);
    if (behind != partnerClockBehindMillis) {
      log.info(
          "DHCP_LEASE_ENDS_DEFERRED by_ms={}: the failover partner's clock runs behind ours",
          behind);
      partnerClockBehindMillis = behind;
    }
  }

  /** Whether the lease keeps its address from other clients at {@code now}, by either clock. */
  private boolean heldAt(LeaseRecord lease, long now) {
    return lease.holdsAddressAt(now - partnerClockBehindMillis);
  }

  /** Failover says whether the partner may have served unseen (see {@link #partnerMayServe}). */
  public void setPartnerMayServe(boolean partnerMayServe) {
    if (this.partnerMayServe != partnerMayServe) {
      log.info(
          "DHCP_PARTNER_MAY_SERVE {}: free addresses the partner allocated {}",
          partnerMayServe,
          partnerMayServe ? "go to new clients from its end only" : "are given as any other");
      this.partnerMayServe = partnerMayServe;
    }
  }

  public int pendingOffers() {
    return offersByClient.size();
  }

  /**
   * Applies a lease change made elsewhere (the failover peer): the store and the pools follow it.
   */
  public void apply(LeaseRecord lease) {
    if (partnerHolds.size() > 0 && !lease.equals(store.byAddress(lease.address()).orElse(null))) {
      // The partner says what became of it. Not when it only echoes this server's own copy: a
      // partner back without its data streams back every lease of the snapshot it was given.
      partnerHolds.remove(lease.address().value());
    }
    track(store.put(lease), lease, clock.millis());
  }

  /** Decides what to do with one request. Empty: drop it (the reason is counted). */
  public Optional<DhcpOutcome> handle(DhcpMessage request, DhcpRequestContext context) {
    DhcpMessageType type = request.messageType();
    stats.received(type);
    if (mode == ServingMode.STANDBY) {
      return drop(DropReason.STANDBY);
    }
    int clientId = request.options().indexOf(DhcpOptionCode.CLIENT_IDENTIFIER);
    if (clientId >= 0 && request.options().valueLength(clientId) > 255) {
      // Joined from several instances (RFC 3396), longer than a lease keeps: its REQUEST threw
      // while the lease was built, after the client's previous lease had been let go.
      return drop(DropReason.MALFORMED_REQUEST);
    }
    return switch (type) {
      case DISCOVER -> discover(request);
      case REQUEST -> request(request);
      case DECLINE -> decline(request);
      case RELEASE -> release(request);
      case INFORM -> inform(request, context);
      default -> drop(DropReason.UNSUPPORTED_TYPE);
    };
  }

  // ---------------------------------------------------------------- DISCOVER (RFC 2131 §4.3.1)

  private Optional<DhcpOutcome> discover(DhcpMessage request) {
    long now = clock.millis();
    expireOffers(now);
    List<SubnetPlan> subnets = plan.subnetsFor(link(request));
    if (subnets.isEmpty()) {
      return drop(DropReason.NO_SUBNET);
    }
    ClientContext client = identify(request, now);
    DropReason refused = refusal(client, now);
    if (refused != null) {
      return drop(refused);
    }
    if (!anyPoolServes(subnets, client.deviceClass)
        && (client.reservation == null || client.reservation.address() == null)) {
      return drop(DropReason.NO_POOL_FOR_CLASS);
    }
    Choice choice = chooseAddress(request, client, subnets, now);
    if (choice == null && client.reservation != null && client.reservation.address() != null) {
      log.warn(
          "DHCP_RESERVATION_UNAVAILABLE client={} address={} link={}",
          client.facts.key(),
          client.reservation.address(),
          link(request));
      return drop(DropReason.RESERVATION_UNAVAILABLE);
    }
    if (choice == null) {
      String where = subnetsPath(subnets);
      alerts.raise(
          DhcpAlerts.POOL_EXHAUSTED,
          where,
          "no free address for a client of class "
              + className(client.deviceClass)
              + " behind "
              + link(request)
              + " in "
              + poolsLabel(subnets));
      exhausted.put(where, new Exhaustion(subnets, tickMillis()));
      return drop(DropReason.POOL_EXHAUSTED);
    }
    if (!exhausted.isEmpty()) {
      endExhaustionIfOver(subnetsPath(subnets), request);
    }
    holdOffer(client, choice, now);
    DhcpMessage offer =
        replies.reply(
            request,
            DhcpMessageType.OFFER,
            choice.address,
            choice.subnet,
            client.deviceClass,
            client.reservation,
            leaseTime(choice.subnet, client.deviceClass),
            UnaryOperator.identity());
    stats.sent(DhcpMessageType.OFFER);
    return Optional.of(to(request, offer, null));
  }

  /**
   * The address to offer, in the order RFC 2131 §4.3.1 gives: a reservation, the client's current
   * or previous address, an address already offered to it, the address it asks for, a new one.
   */
  private Choice chooseAddress(
      DhcpMessage request, ClientContext client, List<SubnetPlan> subnets, long now) {
    ClientKey key = client.facts.key();
    if (client.reservation != null && client.reservation.address() != null) {
      // A reserved client gets its address, or nothing on another network than the address's.
      Choice reserved = reservedChoice(client.reservation.address(), subnets);
      if (reserved == null || availableTo(reserved.address, key, now, true)) {
        return reserved;
      }
      // Another client holds it (leased before the reservation was made): that one is NAKed at
      // its next renewal; meanwhile this one is served from its class's pools, not left dark.
      log.warn(
          "DHCP_RESERVATION_HELD client={} address={}: held by another client until its lease"
              + " ends; serving from the pools meanwhile",
          key,
          reserved.address);
    }
    Optional<LeaseRecord> previous = store.byClient(key);
    if (previous.isPresent()) {
      Choice again = allowed(previous.get().address(), subnets, client.deviceClass);
      if (again != null && availableOutOfOrder(again.address, key, now)) {
        return again;
      }
    }
    Offer offered = offersByClient.get(key);
    if (offered != null) {
      Choice again = allowed(offered.address, subnets, client.deviceClass);
      if (again != null) {
        return again;
      }
    }
    Optional<Ipv4Address> requested = request.options().requestedIpAddress();
    if (requested.isPresent()) {
      Choice asked = allowed(requested.get(), subnets, client.deviceClass);
      if (asked != null && availableOutOfOrder(asked.address, key, now)) {
        return asked;
      }
    }
    AddressAllocator allocator =
        mode == ServingMode.TOP_DOWN ? AddressAllocator.TOP_DOWN : AddressAllocator.BOTTOM_UP;
    for (SubnetPlan subnet : subnets) {
      for (PoolPlan pool : subnet.pools()) {
        if (!pool.serves(client.deviceClass)) {
          continue;
        }
        Ipv4Address proposal;
        while ((proposal = allocator.propose(pool.pool())) != null) {
          if (availableTo(proposal, key, now, false)) {
            return new Choice(proposal, subnet, pool);
          }
          // Held by an expired lease not reclaimed yet, or taken by the peer: skip it for now.
          pool.pool().markUsed(proposal);
          reclaimLater(proposal);
        }
      }
    }
    if (partnerHolds.size() > 0 && releaseHoldsIn(subnets, client.deviceClass)) {
      return chooseAddress(request, client, subnets, now); // the held addresses free now
    }
    return null;
  }

  /**
   * Pools with nothing left but addresses held for the partner's clients give those up: a hold
   * guards against a duplicate that may never come (the partner may have renewed none of them), an
   * exhausted pool refuses every new client for sure. Returns whether any was given up.
   */
  private boolean releaseHoldsIn(List<SubnetPlan> subnets, DeviceClass cls) {
    List<PoolPlan> pools = new ArrayList<>();
    for (SubnetPlan subnet : subnets) {
      for (PoolPlan pool : subnet.pools()) {
        if (pool.serves(cls)) {
          pools.add(pool);
        }
      }
    }
    int[] released =
        partnerHolds.removeIf(
            address -> pools.stream().anyMatch(p -> p.pool().contains(new Ipv4Address(address))));
    if (released.length == 0) {
      return false;
    }
    long now = clock.millis();
    for (int address : released) {
      releaseIfUnheld(new Ipv4Address(address), now);
    }
    log.warn(
        "DHCP_HELD_FOR_PARTNER_RELEASED addresses={} pools={}: no other address was left for a"
            + " new client; a client the partner renewed one of them for may meet a duplicate",
        released.length,
        pools.stream().map(p -> p.pool().name()).toList());
    return true;
  }

  private static boolean anyPoolServes(List<SubnetPlan> subnets, DeviceClass cls) {
    for (SubnetPlan subnet : subnets) {
      for (PoolPlan pool : subnet.pools()) {
        if (pool.serves(cls)) {
          return true;
        }
      }
    }
    return false;
  }

  private Choice reservedChoice(Ipv4Address address, List<SubnetPlan> subnets) {
    for (SubnetPlan subnet : subnets) {
      if (subnet.subnet().contains(address)) {
        PoolPlan pool = null;
        for (PoolPlan candidate : subnet.pools()) {
          if (candidate.pool().contains(address)) {
            pool = candidate;
          }
        }
        return new Choice(address, subnet, pool);
      }
    }
    return null;
  }

  /** The address as a choice if it lies in a pool of these subnets that serves the class. */
  private Choice allowed(Ipv4Address address, List<SubnetPlan> subnets, DeviceClass cls) {
    for (SubnetPlan subnet : subnets) {
      if (!subnet.subnet().contains(address)) {
        continue;
      }
      for (PoolPlan pool : subnet.pools()) {
        if (pool.pool().contains(address) && pool.serves(cls)) {
          return new Choice(address, subnet, pool);
        }
      }
    }
    return null;
  }

  /**
   * Whether this client may have the address now: nobody else holds it (a lease, an offer, a
   * reservation), and it is not quarantined.
   */
  private boolean availableTo(Ipv4Address address, ClientKey key, long now, boolean reservedForIt) {
    return availableTo(address, store.byAddress(address).orElse(null), key, now, reservedForIt);
  }

  /**
   * Whether {@code address} may be offered to the client outside this server's allocation order:
   * available to it, and, while the partner may serve, the client's own lease or one this server
   * allocated last ({@link #partnerMayServe}).
   */
  private boolean availableOutOfOrder(Ipv4Address address, ClientKey key, long now) {
    LeaseRecord lease = store.byAddress(address).orElse(null);
    return availableTo(address, lease, key, now, false)
        && (!partnerMayServe
            || (lease != null
                && (lease.allocatedBy() == serverId
                    || (lease.holdsAddressAt(now) && key.matches(lease)))));
  }

  private boolean offeredTo(ClientKey key, Ipv4Address address) {
    Offer offer = offersByClient.get(key);
    return offer != null && offer.address.equals(address);
  }

  /** {@link #availableTo}, with the address's lease (or null) already looked up. */
  private boolean availableTo(
      Ipv4Address address, LeaseRecord lease, ClientKey key, long now, boolean reservedForIt) {
    if (lease != null && heldAt(lease, now)) {
      if (lease.state() == LeaseState.DECLINED || !key.matches(lease)) {
        return false;
      }
    } else if (lease != null && partnerHolds.holds(address.value()) && !key.matches(lease)) {
      return false;
    }
    Offer offer = offersByAddress.get(address.value());
    if (offer != null && !offer.client.equals(key) && offer.heldUntil > tickMillis()) {
      return false;
    }
    return reservedForIt || !plan.isReserved(address.value());
  }

  /** An offer was made: the subnets' exhaustion is over once none was refused for a while. */
  private void endExhaustionIfOver(String where, DhcpMessage request) {
    Exhaustion exhaustion = exhausted.get(where);
    if (exhaustion != null
        && tickMillis() - exhaustion.lastRefusedTick() >= EXHAUSTION_CLEARS_AFTER_MILLIS) {
      exhausted.remove(where);
      alerts.clear(
          DhcpAlerts.POOL_EXHAUSTED,
          where,
          "addresses offered again behind "
              + link(request)
              + ", none refused for "
              + EXHAUSTION_CLEARS_AFTER_MILLIS / 1000
              + " s");
    }
  }

  private void holdOffer(ClientContext client, Choice choice, long now) {
    ClientKey key = client.facts.key();
    Offer previous = removeOffer(key);
    if (previous != null) {
      offersByAddress.remove(previous.address.value());
      releaseIfUnheld(previous.address, now);
    }
    byte[] remoteId = client.facts.remoteId();
    ByteKey modem =
        remoteId != null && role(client.deviceClass) == DeviceRole.CPE
            ? new ByteKey(remoteId)
            : null;
    Offer offer =
        new Offer(
            key, choice.address, tickMillis() + plan.config.offerHoldSeconds() * 1000L, modem);
    offersByClient.put(key, offer);
    if (modem != null) {
      cpeOffersByModem.merge(modem, 1, Integer::sum);
    }
    offersByAddress.put(choice.address.value(), offer);
    offerExpiries.add(offer.heldUntil, choice.address.value());
    if (choice.pool != null && choice.pool.pool().markUsed(choice.address)) {
      highWater.check(choice.pool);
    }
  }

  /**
   * Withdraws the offers whose hold has run out. An address's entry finds its offer only while that
   * offer still stands: taken up or withdrawn, it is gone from the maps; made again, it runs out
   * later than this entry. {@code now} is the wall clock's, for the leases of freed addresses.
   */
  private void expireOffers(long now) {
    long tick = tickMillis();
    while (!offerExpiries.isEmpty() && offerExpiries.firstTime() <= tick) {
      long heldUntil = offerExpiries.firstTime();
      Offer offer = offersByAddress.get(offerExpiries.firstAddress());
      offerExpiries.removeFirst();
      if (offer != null && offer.heldUntil <= heldUntil) {
        offersByAddress.remove(offer.address.value());
        removeOffer(offer.client);
        releaseIfUnheld(offer.address, now);
      }
    }
  }

  /** Takes a client's offer out of the offers by client and its modem's CPE count. */
  private Offer removeOffer(ClientKey key) {
    Offer offer = offersByClient.remove(key);
    if (offer != null && offer.modem != null) {
      cpeOffersByModem.computeIfPresent(offer.modem, (modem, n) -> n > 1 ? n - 1 : null);
    }
    return offer;
  }

  private void withdrawOffer(ClientKey key, long now) {
    Offer offer = removeOffer(key);
    if (offer != null) {
      offersByAddress.remove(offer.address.value());
      releaseIfUnheld(offer.address, now);
    }
  }

  /** Frees an address in its pool unless a lease, offer or reservation still holds it. */
  private void releaseIfUnheld(Ipv4Address address, long now) {
    if (plan.isReserved(address.value())
        || offersByAddress.containsKey(address.value())
        || partnerHolds.holds(address.value())) {
      return;
    }
    LeaseRecord lease = store.byAddress(address).orElse(null);
    if (lease != null && heldAt(lease, now)) {
      return;
    }
    PoolPlan pool = plan.poolContaining(address);
    if (pool != null && pool.pool().markFree(address)) {
      highWater.check(pool);
    }
  }

  // ----------------------------------------------------------------- REQUEST (RFC 2131 §4.3.2)

  private Optional<DhcpOutcome> request(DhcpMessage request) {
    long now = clock.millis();
    expireOffers(now);
    DhcpOptions options = request.options();
    Optional<Ipv4Address> serverIdentifier = options.serverIdentifier();
    Optional<Ipv4Address> requested = options.requestedIpAddress();
    ClientContext client = identify(request, now);
    Ipv4Address address;
    if (serverIdentifier.isPresent()) {
      // SELECTING: the client answers an offer; if it chose another server, forget ours.
      if (!serverIdentifier.get().equals(plan.serverIdentifier)) {
        withdrawOffer(client.facts.key(), now);
        return drop(DropReason.NOT_FOR_US);
      }
      if (requested.isPresent()) {
        address = requested.get();
      } else if (request.clientAddress().value() != 0) {
        // Some clients name the server when renewing too; ciaddr says which lease (as Kea reads
        // it).
        address = request.clientAddress();
      } else {
        return drop(DropReason.MALFORMED_REQUEST);
      }
    } else if (requested.isPresent()) {
      address = requested.get(); // INIT-REBOOT
    } else if (request.clientAddress().value() != 0) {
      address = request.clientAddress(); // RENEWING or REBINDING
    } else {
      return drop(DropReason.MALFORMED_REQUEST);
    }

    List<SubnetPlan> subnets = plan.subnetsFor(link(request));
    if (subnets.isEmpty()) {
      return drop(DropReason.NO_SUBNET);
    }
    boolean initReboot =
        serverIdentifier.isEmpty() && requested.isPresent() && request.clientAddress().value() == 0;
    if (initReboot
        && !partnerMayServe
        && onNetwork(address, subnets)
        && !knows(client, address)
        && availableTo(address, client.facts.key(), now, false)) {
      // RFC 2131 4.3.2: on the right network, a client this server has no record of had its
      // address from another server, which keeps it; a NAK would take it away, an ACK give an
      // address never offered. Silence lets servers that share no leases share a wire. An
      // address this server knows to be another client's is NAKed all the same (the loser of a
      // partition's conflict would keep using it). While the failover partner may have served
      // unseen, its grant is the likely record: see below.
      return drop(DropReason.UNKNOWN_CLIENT);
    }
    DropReason refused = refusal(client, now);
    if (refused == DropReason.NO_RELAY_INFO || refused == DropReason.BLOCKED) {
      return nak(request, client, refused.label());
    }
    Choice choice;
    Reservation reservation = client.reservation;
    if (reservation != null && reservation.address() != null) {
      if (reservation.address().equals(address)) {
        choice = reservedChoice(address, subnets);
      } else if (reservedHeldByAnother(reservation.address(), subnets, client, now)) {
        choice = allowed(address, subnets, client.deviceClass); // a pool address meanwhile
      } else {
        return nak(request, client, "address " + reservation.address() + " is reserved for you");
      }
    } else {
      choice = allowed(address, subnets, client.deviceClass);
    }
    if (choice == null) {
      return nak(request, client, "address " + address + " is not on your network or class");
    }
    ClientKey key = client.facts.key();
    boolean reservedForIt = reservation != null && address.equals(reservation.address());
    LeaseRecord current = store.byAddress(address).orElse(null);
    if (!availableTo(address, current, key, now, reservedForIt)) {
      return nak(request, client, "address " + address + " is not available");
    }
    boolean renewal = current != null && current.holdsAddressAt(now) && key.matches(current);
    if (partnerMayServe
        && !renewal
        && !reservedForIt
        && !offeredTo(key, address)
        && current != null
        && current.allocatedBy() != serverId
        && !key.matches(current)) {
      // Another client's, by the partner's grant: not this server's to give now (see
      // partnerMayServe). A client asking for an address it holds by a lease this server never
      // saw, or for its own run out here, most likely had it from the partner, which keeps it for
      // that client: NAKed, a modem renewing would start over with a new address.
      return nak(request, client, "address " + address + " is not available");
    }
    if (!renewal && refused == DropReason.CPE_LIMIT) {
      return nak(request, client, "the modem has its full number of CPE");
    }
    long leaseTime = leaseTime(choice.subnet, client.deviceClass);
    // Built before anything changes: a lease that cannot be built leaves the store as it was.
    LeaseRecord lease =
        new LeaseRecord(
            address,
            client.facts.hardwareType(),
            client.facts.hardwareAddress(),
            client.facts.clientId(),
            LeaseState.BOUND,
            now,
            now + leaseTime * 1000,
            renewal ? current.allocatedBy() : serverId,
            hostname(request, reservation),
            client.deviceClass == null ? "" : client.deviceClass.name(),
            client.facts.remoteId(),
            client.facts.circuitId());
    LeaseRecord superseded = renewal ? null : supersededBy(key, address, subnets, now);
    commit(lease, now);
    Offer offer = removeOffer(key);
    if (offer != null) {
      offersByAddress.remove(offer.address.value());
      if (!offer.address.equals(address)) {
        releaseIfUnheld(offer.address, now);
      }
    }
    DhcpMessage ack =
        replies.reply(
            request,
            DhcpMessageType.ACK,
            address,
            choice.subnet,
            client.deviceClass,
            reservation,
            leaseTime,
            bootFile -> bootFiles.bootFileFor(lease, bootFile));
    stats.sent(DhcpMessageType.ACK);
    DhcpOutcome outcome = to(request, ack, lease);
    return Optional.of(superseded == null ? outcome : outcome.superseding(superseded));
  }

  /**
   * Releases the client's bound lease elsewhere on this network when it is given {@code address}:
   * one client, one lease per network, as Kea keeps it. Else a modem moved out of the walled garden
   * (its class changed) would hold its garden address to the end of that lease, and a small garden
   * pool would run dry in a wave of installs.
   */
  private LeaseRecord supersededBy(
      ClientKey key, Ipv4Address address, List<SubnetPlan> subnets, long now) {
    LeaseRecord previous = store.byClient(key).orElse(null);
    if (previous == null
        || previous.address().equals(address)
        || previous.state() != LeaseState.BOUND
        || !previous.holdsAddressAt(now)
        || !key.matches(previous)
        || !onNetwork(previous.address(), subnets)) {
      return null;
    }
    LeaseRecord released = previous.withState(LeaseState.RELEASED, now);
    commit(released, now);
    return released;
  }

  /** Whether this server has a record of the client: a lease, an offer or a reservation. */
  private boolean knows(ClientContext client, Ipv4Address address) {
    ClientKey key = client.facts.key();
    LeaseRecord own = store.byClient(key).orElse(null);
    LeaseRecord atAddress = store.byAddress(address).orElse(null);
    return client.reservation != null
        || offersByClient.containsKey(key)
        || (own != null && key.matches(own))
        || (atAddress != null && key.matches(atAddress));
  }

  private static boolean onNetwork(Ipv4Address address, List<SubnetPlan> subnets) {
    for (SubnetPlan subnet : subnets) {
      if (subnet.subnet().contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a client's reserved address, on this network, is held by another client. */
  private boolean reservedHeldByAnother(
      Ipv4Address reserved, List<SubnetPlan> subnets, ClientContext client, long now) {
    return reservedChoice(reserved, subnets) != null
        && !availableTo(reserved, client.facts.key(), now, true);
  }

  private Optional<DhcpOutcome> nak(DhcpMessage request, ClientContext client, String why) {
    DhcpMessage nak =
        request
            .replyBuilder(DhcpMessageType.NAK)
            .broadcast(request.isRelayed() || request.isBroadcast())
            .options(replies.nakOptions(request, why))
            .build();
    stats.sent(DhcpMessageType.NAK);
    log.debug("DHCP_NAK client={} reason={}", client.facts.key(), why);
    return Optional.of(to(request, nak, null));
  }

  // ------------------------------------------------------ DECLINE, RELEASE (RFC 2131 §4.3.3-4)

  private Optional<DhcpOutcome> decline(DhcpMessage request) {
    long now = clock.millis();
    Optional<Ipv4Address> serverIdentifier = request.options().serverIdentifier();
    if (serverIdentifier.isPresent() && !serverIdentifier.get().equals(plan.serverIdentifier)) {
      return drop(DropReason.NOT_FOR_US);
    }
    Optional<Ipv4Address> address = request.options().requestedIpAddress();
    if (address.isEmpty()) {
      return drop(DropReason.MALFORMED_REQUEST);
    }
    LeaseRecord lease = clientsLease(address.get(), keyOf(request), now);
    if (lease == null) {
      return drop(DropReason.NOT_CLIENTS_LEASE);
    }
    LeaseRecord declined =
        lease.withState(LeaseState.DECLINED, now + plan.config.declineQuarantineSeconds() * 1000);
    commit(declined, now);
    log.warn(
        "DHCP_DECLINE address={} client={}: another host uses it; quarantined for {} s",
        address.get(),
        ClientKey.of(lease),
        plan.config.declineQuarantineSeconds());
    return Optional.of(new DhcpOutcome(null, null, 0, declined));
  }

  private Optional<DhcpOutcome> release(DhcpMessage request) {
    long now = clock.millis();
    Optional<Ipv4Address> serverIdentifier = request.options().serverIdentifier();
    if (serverIdentifier.isPresent() && !serverIdentifier.get().equals(plan.serverIdentifier)) {
      return drop(DropReason.NOT_FOR_US);
    }
    LeaseRecord lease = clientsLease(request.clientAddress(), keyOf(request), now);
    if (lease == null) {
      return drop(DropReason.NOT_CLIENTS_LEASE);
    }
    LeaseRecord released = lease.withState(LeaseState.RELEASED, now);
    partnerHolds.remove(released.address().value()); // its client gave it up
    commit(released, now);
    return Optional.of(new DhcpOutcome(null, null, 0, released));
  }

  /**
   * Releases the bound lease of an address as if its client had sent a DHCPRELEASE (RFC 2131
   * §4.3.4): an operator's action from the console. The address is free at once; the caller makes
   * the change durable (and so replicated, and seen by DNS) like any other.
   *
   * @throws LeaseControl.LeaseNotBoundException when the address holds no bound lease
   */
  public LeaseRecord releaseByOperator(Ipv4Address address) {
    long now = clock.millis();
    LeaseRecord lease = store.byAddress(address).orElse(null);
    if (lease == null) {
      throw new LeaseControl.LeaseNotBoundException(address + " has no lease");
    }
    if (lease.state() != LeaseState.BOUND || !lease.holdsAddressAt(now)) {
      throw new LeaseControl.LeaseNotBoundException(
          address
              + " is not bound (its lease is "
              + (lease.state() == LeaseState.BOUND
                  ? "past its expiry"
                  : lease.state().name().toLowerCase(java.util.Locale.ROOT))
              + ")");
    }
    LeaseRecord released = lease.withState(LeaseState.RELEASED, now);
    partnerHolds.remove(address.value());
    commit(released, now);
    log.info("DHCP_LEASE_RELEASED_BY_OPERATOR address={} client={}", address, ClientKey.of(lease));
    return released;
  }

  /** The bound lease of this address if it is this client's. */
  private LeaseRecord clientsLease(Ipv4Address address, ClientKey key, long now) {
    LeaseRecord lease = store.byAddress(address).orElse(null);
    if (lease == null
        || lease.state() != LeaseState.BOUND
        || !lease.holdsAddressAt(now)
        || !key.matches(lease)) {
      return null;
    }
    return lease;
  }

  // ------------------------------------------------------------------ INFORM (RFC 2131 §4.3.5)

  private Optional<DhcpOutcome> inform(DhcpMessage request, DhcpRequestContext context) {
    Ipv4Address ciaddr = request.clientAddress();
    if (ciaddr.value() != 0) {
      // RFC 2131 section 4.3.5: straight to ciaddr, relayed or not (the relay could not deliver
      // a reply with no yiaddr to a client it does not know), as Kea sends it. Only to an address
      // of a subnet served at the client's link (behind a relay with several, the client's own
      // subnet gives the options): anyone may send an INFORM, and a reply larger than the request
      // must not go to any host the sender names.
      SubnetPlan subnet = null;
      for (SubnetPlan candidate : plan.subnetsFor(link(request))) {
        if (candidate.subnet().contains(ciaddr)) {
          subnet = candidate;
          break;
        }
      }
      if (subnet == null) {
        return drop(DropReason.FOREIGN_CLIENT_ADDRESS);
      }
      int clientPort = request.isRelayed() ? plan.config.port() + 1 : context.sourcePort();
      return Optional.of(new DhcpOutcome(informReply(request, subnet), ciaddr, clientPort, null));
    }
    Ipv4Address where = request.isRelayed() ? link(request) : context.sourceAddress();
    SubnetPlan subnet = plan.subnetContaining(where);
    if (subnet == null) {
      List<SubnetPlan> behind = plan.subnetsFor(link(request));
      if (behind.isEmpty()) {
        return drop(DropReason.NO_SUBNET);
      }
      subnet = behind.get(0);
    }
    DhcpMessage ack = informReply(request, subnet);
    if (request.isRelayed()) {
      return Optional.of(
          new DhcpOutcome(ack, request.relayAgentAddress(), plan.config.port(), null));
    }
    return Optional.of(new DhcpOutcome(ack, context.sourceAddress(), context.sourcePort(), null));
  }

  private DhcpMessage informReply(DhcpMessage request, SubnetPlan subnet) {
    ClientContext client = identify(request, clock.millis());
    stats.sent(DhcpMessageType.ACK);
    return replies.informReply(request, subnet, client.deviceClass, client.reservation);
  }

  // ------------------------------------------------------------------------ lease lifecycle

  /**
   * Ends what time has ended: bound leases past their expiry become EXPIRED and quarantines end.
   * Returns the changes, which the caller makes durable (so DNS and the peer learn of them).
   *
   * <p>Not while standing by: the serving partner ends its leases and streams the changes. A
   * standby whose clock runs ahead would otherwise end leases early and stream them to the partner,
   * which takes them (same client, same grant) and hands a held address to another client. Once
   * serving, the standby ends all that time has ended meanwhile.
   */
  public List<LeaseRecord> reclaimExpired() {
    if (mode == ServingMode.STANDBY) {
      return List.of();
    }
    long now = clock.millis();
    expireOffers(now);
    if (partnerHolds.runOutBy(now)) {
      endPartnerHolds("no lease the partner granted before it fell silent can still run");
    }
    List<LeaseRecord> changes = new ArrayList<>();
    while (!expiries.isEmpty() && expiries.firstTime() + partnerClockBehindMillis <= now) {
      long at = expiries.firstTime();
      int address = expiries.firstAddress();
      expiries.removeFirst();
      LeaseRecord lease = store.byAddress(new Ipv4Address(address)).orElse(null);
      if (lease == null || lease.expiresAtMillis() != at) {
        continue; // renewed or changed since this entry was queued
      }
      if (lease.state() == LeaseState.BOUND || lease.state() == LeaseState.DECLINED) {
        LeaseRecord expired = lease.withState(LeaseState.EXPIRED, lease.expiresAtMillis());
        commit(expired, now);
        changes.add(expired);
      } else {
        releaseIfUnheld(lease.address(), now);
      }
    }
    return changes;
  }

  private void reclaimLater(Ipv4Address address) {
    LeaseRecord lease = store.byAddress(address).orElse(null);
    if (lease != null) {
      queueExpiry(lease.expiresAtMillis(), address.value());
    }
  }

  /**
   * Queues a lease's expiry. The entry a renewal leaves behind stays until its time comes, so a
   * client renewing without pause (a week's lease, a thousand renewals a second) grew the queue by
   * a billion entries before the first came due: once it holds four times as many entries as there
   * are leases, it is built again from the leases, one entry each (amortised, a rebuild costs no
   * more than the additions that called for it).
   */
  private void queueExpiry(long expiresAtMillis, int address) {
    expiries.add(expiresAtMillis, address);
    if (expiries.size() > Math.max(MIN_EXPIRIES_REBUILT, 4L * store.size())) {
      expiries.clear();
      store.forEachEncoded(
          (lease, length) -> {
            LeaseState state = LeaseRecord.Encoded.state(lease);
            if (state == LeaseState.BOUND || state == LeaseState.DECLINED) {
              expiries.add(
                  LeaseRecord.Encoded.expiresAtMillis(lease), LeaseRecord.Encoded.address(lease));
            }
          });
    }
  }

  /** Queued expiries, for tests. */
  int queuedExpiries() {
    return expiries.size();
  }

  private void commit(LeaseRecord lease, long now) {
    if (lease.holdsAddressAt(now)) {
      partnerHolds.remove(lease.address().value()); // its last client has it again
    }
    track(store.put(lease), lease, now);
  }

  /** Keeps pools, counts and the expiry queue in step with a lease change. */
  private void track(LeaseState previous, LeaseRecord lease, long now) {
    stats.leaseChanged(previous, lease.state());
    if (heldAt(lease, now)) {
      markHeld(lease.address(), lease.expiresAtMillis());
    } else {
      releaseIfUnheld(lease.address(), now);
    }
  }

  /**
   * A stored lease, in its binary form, counted and its address marked if it holds it: for a new
   * plan, read in place (a million leases re-marked in 32-39 ms, 140-226 when each was decoded for
   * these three fields). The plan's pools start free but for reservations, and one address has one
   * lease: one that holds nothing leaves its address free with no lookup to check.
   */
  private void markFromStore(byte[] lease, long now) {
    stats.leaseChanged(null, LeaseRecord.Encoded.state(lease));
    if (LeaseRecord.Encoded.holdsAddressAt(lease, now - partnerClockBehindMillis)) {
      markHeld(
          new Ipv4Address(LeaseRecord.Encoded.address(lease)),
          LeaseRecord.Encoded.expiresAtMillis(lease));
    }
  }

  private void markHeld(Ipv4Address address, long expiresAtMillis) {
    queueExpiry(expiresAtMillis, address.value());
    markUsed(address);
  }

  private void markUsed(Ipv4Address address) {
    PoolPlan pool = plan.poolContaining(address);
    if (pool != null && pool.pool().markUsed(address)) {
      highWater.check(pool);
    }
  }

  // ------------------------------------------------------------------------------- helpers

  /** Who the client is and what the config says of it. */
  private ClientContext identify(DhcpMessage request, long now) {
    DhcpOptions options = request.options();
    byte[] hardware = request.clientHardwareAddress().toBytes();
    byte[] clientId = options.clientIdentifier().map(ClientIdentifier::toBytes).orElse(new byte[0]);
    RelayAgentInformation relay = options.relayAgentInformation().orElse(null);
    byte[] circuitId = relay == null ? null : relay.circuitId().orElse(null);
    byte[] remoteId = relay == null ? null : relay.remoteId().orElse(null);
    boolean relayInfo = relay != null;
    ClientKey key =
        clientId.length > 0
            ? ClientKey.ofClientId(clientId)
            : ClientKey.ofHardware(request.clientHardwareAddress().type().code(), hardware);
    LeaseRecord stashed = relay == null ? renewedLease(request, key, now) : null;
    if (stashed != null) {
      // A client behind a CMTS renews by unicast, which the relay passes on untouched: no giaddr,
      // no option 82. It is the client that bound with them, so what the relay said then stands
      // (ISC's stash-agent-options): without it a CPE would lose its class, its count against
      // its modem's limit and, where option 82 is required, its lease at its first renewal.
      circuitId = stashed.circuitId();
      remoteId = stashed.remoteId();
      relayInfo = true;
    }
    Reservation reservation = plan.reservationFor(hardware, clientId, remoteId);
    boolean modemKnown =
        remoteId != null
            && (plan.reservationOfModem(remoteId) != null
                || store.byHardwareAddress(remoteId).map(l -> l.holdsAddressAt(now)).orElse(false));
    ClientFacts facts =
        new ClientFacts(
            key,
            request.clientHardwareAddress().type().code(),
            hardware,
            clientId,
            options.vendorClassIdentifier().orElse(null),
            circuitId,
            remoteId,
            relayInfo,
            reservation != null,
            modemKnown);
    return new ClientContext(facts, reservation, plan.classify(facts, reservation));
  }

  /**
   * The lease a unicast renewal without relay information renews, when it is this client's, bound
   * and was granted with relay information; else null.
   */
  private LeaseRecord renewedLease(DhcpMessage request, ClientKey key, long now) {
    if (request.isRelayed() || request.clientAddress().value() == 0) {
      return null;
    }
    LeaseRecord lease = clientsLease(request.clientAddress(), key, now);
    return lease != null && (lease.remoteId() != null || lease.circuitId() != null) ? lease : null;
  }

  private static ClientKey keyOf(DhcpMessage request) {
    Optional<ClientIdentifier> clientId = request.options().clientIdentifier();
    return clientId.isPresent()
        ? ClientKey.ofClientId(clientId.get().toBytes())
        : ClientKey.ofHardware(
            request.clientHardwareAddress().type().code(),
            request.clientHardwareAddress().toBytes());
  }

  /** The policy that refuses this client, or null: blocks, option 82 for CPE, CPE limits. */
  private DropReason refusal(ClientContext client, long now) {
    if (client.reservation != null && client.reservation.blocked()) {
      return DropReason.BLOCKED;
    }
    Reservation modem = plan.reservationOfModem(client.facts.remoteId());
    if (modem != null && modem.blocked()) {
      return DropReason.BLOCKED;
    }
    if (role(client.deviceClass) != DeviceRole.CPE) {
      return null;
    }
    if (plan.config.policies().requireRelayInfoForCpe() && !client.facts.hasRelayInfo()) {
      return DropReason.NO_RELAY_INFO;
    }
    int limit = plan.config.policies().maxCpePerModem();
    byte[] remoteId = client.facts.remoteId();
    if (limit > 0 && remoteId != null) {
      ClientKey self = client.facts.key();
      int held =
          store.countHeldByRemoteId(
              remoteId, now, lease -> isCpe(lease) && !ClientKey.of(lease).equals(self));
      // Offers count too: a CPE changing its MAC at every DISCOVER and never requesting had an
      // address held for each, and filled the pool for every other CPE on the network.
      ByteKey behind = new ByteKey(remoteId);
      int offered = cpeOffersByModem.getOrDefault(behind, 0);
      Offer own = offersByClient.get(self);
      if (own != null && behind.equals(own.modem)) {
        offered--;
      }
      if (held + offered >= limit) {
        return DropReason.CPE_LIMIT;
      }
    }
    return null;
  }

  private boolean isCpe(LeaseRecord lease) {
    return role(lease.clientClass().isEmpty() ? null : plan.classNamed(lease.clientClass()))
        == DeviceRole.CPE;
  }

  private static DeviceRole role(DeviceClass cls) {
    return cls == null ? DeviceRole.CPE : cls.role();
  }

  /**
   * The link a request came from: option 82 link selection or option 118 when a relay names the
   * client's subnet apart from its own address (RFC 3527, 3011), else giaddr, else (a local client)
   * ciaddr or this server's own address.
   */
  private Ipv4Address link(DhcpMessage request) {
    DhcpOptions options = request.options();
    Optional<Ipv4Address> selection =
        options
            .relayAgentInformation()
            .flatMap(RelayAgentInformation::linkSelection)
            .or(options::subnetSelection);
    if (selection.isPresent()) {
      return selection.get();
    }
    if (request.isRelayed()) {
      return request.relayAgentAddress();
    }
    return request.clientAddress().value() != 0 ? request.clientAddress() : plan.serverIdentifier;
  }

  private long leaseTime(SubnetPlan subnet, DeviceClass cls) {
    return cls != null && cls.leaseTime() != null ? cls.leaseTime() : subnet.leaseTime();
  }

  private static String hostname(DhcpMessage request, Reservation reservation) {
    if (reservation != null && reservation.hostname() != null) {
      return reservation.hostname();
    }
    String name =
        request
            .options()
            .clientFqdn()
            .map(ClientFqdn::domainName)
            .or(() -> request.options().hostName())
            .orElse("");
    return atMost255Octets(name);
  }

  /**
   * The text cut to what a lease keeps, 255 octets of UTF-8, at a character's end. Cut at 255
   * characters, a name of octets above 0x7f (two octets each in UTF-8) was still too long, and its
   * REQUEST threw while its lease was built.
   */
  static String atMost255Octets(String text) {
    if (text.length() * 3 <= 255) {
      return text;
    }
    int octets = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (octets + size > 255) {
        return text.substring(0, i);
      }
      octets += size;
      i += Character.charCount(c);
    }
    return text;
  }

  private static String className(DeviceClass cls) {
    return cls == null ? "(none)" : cls.name();
  }

  /** The subnets' config paths: {@code dhcp.subnets[0]} or {@code dhcp.subnets[0,3]}. */
  private static String subnetsPath(List<SubnetPlan> subnets) {
    StringBuilder path = new StringBuilder("dhcp.subnets[");
    for (int i = 0; i < subnets.size(); i++) {
      path.append(i == 0 ? "" : ",").append(subnets.get(i).index());
    }
    return path.append(']').toString();
  }

  private static String poolsLabel(List<SubnetPlan> subnets) {
    StringBuilder label = new StringBuilder();
    for (SubnetPlan subnet : subnets) {
      label.append(label.length() == 0 ? "" : ",").append(subnet.subnet());
    }
    return label.toString();
  }

  /** Where a reply goes (RFC 2131 §4.1). */
  private DhcpOutcome to(DhcpMessage request, DhcpMessage reply, LeaseRecord change) {
    int serverPort = plan.config.port();
    int clientPort = serverPort + 1;
    if (request.isRelayed()) {
      return new DhcpOutcome(reply, request.relayAgentAddress(), serverPort, change);
    }
    if (request.clientAddress().value() != 0) {
      // A NAK too, though RFC 2131 §4.1 says to broadcast it: a client renewing from behind a
      // router (every cable CPE) never hears a broadcast on the server's link, and would keep an
      // address it was refused until its lease ran out. Kea unicasts it as well.
      return new DhcpOutcome(reply, request.clientAddress(), clientPort, change);
    }
    // No unicast to a client without an address: that would need its MAC in our ARP cache.
    return new DhcpOutcome(reply, BROADCAST, clientPort, change);
  }

  private static final Ipv4Address BROADCAST = new Ipv4Address(-1);

  private Optional<DhcpOutcome> drop(DropReason reason) {
    stats.dropped(reason);
    return Optional.empty();
  }

  private record ClientContext(
      ClientFacts facts, Reservation reservation, DeviceClass deviceClass) {}

  private record Choice(Ipv4Address address, SubnetPlan subnet, PoolPlan pool) {}

  /**
   * The monotonic clock in milliseconds. Offer holds are timed on it, not on the wall clock: a
   * clock stepped back an hour would otherwise keep an unanswered offer's address from every other
   * client for that hour, and one stepped forward would withdraw offers clients are answering.
   */
  private long tickMillis() {
    return TimeUnit.NANOSECONDS.toMillis(ticker.nanos());
  }

  /**
   * An address offered to a client and held for it until {@code heldUntil} ({@link #tickMillis}).
   */
  /**
   * An address held for a client's REQUEST.
   *
   * @param modem the remote-id of the modem a CPE offered to sits behind (counted against its CPE
   *     limit), or null
   */
  private record Offer(ClientKey client, Ipv4Address address, long heldUntil, ByteKey modem) {}
}
