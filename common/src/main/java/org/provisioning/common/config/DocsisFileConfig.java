package org.provisioning.common.config;

import java.util.Map;

/**
 * One kind of generated DOCSIS file.
 *
 * @param pattern the requested name, with {@code {mac}} (12 lower-case hex digits) and {@code
 *     {class}} standing for the modem's; e.g. {@code cm-{mac}.cfg}, the boot file its DHCP class
 *     hands out
 * @param template the template's file, in the text form of DOCSIS TLVs; relative to the
 *     installation directory. A file is this machine's: install it on both servers of a pair
 * @param templateText the template itself, instead of a file: it is then part of the config, so it
 *     is versioned, journaled and replicated to the failover peer with everything else
 * @param requireLease serve only to an address whose lease is the modem's (the MAC in the name, if
 *     any, must be the lease's); on by default, so one modem cannot fetch another's service
 * @param variables values for {@code ${name}} in the template, for every modem
 * @param classes per DHCP client class, values that override {@code variables}
 */
public record DocsisFileConfig(
    String pattern,
    String template,
    String templateText,
    Boolean requireLease,
    Map<String, String> variables,
    Map<String, Map<String, String>> classes) {

  public DocsisFileConfig {
    requireLease = requireLease == null || requireLease;
    variables = variables == null ? Map.of() : Map.copyOf(variables);
    classes = classes == null ? Map.of() : Map.copyOf(classes);
  }
}
