/**
 * Answers DNS messages (RFC 1034/1035 queries, RFC 5936 AXFR, RFC 1995 IXFR, RFC 1996 NOTIFY, RFC
 * 2136 updates, RFC 6891 EDNS0, RFC 8945 TSIG) from wire bytes to wire bytes, on dnsjava's {@code
 * Message}. Imports no Netty, so tests and fuzzers drive it without sockets.
 */
package org.provisioning.dns.engine;
