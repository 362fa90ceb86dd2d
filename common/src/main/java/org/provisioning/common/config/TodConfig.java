package org.provisioning.common.config;

import java.util.List;
import org.provisioning.common.net.Ipv4Address;

/**
 * The RFC 868 Time of Day service, on TCP and UDP at the same port.
 *
 * @param requireSync send no time while {@code syncCommand} says this server's clock is not
 *     synchronised: a modem is better left without the time than given a wrong one
 * @param syncCommand run every {@code syncCheckSeconds}; the clock counts as synchronised when it
 *     exits 0 and its first line of output is not {@code no} (so both {@code timedatectl show
 *     --property=NTPSynchronized --value} and {@code chronyc waitsync 1} work)
 */
public record TodConfig(
    Boolean enabled,
    Ipv4Address listen,
    Integer port,
    Boolean requireSync,
    List<String> syncCommand,
    Integer syncCheckSeconds) {
  public static final List<String> DEFAULT_SYNC_COMMAND =
      List.of("timedatectl", "show", "--property=NTPSynchronized", "--value");

  public TodConfig {
    enabled = enabled != null && enabled;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 37 : port;
    requireSync = requireSync != null && requireSync;
    syncCommand = syncCommand == null ? DEFAULT_SYNC_COMMAND : List.copyOf(syncCommand);
    syncCheckSeconds = syncCheckSeconds == null ? 30 : syncCheckSeconds;
  }

  /** The ToD service with every default: disabled. */
  public static TodConfig defaults() {
    return new TodConfig(null, null, null, null, null, null);
  }
}
