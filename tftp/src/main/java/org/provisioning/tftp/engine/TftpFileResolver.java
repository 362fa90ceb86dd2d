package org.provisioning.tftp.engine;

import java.net.InetSocketAddress;

/** Turns a requested name into content: the served root, or DOCSIS files built on request. */
@FunctionalInterface
public interface TftpFileResolver {
  /** What to send, why not, or null when the name is none of this resolver's business. */
  TftpResolution resolve(String name, InetSocketAddress client);
}
