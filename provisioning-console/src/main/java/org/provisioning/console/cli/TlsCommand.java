package org.provisioning.console.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code provisionctl tls fingerprint}: the SHA-256 fingerprint of the certificate the server
 * answers with, to compare with what a browser shows before trusting it.
 */
@Command(
    name = "tls",
    description = "The management listener's HTTPS certificate.",
    subcommands = {TlsCommand.Fingerprint.class})
final class TlsCommand {
  @ParentCommand Provisionctl ctl;

  /** The line {@code status} and {@code tls fingerprint} print. */
  static String describe(String fingerprint) {
    return fingerprint == null
        ? "  tls          off (plain HTTP, loopback only)"
        : "  tls          sha256 " + fingerprint;
  }

  @Command(name = "fingerprint", description = "SHA-256 fingerprint of the served certificate.")
  static final class Fingerprint implements Callable<Integer> {
    @ParentCommand TlsCommand tls;

    @Override
    public Integer call() {
      tls.ctl.call("GET", "/status", null, Map.of());
      if (tls.ctl.servedFingerprint == null) {
        tls.ctl.out().println("none: the server speaks plain HTTP (loopback only)");
      } else {
        tls.ctl.out().println(tls.ctl.servedFingerprint);
      }
      return 0;
    }
  }
}
