/** Authoritative DNS with RFC 2136 updates, on dnsjava. Imports common only. */
package org.provisioning.dns;
