package org.provisioning.tftp.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.provisioning.common.config.TftpConfig;

/**
 * The outcome of option negotiation (RFC 2347): what the server grants and what its OACK says. An
 * option the server does not know, or whose value is out of its RFC's range, is left out of the
 * OACK (RFC 2347: the client then proceeds without it); when nothing is granted there is no OACK
 * and the transfer starts as RFC 1350 says.
 *
 * @param blockSize octets per DATA (RFC 2348; 512 without the option)
 * @param windowSize DATA packets sent before an ACK is awaited (RFC 7440; 1 without the option)
 * @param timeoutMillis the first retransmission timeout (RFC 2349 timeout, in seconds on the wire)
 * @param oack the options to acknowledge, empty for no OACK
 */
public record TftpOptions(
    int blockSize, int windowSize, int timeoutMillis, Map<String, String> oack) {

  public static final int DEFAULT_BLOCK = 512;

  /**
   * The longest RFC 2349 timeout granted, in seconds: a block is then given up on after about 2.5
   * minutes of retries, where a client may ask up to 255 s (over two hours).
   */
  static final int MAX_TIMEOUT_SECONDS = 5;

  /**
   * Negotiates the options of a request.
   *
   * @param size the file's size for a read's tsize; for a write, -1 (the client's tsize is echoed)
   */
  public static TftpOptions negotiate(
      Map<String, String> requested,
      boolean write,
      long size,
      TftpConfig config,
      TftpStatistics stats) {
    int blockSize = DEFAULT_BLOCK;
    int windowSize = 1;
    int timeoutMillis = config.timeoutMillis();
    Map<String, String> oack = new LinkedHashMap<>();
    for (Map.Entry<String, String> option : requested.entrySet()) {
      String name = option.getKey();
      long value = number(option.getValue());
      switch (name) {
        case "blksize" -> {
          if (value >= 8 && value <= 65464) {
            blockSize = (int) Math.min(value, config.maxBlockSize());
            oack.put(name, Integer.toString(blockSize));
          } else {
            value = -1;
          }
        }
        case "tsize" -> {
          if (value >= 0 && (write || size >= 0)) {
            oack.put(name, Long.toString(write ? value : size));
          } else {
            value = -1;
          }
        }
        case "timeout" -> {
          if (value > MAX_TIMEOUT_SECONDS && value <= 255) {
            // Valid, but not granted (RFC 2349 lets a server leave it out; the client then keeps
            // the default): at 255 s a client that answered once held its slot over two hours,
            // and a few hosts could hold every slot while no modem got its config file.
            stats.option("declined");
            continue;
          }
          if (value >= 1 && value <= 255) {
            timeoutMillis = (int) value * 1000;
            oack.put(name, Long.toString(value));
          } else {
            value = -1;
          }
        }
        case "windowsize" -> {
          if (value >= 1 && value <= 65535 && !write) {
            windowSize = (int) Math.min(value, config.maxWindowSize());
            oack.put(name, Integer.toString(windowSize));
          } else {
            value = -1;
          }
        }
        default -> {
          stats.option("unknown");
          continue;
        }
      }
      stats.option(value < 0 ? "invalid" : name);
    }
    return new TftpOptions(blockSize, windowSize, timeoutMillis, oack);
  }

  private static long number(String text) {
    if (text.isEmpty() || text.length() > 10) {
      return -1;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(text);
  }
}
