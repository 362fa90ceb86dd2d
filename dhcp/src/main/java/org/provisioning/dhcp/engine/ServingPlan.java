package org.provisioning.dhcp.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.provisioning.common.config.ClientClassConfig;
import org.provisioning.common.config.DhcpConfig;
import org.provisioning.common.config.DhcpOptionsConfig;
import org.provisioning.common.config.PoolConfig;
import org.provisioning.common.config.ReservationConfig;
import org.provisioning.common.config.SubnetConfig;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Subnet;
import org.provisioning.dhcp.alloc.AddressPool;
import org.provisioning.dhcp.lease.ByteKey;

/**
 * The DHCP config compiled for serving: subnets indexed by relay address, pools with their usage
 * bitmaps, classes as byte patterns, reservations by MAC, client id and remote-id. Built again
 * whenever the config changes; the engine then re-marks the bitmaps from the lease store.
 */
final class ServingPlan {
  final DhcpConfig config;
  final Ipv4Address serverIdentifier;
  final List<SubnetPlan> subnets = new ArrayList<>();
  final List<PoolPlan> pools = new ArrayList<>();
  final List<DeviceClass> classes = new ArrayList<>();
  private final Map<String, DeviceClass> classesByName = new HashMap<>();
  private final IntMap<List<SubnetPlan>> byRelay = new IntMap<>();
  private final Map<ByteKey, Reservation> byMac = new HashMap<>();
  private final Map<ByteKey, Reservation> byClientId = new HashMap<>();
  private final Map<ByteKey, Reservation> byRemoteId = new HashMap<>();
  private final IntMap<Reservation> byAddress = new IntMap<>();

  ServingPlan(DhcpConfig config) {
    this.config = config;
    this.serverIdentifier = config.effectiveServerIdentifier();
    for (ClientClassConfig cls : config.classes()) {
      DeviceClass compiled = DeviceClass.compile(classes.size(), cls);
      classes.add(compiled);
      classesByName.put(compiled.name(), compiled);
    }
    for (SubnetConfig subnetConfig : config.subnets()) {
      SubnetPlan subnet =
          new SubnetPlan(
              subnets.size(),
              subnetConfig.subnet(),
              subnetConfig.options().over(config.options()),
              subnetConfig.leaseTime() != null ? subnetConfig.leaseTime() : config.leaseTime(),
              new ArrayList<>());
      subnets.add(subnet);
      for (PoolConfig poolConfig : subnetConfig.pools()) {
        PoolPlan pool =
            new PoolPlan(
                pools.size(),
                new AddressPool(poolConfig.label(), poolConfig.range()),
                subnet,
                Set.copyOf(poolConfig.classes()),
                poolConfig.warningPercent(),
                poolConfig.criticalPercent());
        pools.add(pool);
        subnet.pools().add(pool);
      }
      for (Ipv4Address relay : subnetConfig.relays()) {
        List<SubnetPlan> behind = byRelay.get(relay.value());
        if (behind == null) {
          behind = new ArrayList<>();
          byRelay.put(relay.value(), behind);
        }
        behind.add(subnet);
      }
    }
    for (ReservationConfig reservationConfig : config.reservations()) {
      Reservation reservation =
          new Reservation(
              reservationConfig.address(),
              reservationConfig.hostname(),
              reservationConfig.clientClass() == null
                  ? null
                  : classesByName.get(reservationConfig.clientClass()),
              reservationConfig.blocked(),
              reservationConfig.options());
      if (reservationConfig.mac() != null) {
        byMac.put(new ByteKey(Octets.parseHex(reservationConfig.mac())), reservation);
      }
      if (reservationConfig.clientId() != null) {
        byClientId.put(new ByteKey(Octets.parseHex(reservationConfig.clientId())), reservation);
      }
      if (reservationConfig.remoteId() != null) {
        byRemoteId.put(
            new ByteKey(Octets.parseHexOrText(reservationConfig.remoteId())), reservation);
      }
      if (reservationConfig.address() != null) {
        byAddress.put(reservationConfig.address().value(), reservation);
      }
    }
  }

