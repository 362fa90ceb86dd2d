package org.provisioning.common.config;

/**
 * Policies cable operators rely on.
 *
 * @param maxCpePerModem how many CPE leases may sit behind one modem (keyed by option 82
 *     remote-id); 0 for no limit
 * @param requireRelayInfoForCpe NAK (and do not offer to) CPE whose requests lack option 82
 * @param echoClientId echo option 61 in replies (RFC 6842)
 */
public record DhcpPolicyConfig(
    Integer maxCpePerModem, Boolean requireRelayInfoForCpe, Boolean echoClientId) {

  public DhcpPolicyConfig {
    maxCpePerModem = maxCpePerModem == null ? 0 : maxCpePerModem;
    requireRelayInfoForCpe = requireRelayInfoForCpe != null && requireRelayInfoForCpe;
    echoClientId = echoClientId == null || echoClientId;
  }
}
