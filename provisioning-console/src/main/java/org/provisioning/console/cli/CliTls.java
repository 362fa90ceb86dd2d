package org.provisioning.console.cli;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.provisioning.console.tls.PemFiles;
import org.provisioning.console.tls.TlsMaterial;

/**
 * How provisionctl trusts the server's HTTPS certificate: a self-signed certificate is trusted by
 * its SHA-256 fingerprint (pinned), taken from the certificate file on this machine (the server's
 * {@code dataDir/tls/management.crt}, or the configured certificate) or given with {@code
 * --tls-fingerprint}; any other certificate must chain to a CA the JDK trusts and name the host.
 */
final class CliTls {
  private CliTls() {}

  /**
   * @param certificateFile the certificate the server serves, if it is on this machine
   * @param fingerprint a fingerprint given on the command line, or null
   */
  static SSLContext context(Path certificateFile, String fingerprint)
      throws GeneralSecurityException {
    Set<String> pinned = new LinkedHashSet<>();
    if (fingerprint != null) {
      pinned.add(TlsMaterial.normaliseFingerprint(fingerprint));
    }
    if (certificateFile != null && Files.isReadable(certificateFile)) {
      try {
        pinned.add(TlsMaterial.fingerprint(PemFiles.readCertificates(certificateFile).get(0)));
      } catch (IOException unreadable) {
        // Then the CA check alone decides.
      }
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    X509ExtendedTrustManager system = null;
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        system = extended;
      }
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new Pinned(pinned, system)}, null);
    return context;
  }

  /** Trusts the pinned fingerprints, else what the JDK trusts (host name checked). */
  private static final class Pinned extends X509ExtendedTrustManager {
    private final Set<String> pinned;
    private final X509ExtendedTrustManager system;

    Pinned(Set<String> pinned, X509ExtendedTrustManager system) {
      this.pinned = pinned;
      this.system = system;
    }

    private boolean isPinned(X509Certificate[] chain) {
      return chain != null
          && chain.length > 0
          && pinned.contains(TlsMaterial.fingerprint(chain[0]));
    }

    private CertificateException untrusted(X509Certificate[] chain, CertificateException cause) {
      return new CertificateException(
          "the server's certificate (SHA-256 "
              + (chain == null || chain.length == 0 ? "?" : TlsMaterial.fingerprint(chain[0]))
              + ") is neither the one provisionctl knows nor signed by a trusted CA; compare it"
              + " with MANAGEMENT_TLS_CERTIFICATE in the server's log and pass"
              + " --tls-fingerprint",
          cause);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      if (isPinned(chain)) {
        return;
      }
      try {
        system.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        throw untrusted(chain, e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      if (isPinned(chain)) {
        return;
      }
      try {
        system.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        throw untrusted(chain, e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (isPinned(chain)) {
        return;
      }
      try {
        system.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        throw untrusted(chain, e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("provisionctl is no server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("provisionctl is no server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("provisionctl is no server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return system.getAcceptedIssuers();
    }
  }
}