  /**
   * The subnets a request may be served from: those behind its relay (option 118 or the option 82
   * link selection first, then giaddr), or for a local client the one of its ciaddr or of this
   * server's own address. Several subnets behind one relay are a shared network.
   */
  List<SubnetPlan> subnetsFor(Ipv4Address link) {
    List<SubnetPlan> relayed = byRelay.get(link.value());
    SubnetPlan containing = subnetContaining(link);
    if (relayed == null) {
      return containing == null ? List.of() : List.of(containing);
    }
    if (containing == null || relayed.contains(containing)) {
      return relayed;
    }
    List<SubnetPlan> both = new ArrayList<>(relayed);
    both.add(containing);
    return both;
  }

  SubnetPlan subnetContaining(Ipv4Address address) {
    for (SubnetPlan subnet : subnets) {
      if (subnet.subnet().contains(address)) {
        return subnet;
      }
    }
    return null;
  }

  PoolPlan poolContaining(Ipv4Address address) {
    SubnetPlan subnet = subnetContaining(address);
    if (subnet != null) {
      for (PoolPlan pool : subnet.pools()) {
        if (pool.pool().contains(address)) {
          return pool;
        }
      }
    }
    return null;
  }

  /** The reservation of a client: by MAC, then client id, then its relay's remote-id. */
  Reservation reservationFor(byte[] mac, byte[] clientId, byte[] remoteId) {
    // Checked for emptiness first: most plans reserve nothing, and a key costs an allocation.
    Reservation found = mac.length > 0 && !byMac.isEmpty() ? byMac.get(new ByteKey(mac)) : null;
    if (found == null && clientId.length > 0 && !byClientId.isEmpty()) {
      found = byClientId.get(new ByteKey(clientId));
    }
    if (found == null && remoteId != null && !byRemoteId.isEmpty()) {
      found = byRemoteId.get(new ByteKey(remoteId));
    }
    return found;
  }

  /** The reservation of the modem whose MAC a CMTS put in option 82 remote-id. */
  Reservation reservationOfModem(byte[] remoteId) {
    return remoteId == null ? null : byMac.get(new ByteKey(remoteId));
  }

  Reservation reservationOfAddress(Ipv4Address address) {
    return byAddress.get(address.value());
  }

  DeviceClass classify(ClientFacts client, Reservation reservation) {
    if (reservation != null && reservation.deviceClass() != null) {
      return reservation.deviceClass();
    }
    for (DeviceClass cls : classes) {
      if (cls.matches(client)) {
        return cls;
      }
    }
    return null;
  }

  DeviceClass classNamed(String name) {
    return classesByName.get(name);
  }

  /** Whether the address is reserved for someone: out of dynamic allocation. */
  boolean isReserved(int address) {
    return byAddress.containsKey(address);
  }

  void forEachReservedAddress(IntConsumer action) {
    byAddress.forEachKey(action);
  }

  record SubnetPlan(
      int index,
      Ipv4Subnet subnet,
      DhcpOptionsConfig options,
      long leaseTime,
      List<PoolPlan> pools) {

    /** Where the subnet is in the config: {@code dhcp.subnets[0]}. */
    String configPath() {
      return "dhcp.subnets[" + index + "]";
    }
  }

  record PoolPlan(
      int index,
      AddressPool pool,
      SubnetPlan subnet,
      Set<String> classes,
      int warningPercent,
      int criticalPercent) {

    /** Where the pool is in the config: {@code dhcp.subnets[0].pools[1]}. */
    String configPath() {
      return subnet.configPath() + ".pools[" + subnet.pools().indexOf(this) + "]";
    }

    boolean serves(DeviceClass cls) {
      return classes.isEmpty() || (cls != null && classes.contains(cls.name()));
    }
  }

  record Reservation(
      Ipv4Address address,
      String hostname,
      DeviceClass deviceClass,
      boolean blocked,
      DhcpOptionsConfig options) {}
}
