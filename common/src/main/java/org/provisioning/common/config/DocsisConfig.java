package org.provisioning.common.config;

import java.util.List;

/**
 * DOCSIS config files that TFTP builds per modem from templates instead of serving them from disk.
 *
 * @param sharedSecret the CMTS shared secret: the key of the CMTS MIC (HMAC-MD5); the CMTS that
 *     registers the modem must hold the same one
 * @param cmtsMic whether files carry the CMTS MIC (TLV 7); on by default, as every CMTS with a
 *     shared secret checks it
 * @param files which requested names are built, and from which template
 * @param modems per-modem values that override a file's and a class's variables
 * @param antiTheftSeconds when above 0, DHCP hands each modem a random file name instead of its
 *     configured boot file; the name is valid from that lease's address only, within this many
 *     seconds, and the file carries TLV 19 (time) and TLV 20 (modem address)
 * @param cacheEntries how many built files are kept, keyed by content
 */
public record DocsisConfig(
    @Secret String sharedSecret,
    Boolean cmtsMic,
    List<DocsisFileConfig> files,
    List<DocsisModemConfig> modems,
    Integer antiTheftSeconds,
    Integer cacheEntries) {

  public DocsisConfig {
    cmtsMic = cmtsMic == null || cmtsMic;
    files = files == null ? List.of() : List.copyOf(files);
    modems = modems == null ? List.of() : List.copyOf(modems);
    antiTheftSeconds = antiTheftSeconds == null ? 0 : antiTheftSeconds;
    cacheEntries = cacheEntries == null ? 20_000 : cacheEntries;
  }

  /** Without the shared secret: with it anyone could sign config files a CMTS accepts. */
  @Override
  public String toString() {
    return "DocsisConfig[sharedSecret=***, cmtsMic="
        + cmtsMic
        + ", files="
        + files
        + ", modems="
        + modems
        + ", antiTheftSeconds="
        + antiTheftSeconds
        + ", cacheEntries="
        + cacheEntries
        + "]";
  }
}
