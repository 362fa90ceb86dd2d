/**
 * The management listener's certificate: a self-signed one made with the JDK's own classes at first
 * start (X.509 v3, RFC 5280, encoded here in DER) and kept in the data directory, or the operator's
 * PEM certificate and key. Imports common only; no Netty.
 */
package org.provisioning.console.tls;
