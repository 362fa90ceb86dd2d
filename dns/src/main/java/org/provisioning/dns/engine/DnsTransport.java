package org.provisioning.dns.engine;

/** Which transport a message came on: UDP answers are size-limited and truncated, TCP's are not. */
public enum DnsTransport {
  UDP,
  TCP
}
