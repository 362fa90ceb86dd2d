package org.provisioning.common.control;

/**
 * Builds the config file a modem would get, for an operator to inspect (the console's {@code GET
 * /api/v1/tftp/render} and {@code provisionctl tftp render}), without the console importing TFTP.
 */
@FunctionalInterface
public interface ConfigFileRenderer {

  /**
   * @param name the requested file name; null for the first configured pattern
   * @param mac the modem's MAC, like {@code 00:11:22:33:44:55}
   * @param clientClass the DHCP class to render for; null for none
   * @throws IllegalArgumentException with a message for the operator when nothing can be built
   */
  RenderedFile render(String name, String mac, String clientClass);

  /**
   * @param name the file name the modem would ask for
   * @param content the octets it would receive
   * @param text the same file as template text, MICs as comments
   */
  record RenderedFile(String name, byte[] content, String text) {}
}
