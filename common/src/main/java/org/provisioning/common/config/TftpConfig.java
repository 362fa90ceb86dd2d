package org.provisioning.common.config;

import java.nio.file.Path;
import org.provisioning.common.net.Ipv4Address;

/**
 * The TFTP service (RFC 1350 with the option extensions of RFC 2347-2349 and 7440): the files it
 * serves, the limits that keep a reboot storm from exhausting it, and the DOCSIS config files it
 * builds per modem.
 *
 * @param root the directory files are served from; relative to the installation directory
 * @param writeRoot the directory write requests may create files in; null (the default) refuses
 *     every write request
 * @param maxTransfers transfers in progress at once; a read request beyond it is refused with a
 *     TFTP error, so a flood costs a datagram each, not memory
 * @param maxTransfersPerClient transfers in progress at once from one address, a quarter of {@code
 *     maxTransfers} by default: one host (a modem needs one transfer) cannot take every slot from
 *     the rest. Raise it where a CMTS proxies its modems' TFTP from its own address
 * @param maxBlockSize the largest blksize (RFC 2348) granted; 1468 fills a 1500-octet Ethernet MTU
 * @param maxWindowSize the largest windowsize (RFC 7440) granted
 * @param timeoutMillis the first retransmission timeout when the client asks for none (RFC 2349);
 *     it doubles on every retransmission of the same block
 * @param retries retransmissions of one block before the transfer is given up
 * @param maxWriteBytes the largest file a write request may leave in {@code writeRoot}
 */
public record TftpConfig(
    Boolean enabled,
    Ipv4Address listen,
    Integer port,
    String root,
    String writeRoot,
    Integer maxTransfers,
    Integer maxTransfersPerClient,
    Integer maxBlockSize,
    Integer maxWindowSize,
    Integer timeoutMillis,
    Integer retries,
    Long maxWriteBytes,
    DocsisConfig docsis) {
  public static final String DEFAULT_ROOT = "tftp";

  public TftpConfig {
    enabled = enabled != null && enabled;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 69 : port;
    root = root == null ? DEFAULT_ROOT : root;
    maxTransfers = maxTransfers == null ? 2000 : maxTransfers;
    maxTransfersPerClient =
        maxTransfersPerClient == null ? Math.max(1, maxTransfers / 4) : maxTransfersPerClient;
    maxBlockSize = maxBlockSize == null ? 1468 : maxBlockSize;
    maxWindowSize = maxWindowSize == null ? 16 : maxWindowSize;
    timeoutMillis = timeoutMillis == null ? 1000 : timeoutMillis;
    retries = retries == null ? 5 : retries;
    maxWriteBytes = maxWriteBytes == null ? 16L << 20 : maxWriteBytes;
    docsis = docsis == null ? new DocsisConfig(null, null, null, null, null, null) : docsis;
  }

  /** The TFTP service with every default: disabled. */
  public static TftpConfig defaults() {
    return new TftpConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** The served directory, resolved against {@code base} (the installation directory). */
  public Path rootDirectory(Path base) {
    return base.resolve(root).normalize();
  }

  /** The writable directory resolved against {@code base}, or null when writes are refused. */
  public Path writeDirectory(Path base) {
    return writeRoot == null ? null : base.resolve(writeRoot).normalize();
  }
}
